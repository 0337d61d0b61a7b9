// Two validators over the contract schemas:
// - responses: ajv, strict types. A failure is a sandbox bug (index.ts answers 500 and logs it).
// - requests: WordPress's own rules (rest_validate_value_from_schema), which are looser than JSON
//   Schema: "2" is a valid integer, "true"/"1" valid booleans. Values come back coerced, as
//   rest_sanitize_value_from_schema does. Unknown fields are ignored, as WordPress ignores them.
import Ajv, { type ValidateFunction } from "ajv";
import { schemaFor, type Resource, type Schema } from "./contract";
import { invalidParams } from "./errors";

const ajv = new Ajv({ allErrors: true, strict: false, allowUnionTypes: true });
const compiled = new Map<Resource, ValidateFunction>();

export interface ValidationResult { ok: boolean; errors: string[] }

/** Checks one response object (order, product, refund, note, webhook) against the docs' tables. */
export function validateResponse(resource: Resource, value: unknown): ValidationResult {
  let fn = compiled.get(resource);
  if (!fn) {
    fn = ajv.compile(schemaFor(resource, "response"));
    compiled.set(resource, fn);
  }
  const ok = fn(value) as boolean;
  return {
    ok,
    errors: ok ? [] : (fn.errors ?? []).map((e) => `${e.instancePath || "/"} ${e.message ?? ""}`.trim()),
  };
}

type Json = unknown;

function typeList(s: Schema): string[] {
  const t = s.type;
  return Array.isArray(t) ? (t as string[]) : typeof t === "string" ? [t] : [];
}

function coerce(type: string, v: Json): { ok: boolean; value?: Json } {
  switch (type) {
    case "integer":
      if (typeof v === "number" && Number.isInteger(v)) return { ok: true, value: v };
      if (typeof v === "string" && /^-?\d+$/.test(v.trim())) return { ok: true, value: Number(v) };
      return { ok: false };
    case "number":
      if (typeof v === "number" && Number.isFinite(v)) return { ok: true, value: v };
      if (typeof v === "string" && v.trim() !== "" && Number.isFinite(Number(v))) return { ok: true, value: Number(v) };
      return { ok: false };
    case "boolean":
      if (typeof v === "boolean") return { ok: true, value: v };
      if (v === "true" || v === "1" || v === 1) return { ok: true, value: true };
      if (v === "false" || v === "0" || v === 0 || v === "") return { ok: true, value: false };
      return { ok: false };
    case "string":
      return typeof v === "string" ? { ok: true, value: v } : { ok: false };
    case "null":
      return v === null ? { ok: true, value: null } : { ok: false };
    case "array":
      return Array.isArray(v) ? { ok: true, value: v } : { ok: false };
    case "object":
      return v !== null && typeof v === "object" && !Array.isArray(v) ? { ok: true, value: v } : { ok: false };
    default:
      return { ok: true, value: v };
  }
}

/** Returns the coerced value or an error message in WordPress's wording. */
function check(s: Schema, v: Json, path: string): { value?: Json; error?: string } {
  const types = typeList(s);
  let value: Json = v;
  if (types.length) {
    const hit = types.map((t) => coerce(t, v)).find((r) => r.ok);
    if (!hit) return { error: `${path} is not of type ${types.join(",")}.` };
    value = hit.value;
  }
  const en = s.enum as Json[] | undefined;
  if (en && !en.includes(value)) return { error: `${path} is not one of ${en.join(", ")}.` };
  if (Array.isArray(value) && s.items) {
    const out: Json[] = [];
    for (const [i, item] of value.entries()) {
      const r = check(s.items as Schema, item, `${path}[${i}]`);
      if (r.error) return r;
      out.push(r.value);
    }
    return { value: out };
  }
  if (value && typeof value === "object" && !Array.isArray(value) && s.properties) {
    const props = s.properties as Record<string, Schema>;
    const out: Record<string, Json> = {};
    for (const [k, item] of Object.entries(value as Record<string, Json>)) {
      const p = props[k];
      if (!p) continue; // unknown or read-only: ignored
      const r = check(p, item, `${path}[${k}]`);
      if (r.error) return r;
      out[k] = r.value;
    }
    return { value: out };
  }
  return { value };
}

/**
 * Validates a create/update body. Throws 400 rest_invalid_param (data.params names each bad
 * top-level field). Returns only the writable, documented fields, coerced.
 * `extra` adds endpoint args that are not resource properties (e.g. refund "api_refund").
 */
export function validateRequest(resource: Resource, body: unknown, extra: Record<string, Schema> = {}): Record<string, Json> {
  const schema = schemaFor(resource, "request");
  const props = { ...(schema.properties as Record<string, Schema>), ...extra };
  const src = body && typeof body === "object" && !Array.isArray(body) ? (body as Record<string, Json>) : {};
  const out: Record<string, Json> = {};
  const bad: Record<string, string> = {};
  for (const [k, v] of Object.entries(src)) {
    const p = props[k];
    if (!p) continue;
    const r = check(p, v, k);
    if (r.error) bad[k] = r.error;
    else out[k] = r.value;
  }
  if (Object.keys(bad).length) throw invalidParams(bad);
  return out;
}
