import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Queryable } from '../storage/database';

/**
 * The store plugin's connection secret signs what the plugin sends Settle: its API calls
 * (`X-Settle-Signature: t=<unix>,v1=<hex HMAC-SHA256(secret, "<t>.<raw body>")>`) and the
 * single-sign-on link to Settle's admin. Checks return a reason instead of throwing (as Shopify's
 * validate does), so the route picks the status and the stable code.
 */
export type SignatureCheck = { valid: true; signature: string } | { valid: false; reason: 'malformed' | 'stale' | 'mismatch' };

export function newConnectionSecret(): string {
  return `sss_${randomBytes(32).toString('hex')}`;
}

export function hmacHex(secret: string, message: string): string {
  return createHmac('sha256', secret).update(message).digest('hex');
}

function sameHex(given: string, expected: string): boolean {
  const a = Buffer.from(given, 'hex');
  const b = Buffer.from(expected, 'hex');
  return a.length === b.length && a.length > 0 && timingSafeEqual(a, b);
}

function fresh(t: number, nowSeconds: number, toleranceSeconds: number): boolean {
  return Math.abs(nowSeconds - t) <= toleranceSeconds;
}

/** An API call's header, over the raw body exactly as received. Tolerance 300 s, as stripe-node's. */
export function checkRequestSignature(secret: string, header: string, rawBody: string, nowSeconds = Date.now() / 1000, toleranceSeconds = 300): SignatureCheck {
  const fields = new Map(header.split(',').map((part) => part.trim().split('=', 2) as [string, string]));
  const t = fields.get('t');
  const v1 = fields.get('v1');
  if (!t || !/^\d{1,12}$/.test(t) || !v1 || !/^[0-9a-f]{64}$/i.test(v1)) return { valid: false, reason: 'malformed' };
  if (!sameHex(v1, hmacHex(secret, `${t}.${rawBody}`))) return { valid: false, reason: 'mismatch' };
  if (!fresh(Number(t), nowSeconds, toleranceSeconds)) return { valid: false, reason: 'stale' };
  return { valid: true, signature: v1.toLowerCase() };
}

/** The single-sign-on link: HMAC of "sso.<store>.<t>", valid for 60 s. */
export function checkSsoSignature(secret: string, store: string, t: string, sig: string, nowSeconds = Date.now() / 1000, toleranceSeconds = 60): SignatureCheck {
  if (!/^\d{1,12}$/.test(t) || !/^[0-9a-f]{64}$/i.test(sig)) return { valid: false, reason: 'malformed' };
  if (!sameHex(sig, hmacHex(secret, `sso.${store}.${t}`))) return { valid: false, reason: 'mismatch' };
  if (!fresh(Number(t), nowSeconds, toleranceSeconds)) return { valid: false, reason: 'stale' };
  return { valid: true, signature: sig.toLowerCase() };
}

/** Records a signature as used; false when it was used before (a replay). */
export async function useSignatureOnce(db: Queryable, merchantId: string, signature: string, validForSeconds: number): Promise<boolean> {
  await db.query('DELETE FROM used_store_signatures WHERE expires_at < now()');
  const rows = await db.query<{ signature: string }>(
    `INSERT INTO used_store_signatures (merchant_id, signature, expires_at) VALUES ($1, $2, now() + make_interval(secs => $3))
     ON CONFLICT DO NOTHING RETURNING signature`,
    [merchantId, signature, validForSeconds * 2],
  );
  return rows.length > 0;
}
