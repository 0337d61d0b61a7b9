import type { Database } from '../storage/database';
import type { SecretBox } from './secret-box';

/** Every column where Settle keeps a sealed secret, with the key that names its row. */
export const SEALED_COLUMNS = [
  { table: 'connections', column: 'secrets', key: ['merchant_id', 'platform'] },
  { table: 'shopify_sessions', column: 'sealed', key: ['id'] },
] as const;

export interface RotationResult {
  table: string;
  column: string;
  /** Secrets re-sealed with the current key now. */
  resealed: number;
  /** Secrets already sealed with it. */
  current: number;
  /** Secrets no configured key opens (left as they are). */
  unreadable: number;
}

/**
 * Re-seals every stored secret with the box's current key, a table at a time in one transaction
 * with its rows locked, so a secret saved meanwhile is neither lost nor sealed twice. Safe to run
 * again: a secret already under the current key is left alone.
 */
export async function resealSecrets(db: Database, box: SecretBox): Promise<RotationResult[]> {
  const results: RotationResult[] = [];
  for (const { table, column, key } of SEALED_COLUMNS) {
    const result: RotationResult = { table, column, resealed: 0, current: 0, unreadable: 0 };
    await db.transaction(async (tx) => {
      const rows = await tx.query<Record<string, string>>(`SELECT ${key.join(', ')}, ${column} AS sealed FROM ${table} ORDER BY ${key.join(', ')} FOR UPDATE`);
      for (const row of rows) {
        let resealed: string | undefined;
        try {
          resealed = box.reseal(row.sealed!);
        } catch {
          result.unreadable++;
          continue;
        }
        if (resealed === undefined) {
          result.current++;
          continue;
        }
        const where = key.map((k, i) => `${k} = $${i + 2}`).join(' AND ');
        await tx.query(`UPDATE ${table} SET ${column} = $1 WHERE ${where}`, [resealed, ...key.map((k) => row[k])]);
        result.resealed++;
      }
    });
    results.push(result);
  }
  return results;
}
