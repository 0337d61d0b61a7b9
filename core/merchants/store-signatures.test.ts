import { describe, expect, it } from 'vitest';
import { checkRequestSignature, checkSsoSignature, hmacHex, newConnectionSecret } from './store-signatures';

const SECRET = 'sss_test';
const T = 1_700_000_000;
const header = (t: number, body: string, secret = SECRET) => `t=${t},v1=${hmacHex(secret, `${t}.${body}`)}`;

describe('store plugin signatures', () => {
  it('accepts the header over the exact body within 5 minutes either way', () => {
    expect(checkRequestSignature(SECRET, header(T, '{"a":1}'), '{"a":1}', T + 300)).toEqual({ valid: true, signature: hmacHex(SECRET, `${T}.{"a":1}`) });
    expect(checkRequestSignature(SECRET, header(T, '{"a":1}'), '{"a":1}', T - 300).valid).toBe(true);
  });

  it('names why a header is refused', () => {
    expect(checkRequestSignature(SECRET, header(T, '{"a":1}'), '{"a":1}', T + 301)).toEqual({ valid: false, reason: 'stale' });
    expect(checkRequestSignature(SECRET, header(T, '{"a":1}'), '{"a": 1}', T)).toEqual({ valid: false, reason: 'mismatch' });
    expect(checkRequestSignature(SECRET, header(T, '{}', 'sss_other'), '{}', T)).toEqual({ valid: false, reason: 'mismatch' });
    for (const bad of ['', 'v1=abc', `t=${T}`, `t=soon,v1=${'0'.repeat(64)}`, `t=${T},v1=${'z'.repeat(64)}`]) {
      expect(checkRequestSignature(SECRET, bad, '{}', T)).toEqual({ valid: false, reason: 'malformed' });
    }
  });

  it('an SSO link is good for 60 s, for its own store only', () => {
    const sig = hmacHex(SECRET, `sso.mer_1.${T}`);
    expect(checkSsoSignature(SECRET, 'mer_1', String(T), sig, T + 60).valid).toBe(true);
    expect(checkSsoSignature(SECRET, 'mer_1', String(T), sig, T + 61)).toEqual({ valid: false, reason: 'stale' });
    expect(checkSsoSignature(SECRET, 'mer_2', String(T), sig, T)).toEqual({ valid: false, reason: 'mismatch' });
  });

  it('makes a new, long secret each time', () => {
    const a = newConnectionSecret();
    expect(a).toMatch(/^sss_[0-9a-f]{64}$/);
    expect(newConnectionSecret()).not.toBe(a);
  });
});
