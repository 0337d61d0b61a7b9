import { createHash, randomBytes } from 'node:crypto';
import type { Queryable } from '../storage/database';
import { newId } from '../ids';
import { SettleError } from '../errors';

export interface Merchant {
  id: string;
  name: string;
}

/** API keys are shown once and stored only as a SHA-256 hash (they are long random strings, so no salt is needed). */
function hashApiKey(apiKey: string): string {
  return createHash('sha256').update(apiKey).digest('hex');
}

export async function createMerchant(db: Queryable, name: string): Promise<{ merchant: Merchant; apiKey: string }> {
  const trimmed = name.trim();
  if (!trimmed || trimmed.length > 200) throw new SettleError('invalid_merchant_name', 'Give the store a name of 1 to 200 characters.');
  const merchant = { id: newId('mer'), name: trimmed };
  const apiKey = `sk_settle_${randomBytes(24).toString('base64url')}`;
  await db.query('INSERT INTO merchants (id, name, api_key_hash) VALUES ($1, $2, $3)', [merchant.id, merchant.name, hashApiKey(apiKey)]);
  return { merchant, apiKey };
}

export async function findMerchantByApiKey(db: Queryable, apiKey: string): Promise<Merchant | undefined> {
  const rows = await db.query<{ id: string; name: string }>('SELECT id, name FROM merchants WHERE api_key_hash = $1', [hashApiKey(apiKey)]);
  return rows[0];
}

export async function findMerchant(db: Queryable, id: string): Promise<Merchant | undefined> {
  const rows = await db.query<{ id: string; name: string }>('SELECT id, name FROM merchants WHERE id = $1', [id]);
  return rows[0];
}
