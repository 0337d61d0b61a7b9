import { randomBytes } from 'node:crypto';

/** Settle's own ids: a readable prefix and 128 random bits, unguessable (a payment id is a page URL). */
export function newId(prefix: 'mer' | 'pay' | 'le' | 'ob' | 'rf' | 'rr' | 'cs' | 'cus' | 'card' | 'cset' | 'sub' | 'sdr' | 'pl' | 'oi' | 'bb'): string {
  return `${prefix}_${randomBytes(16).toString('base64url')}`;
}
