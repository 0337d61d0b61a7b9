import type { Queryable } from '../storage/database';

/**
 * Where the shopper returns once paid: the store's order-received page. The caller has checked it
 * is on the merchant's own store site (see storeReturnUrl in web/server), so the payment page never
 * links a shopper somewhere else.
 */
export async function setReturnUrl(db: Queryable, paymentId: string, returnUrl: string): Promise<void> {
  await db.query('UPDATE payments SET return_url = $2, updated_at = now() WHERE id = $1', [paymentId, returnUrl]);
}

export async function returnUrlOf(db: Queryable, paymentId: string): Promise<string | null> {
  const rows = await db.query<{ return_url: string | null }>('SELECT return_url FROM payments WHERE id = $1', [paymentId]);
  return rows[0]?.return_url ?? null;
}
