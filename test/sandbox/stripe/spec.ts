// Loads Stripe's OpenAPI spec once per process and exposes (1) the request schemas the
// parameter decoder needs and (2) an ajv validator for every object the sandbox returns.
// The YAML is 4 MB and takes ~1.2 s to parse, so everything is cached at module level.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, resolve } from 'node:path';
import YAML from 'yaml';
import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';

export type Schema = Record<string, unknown> & {
  type?: string | string[];
  properties?: Record<string, Schema>;
  additionalProperties?: boolean | Schema;
  items?: Schema;
  anyOf?: Schema[];
  oneOf?: Schema[];
  allOf?: Schema[];
  enum?: unknown[];
  required?: string[];
  maxLength?: number;
  $ref?: string;
};

const here = dirname(fileURLToPath(import.meta.url));
export const SPEC_PATH =
  process.env.STRIPE_SPEC_PATH ??
  resolve(here, '../../../../shared/contracts/stripe/openapi/spec3.2023-08-16.yaml');
/** The API version of the stored spec; events carry it as their api_version. */
export const SPEC_API_VERSION = '2023-08-16';

interface OpenApiDoc {
  paths: Record<string, Record<string, OpenApiOperation>>;
  components: { schemas: Record<string, Schema> };
}
interface OpenApiOperation {
  parameters?: { name: string; in: string; required?: boolean; schema: Schema }[];
  requestBody?: { content?: Record<string, { schema?: Schema }> };
}

// OpenAPI 3.0 `nullable` is not JSON Schema; ajv 8 refuses it. Conversion per NOTES.md:
// nullable+type -> add "null" to type (and to enum); nullable+anyOf/oneOf -> add {type:null}.
// x-* vendor keys are dropped (ajv would ignore them, but they bloat the compiled code).
function convert(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(convert);
  if (!node || typeof node !== 'object') return node;
  const src = node as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(src)) {
    if (k.startsWith('x-') || k === 'nullable') continue;
    if (k === 'properties' && v && typeof v === 'object') {
      // property names may look like keywords (e.g. "type"); convert values only
      out[k] = Object.fromEntries(Object.entries(v).map(([p, s]) => [p, convert(s)]));
    } else out[k] = convert(v);
  }
  if (src.nullable === true) {
    if (typeof out.type === 'string') {
      out.type = [out.type, 'null'];
      if (Array.isArray(out.enum)) out.enum = [...out.enum, null];
    } else if (Array.isArray(out.anyOf)) out.anyOf = [...out.anyOf, { type: 'null' }];
    else if (Array.isArray(out.oneOf)) out.oneOf = [...out.oneOf, { type: 'null' }];
  }
  return out;
}

interface Loaded {
  doc: OpenApiDoc;
  schemas: Record<string, Schema>; // converted component schemas
  ajv: Ajv;
}
let loaded: Loaded | undefined;

export function loadSpec(): Loaded {
  if (loaded) return loaded;
  const doc = YAML.parse(readFileSync(SPEC_PATH, 'utf8')) as OpenApiDoc;
  const schemas = convert(doc.components.schemas) as Record<string, Schema>;
  // allErrors for useful logs; strict false because the spec uses keywords/formats ajv
  // does not know. Additional properties stay allowed (the SDK pins a newer API version).
  const ajv = new Ajv({ allErrors: true, strict: false, logger: false });
  addFormats(ajv);
  ajv.addFormat('unix-time', true);
  ajv.addFormat('decimal', true);
  ajv.addSchema({ $id: 'stripe', components: { schemas } });
  loaded = { doc, schemas, ajv };
  return loaded;
}

/** Resolve a local $ref (`#/components/schemas/x`) in the converted schemas. */
export function deref(s: Schema): Schema {
  let cur = s;
  while (cur.$ref) {
    const name = cur.$ref.replace('#/components/schemas/', '');
    const next = loadSpec().schemas[name];
    if (!next) throw new Error(`unresolvable $ref ${cur.$ref}`);
    cur = next;
  }
  return cur;
}

/**
 * Parameters newer API versions accept that the stored 2023-08-16 spec does not know
 * (drift). Kept deliberately short and explicit: stripe@23 (API 2026-10-28) types have no
 * `payment_method_types` on PaymentIntent create any more, only `allowed_payment_method_types`.
 */
const DRIFT_PARAMS: Record<string, Record<string, Schema>> = {
  'POST /v1/payment_intents': {
    allowed_payment_method_types: { type: 'array', items: { type: 'string', maxLength: 5000 } },
  },
};

