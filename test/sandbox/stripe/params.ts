// Decodes Stripe's form / query encoding (bracket notation: metadata[k]=v, expand[]=x,
// expand[0]=x) into nested values, then walks the operation's schema from the spec to
// coerce strings to integers/booleans/arrays and to reject what Stripe would reject
// (unknown parameter, missing required, wrong type, bad enum value).
import { deref, type Schema } from './spec';
import { invalidRequest, missingParameter, unknownParameter } from './errors';

type Nested = string | { [k: string]: Nested };

/** Parse `a[b][c]=v` pairs into nested objects; `[]` appends with the next free index. */
export function decodeBracketParams(raw: string): Record<string, Nested> {
  const root: Record<string, Nested> = {};
  for (const [key, value] of new URLSearchParams(raw)) {
    const m = /^([^[\]]+)((?:\[[^[\]]*\])*)$/.exec(key);
    if (!m) throw invalidRequest(`Invalid parameter name: ${key}`, { param: key });
    const segments = [m[1] as string, ...[...(m[2] ?? '').matchAll(/\[([^[\]]*)\]/g)].map((x) => x[1] ?? '')];
    let node: Record<string, Nested> = root;
    segments.forEach((seg, i) => {
      const name = seg === '' ? String(Object.keys(node).length) : seg;
      if (i === segments.length - 1) {
        node[name] = value;
        return;
      }
      const next = node[name];
      if (typeof next === 'string') throw invalidRequest(`Invalid parameter: ${key}`, { param: key });
      node = (next ?? (node[name] = {})) as Record<string, Nested>;
    });
  }
  return root;
}

const typesOf = (s: Schema): string[] =>
  s.type === undefined ? [] : Array.isArray(s.type) ? s.type : [s.type];

const describe = (v: unknown) => (typeof v === 'string' ? v : JSON.stringify(v));

/** Coerce one decoded value against its schema; `param` is the Stripe-style name (a[b]). */
function coerce(value: unknown, schemaIn: Schema, param: string): unknown {
  const schema = deref(schemaIn);
  const alternatives = schema.anyOf ?? schema.oneOf;
  if (alternatives) {
    // Try branches in order; prefer an error from a branch of the same shape as the value
    // (an object value should report the object branch's unknown key, not "invalid string").
    // Among same-shape branches the first one wins (card: card details before token).
    let best: unknown;
    let bestSameShape = false;
    for (const alt of alternatives) {
      try {
        return coerce(value, alt, param);
      } catch (e) {
        const t = typesOf(deref(alt));
        const sameShape = typeof value === 'object' ? t.includes('object') || t.includes('array') : !t.includes('object');
        if (best === undefined || (sameShape && !bestSameShape)) {
          best = e;
          bestSameShape = sameShape;
        }
      }
    }
    throw best;
  }
  if (schema.enum && typeof value === 'string' && !schema.enum.includes(value)) {
    throw invalidRequest(
      `Invalid ${param}: must be one of ${schema.enum.filter((x) => x !== null).join(', ')}`,
      { param },
    );
  }
  const types = typesOf(schema);
  if (types.includes('null') && value === '') return '';
  if (types.includes('object')) {
    if (typeof value !== 'object' || value === null) throw invalidRequest(`Invalid object`, { param });
    const out: Record<string, unknown> = {};
    const obj = value as Record<string, unknown>;
    for (const [k, v] of Object.entries(obj)) {
      const name = param ? `${param}[${k}]` : k;
      const prop = schema.properties?.[k];
      if (prop) out[k] = coerce(v, prop, name);
      else if (schema.additionalProperties && typeof schema.additionalProperties === 'object')
        out[k] = coerce(v, schema.additionalProperties, name);
      else if (schema.additionalProperties === true) out[k] = v;
      else throw unknownParameter(name);
    }
    for (const r of schema.required ?? []) if (!(r in obj)) throw missingParameter(param ? `${param}[${r}]` : r);
    return out;
  }
  if (types.includes('array')) {
    // Arrays arrive as {0:..,1:..}; order by index as the SDK writes them.
    if (typeof value !== 'object' || value === null || !Object.keys(value).every((k) => /^\d+$/.test(k)))
      throw invalidRequest(`Invalid array`, { param });
    const entries = Object.entries(value as Record<string, unknown>).sort((a, b) => Number(a[0]) - Number(b[0]));
    return entries.map(([i, v]) => coerce(v, schema.items ?? {}, `${param}[${i}]`));
  }
  if (typeof value !== 'string') throw invalidRequest(`Invalid ${types[0] ?? 'value'}: ${describe(value)}`, { param });
  if (types.includes('integer')) {
    if (!/^-?\d+$/.test(value)) throw invalidRequest(`Invalid integer: ${value}`, { code: 'parameter_invalid_integer', param });
    return Number(value);
  }
  if (types.includes('number')) {
    if (!/^-?\d+(\.\d+)?$/.test(value)) throw invalidRequest(`Invalid decimal: ${value}`, { param });
    return Number(value);
  }
  if (types.includes('boolean')) {
    if (value !== 'true' && value !== 'false') throw invalidRequest(`Invalid boolean: ${value}`, { param });
    return value === 'true';
  }
  if (schema.maxLength !== undefined && value.length > schema.maxLength)
    throw invalidRequest(`Invalid string: ${value.slice(0, 20)}...; must be at most ${schema.maxLength} characters`, { param });
  return value;
}

/** Decode + check a request's parameters against the operation's schema. */
export function parseParams(raw: string, schema: Schema): Record<string, unknown> {
  return coerce(decodeBracketParams(raw), schema, '') as Record<string, unknown>;
}
