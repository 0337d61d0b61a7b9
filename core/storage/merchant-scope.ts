import type { Database, Queryable } from './database';

/**
 * Runs `work` in one transaction as the role `settle_merchant` with `app.merchant_id` set, so
 * PostgreSQL's row-level security (migration 034) lets it see and change only this merchant's rows,
 * whatever its SQL says. For merchant-scoped reads and writes: what a merchant's request does.
 * Work that spans merchants (webhooks routed by account, the worker) runs as the owner instead.
 */
export function withMerchantScope<T>(db: Database, merchantId: string, work: (tx: Queryable) => Promise<T>): Promise<T> {
  return db.transaction(async (tx) => {
    await tx.query('SET LOCAL ROLE settle_merchant');
    await tx.query(`SELECT set_config('app.merchant_id', $1, true)`, [merchantId]);
    return work(tx);
  });
}
