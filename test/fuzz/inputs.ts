/**
 * The raw material of bad requests, as fast-check arbitraries: injection strings, wrong ids, broken
 * and truncated JSON, wrong content types, bodies over the limits, and mutations of a valid JSON
 * body that each make it invalid (a required field dropped, a field of the wrong type, a field the
 * route does not take). A mutation never yields a request the route should accept: that is not bad
 * input, and would change state by design.
 */
import fc from 'fast-check';

export interface FuzzRequest {
  method: string;
  path: string;
  headers: Record<string, string | undefined>;
  body?: string | undefined;
  /** What the request is, in words, for a failure's story. */
  label: string;
}

export const INJECTIONS = [
  "' OR '1'='1", "'; DROP TABLE payments; --", '" OR ""="', '1; SELECT pg_sleep(5)', "mer_' UNION SELECT secrets FROM connections --",
  '<script>alert(1)</script>', '"><img src=x onerror=alert(1)>', 'javascript:alert(1)', '{{7*7}}', '${7*7}', '${jndi:ldap://x/a}',
  '../../../etc/passwd', '..%2f..%2fetc%2fpasswd', '%00', '\u0000', '\r\nSet-Cookie: a=b', '__proto__', 'constructor', '{"$gt":""}',
  'A'.repeat(5000), '🙂'.repeat(50), '\u202e\u0644\u0627', 'NaN', '-1', '1e400', '0x10', 'null', 'undefined', '[]', '{}',
];

export const injection = fc.constantFrom(...INJECTIONS);
export const junk = fc.oneof(injection, fc.string({ maxLength: 40 }), fc.string({ unit: 'grapheme', maxLength: 20 }));

/** Text that can go in an HTTP header (latin-1, no line breaks): what a client can actually send. */
export const headerText = junk.map((s) => s.replace(/[^\x20-\x7e]/g, '').slice(0, 300));

/** A path segment as sent: percent-encoded where needed. */
export const segment = (s: string) => encodeURIComponent(s);

/** Ids that are not the caller's: another merchant's, well-formed but unknown, or injection. */
export const foreignId = (prefix: string, others: string[]) => fc.oneof(
  fc.constantFrom(...others),
  fc.uint8Array({ minLength: 16, maxLength: 16 }).map((b) => `${prefix}_${Buffer.from(b).toString('base64url')}`),
  junk.filter((s) => s.length > 0),
);

// The limits are 64 kB (API) and 512 kB (webhooks): these are over them.
export const OVER_API_LIMIT = JSON.stringify({ padding: 'x'.repeat(70 * 1024) });
export const OVER_WEBHOOK_LIMIT = JSON.stringify({ id: 'evt_huge', padding: 'x'.repeat(600 * 1024) });

/** Bodies that are not JSON at all, or JSON cut short. */
export const brokenJson = fc.oneof(
  fc.constantFrom('{', '{"id":', '[1,2', 'nul', '{"a":1}}', '{"a":1,}', "{'a':1}", '\u0000\u0001', '<xml/>', 'a=1&b=2', '{"a":"\\x"}', '\ufeff{'),
  fc.json().filter((j) => j.length > 1).chain((j) => fc.nat({ max: j.length - 2 }).map((n) => j.slice(0, n + 1)).filter((t) => !isJson(t))),
  fc.string({ minLength: 1, maxLength: 60 }).filter((t) => !isJson(t)),
);

export const isJson = (text: string): boolean => {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
};

export const contentType = fc.constantFrom(
  'application/json', 'text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/xml',
  'application/json; charset=utf-16', 'application/json; charset=latin1', '', 'application/jsonx', '*/*',
);

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

export interface BodyShape {
  /** A body the route accepts. */
  valid: Record<string, Json>;
  /** Fields whose absence makes the body invalid. */
  required: string[];
  /** The route refuses fields it does not know. */
  strict: boolean;
}

const wrongFor = (value: Json): fc.Arbitrary<Json> => {
  if (typeof value === 'string') return fc.constantFrom<Json>(123, -1, true, null, [], {}, ['x'], { $ne: null });
  if (typeof value === 'number') return fc.oneof(injection as fc.Arbitrary<Json>, fc.constantFrom<Json>(1.5, -1, 0, null, true, [], {}, '12'));
  if (typeof value === 'boolean') return fc.constantFrom<Json>('true', 1, null, [], {});
  return fc.constantFrom<Json>('x', 1, null, true);
};

/** A valid body made invalid in one or more ways, serialised (sometimes cut short). */
export function invalidBody(shape: BodyShape): fc.Arbitrary<{ body: string; how: string }> {
  const keys = Object.keys(shape.valid);
  const mutations: fc.Arbitrary<{ value: Json; how: string }>[] = [
    fc.constantFrom(...keys).chain((key) => wrongFor(shape.valid[key]!).map((wrong) => ({ value: { ...shape.valid, [key]: wrong }, how: `${key} of the wrong type` }))),
    fc.constantFrom<Json>([], 'body', 42, null, true, [shape.valid]).map((value) => ({ value, how: 'not an object' })),
  ];
  if (shape.required.length > 0) {
    mutations.push(fc.subarray(shape.required, { minLength: 1 }).map((drop) => ({
      value: Object.fromEntries(Object.entries(shape.valid).filter(([k]) => !drop.includes(k))) as Json, how: `without ${drop.join(', ')}`,
    })));
  }
  if (shape.strict) {
    mutations.push(fc.tuple(fc.oneof(injection, fc.constantFrom('merchantId', 'merchant_id', 'isAdmin', 'status', 'amount_refunded', '__proto__')), fc.json())
      .filter(([key]) => !keys.includes(key))
      .map(([key, extra]) => ({ value: { ...shape.valid, [key]: JSON.parse(extra) as Json }, how: `with an unexpected field ${JSON.stringify(key).slice(0, 40)}` })));
  }
  return fc.tuple(fc.oneof(...mutations), fc.boolean()).map(([m, cut]) => {
    // A computed key makes `__proto__` an own field, so it is sent as an attacker would send it.
    const text = JSON.stringify(m.value);
    return cut && text.length > 2 ? { body: text.slice(0, Math.max(1, Math.floor(text.length / 2))), how: `${m.how}, cut short` } : { body: text, how: m.how };
  });
}

/** Any body a JSON route must refuse: a mutation of its valid body, broken JSON, or one over the limit. */
export function badJsonBody(shape: BodyShape): fc.Arbitrary<{ body: string; contentType: string; how: string }> {
  return fc.oneof(
    { weight: 6, arbitrary: invalidBody(shape).map((b) => ({ ...b, contentType: 'application/json' })) },
    { weight: 2, arbitrary: brokenJson.map((body) => ({ body, contentType: 'application/json', how: 'broken JSON' })) },
    // The valid body under another content type is not read as JSON: it is a body that is missing.
    ...(shape.required.length > 0
      ? [{ weight: 2, arbitrary: contentType.filter((t) => !t.startsWith('application/json')).map((t) => ({ body: JSON.stringify(shape.valid), contentType: t, how: `sent as ${t || 'no content type'}` })) }]
      : []),
    { weight: 1, arbitrary: fc.constant({ body: OVER_API_LIMIT, contentType: 'application/json', how: 'over the size limit' }) },
  );
}
