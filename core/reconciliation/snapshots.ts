import type { Queryable } from '../storage/database';
import type { Store, StoreOrder } from '../stores/store';
import type { Money } from '../money';

/**
 * Records a store order as the store just showed it: the store's side of the three-way match.
 * Paid: the platform's own word when it gives one, otherwise "no longer asks for payment".
 */
export async function recordStoreOrder(
  db: Queryable, merchantId: string, platform: Store['platform'], order: Pick<StoreOrder, 'id' | 'number' | 'paid' | 'needsPayment' | 'total' | 'refunded'>,
): Promise<void> {
  await db.query(
    `INSERT INTO store_order_snapshots (merchant_id, store_platform, order_id, order_number, paid, total, currency, refunded, read_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, now())
     ON CONFLICT (merchant_id, store_platform, order_id) DO UPDATE
       SET order_number = EXCLUDED.order_number, paid = EXCLUDED.paid, total = EXCLUDED.total, currency = EXCLUDED.currency,
           refunded = EXCLUDED.refunded, read_at = EXCLUDED.read_at`,
    [merchantId, platform, order.id, order.number, order.paid ?? !order.needsPayment, order.total.amount, order.total.currency, order.refunded?.amount ?? 0],
  );
}

/**
 * Reads the order back from the store after Settle changed it, so the snapshot is what the store
 * says rather than what Settle asked for. A failed read changes nothing: the sweep reads it later.
 */
export async function readBackStoreOrder(db: Queryable, merchantId: string, store: Store, orderId: string): Promise<void> {
  try {
    await recordStoreOrder(db, merchantId, store.platform, await store.getOrder(orderId));
  } catch {
    // The sweep re-reads every order it has no fresh snapshot of.
  }
}

/** Records a books document as the books just showed it (`total` null: the books no longer have it). */
export async function recordBooksDocument(db: Queryable, merchantId: string, documentType: string, documentId: string, total: Money | null): Promise<void> {
  await db.query(
    `INSERT INTO books_document_snapshots (merchant_id, document_type, document_id, amount, currency, read_at) VALUES ($1, $2, $3, $4, $5, now())
     ON CONFLICT (merchant_id, document_type, document_id) DO UPDATE SET amount = EXCLUDED.amount, currency = EXCLUDED.currency, read_at = EXCLUDED.read_at`,
    [merchantId, documentType, documentId, total?.amount ?? null, total?.currency ?? null],
  );
}