/**
 * The schema of what an operation accepts: the form body for POST, or an object built
 * from the query parameters for GET/DELETE. Path parameters are not part of it.
 */
export function requestSchema(method: string, pathTemplate: string): Schema {
  const op = loadSpec().doc.paths[pathTemplate]?.[method.toLowerCase()];
  if (!op) throw new Error(`operation ${method} ${pathTemplate} is not in the spec`);
  if (method.toUpperCase() === 'POST') {
    const body = op.requestBody?.content?.['application/x-www-form-urlencoded']?.schema;
    const schema = convert(body ?? { type: 'object', properties: {} }) as Schema;
    const drift = DRIFT_PARAMS[`POST ${pathTemplate}`];
    if (drift) schema.properties = { ...schema.properties, ...drift };
    const events = schema.properties?.enabled_events?.items;
    // refund.failed exists in newer API versions (the sandbox emits it), not in 2023-08-16.
    if (pathTemplate.startsWith('/v1/webhook_endpoints') && events?.enum) events.enum = [...events.enum, 'refund.failed'];
    return schema;
  }
  const props: Record<string, Schema> = {};
  const required: string[] = [];
  for (const p of op.parameters ?? []) {
    if (p.in !== 'query') continue;
    props[p.name] = convert(p.schema) as Schema;
    if (p.required) required.push(p.name);
  }
  return { type: 'object', properties: props, required, additionalProperties: false };
}

/** Fields Stripe lets `expand[]` resolve on an object type (the spec's x-expandableFields). */
export function expandableFields(objectType: string): string[] {
  const raw = loadSpec().doc.components.schemas[objectType] as Record<string, unknown> | undefined;
  const fields = raw?.['x-expandableFields'];
  return Array.isArray(fields) ? (fields as string[]) : [];
}

const validators = new Map<string, ValidateFunction>();
function validatorFor(name: string): ValidateFunction {
  let v = validators.get(name);
  if (!v) {
    const { ajv, schemas } = loadSpec();
    if (!schemas[name]) throw new Error(`no schema named ${name} in the spec`);
    v = ajv.getSchema(`stripe#/components/schemas/${name}`);
    if (!v) throw new Error(`could not compile schema ${name}`);
    validators.set(name, v);
  }
  return v;
}

/** Compile the validators of every type the sandbox returns (~0.7 s), at start-up. */
export function warmValidators(): void {
  for (const name of ['payment_intent', 'payment_method', 'charge', 'balance_transaction', 'payout', 'event',
    'webhook_endpoint', 'deleted_webhook_endpoint', 'refund', 'dispute', 'error',
    'customer', 'setup_intent', 'product', 'price', 'subscription', 'invoice']) validatorFor(name);
}

export interface ValidationResult {
  ok: boolean;
  errors: (ErrorObject | { instancePath: string; message: string })[];
}

/**
 * Validate a response body the sandbox is about to send: a Stripe object (by its `object`
 * field; `deleted: true` uses the deleted_* schema), a list envelope (each item by its own
 * type), an event (envelope plus data.object by its type), or an error body.
 */
export function validateStripeResponse(body: unknown): ValidationResult {
  const errors: ValidationResult['errors'] = [];
  const check = (name: string, value: unknown, at: string) => {
    const v = validatorFor(name);
    if (!v(value)) for (const e of v.errors ?? []) errors.push({ ...e, instancePath: at + e.instancePath });
  };
  const walk = (value: unknown, at: string) => {
    if (!value || typeof value !== 'object') {
      errors.push({ instancePath: at, message: 'response must be an object' });
      return;
    }
    const o = value as Record<string, unknown>;
    if ('error' in o && !('object' in o)) return check('error', o, at);
    if (o.object === 'list') {
      const okEnvelope =
        Array.isArray(o.data) && typeof o.has_more === 'boolean' && typeof o.url === 'string';
      if (!okEnvelope) errors.push({ instancePath: at, message: 'list needs data[], has_more, url' });
      (Array.isArray(o.data) ? o.data : []).forEach((item, i) => walk(item, `${at}/data/${i}`));
      return;
    }
    if (typeof o.object !== 'string') {
      errors.push({ instancePath: `${at}/object`, message: 'missing object type' });
      return;
    }
    check(o.deleted === true ? `deleted_${o.object}` : o.object, o, at);
    if (o.object === 'event') {
      const data = o.data as { object?: unknown } | undefined;
      if (data?.object) walk(data.object, `${at}/data/object`);
    }
  };
  walk(body, '');
  return { ok: errors.length === 0, errors };
}
