/**
 * What "exactly once" means for the chaos suites, read from each system the way its users see it:
 * Stripe (charges), the store (order status, stock), Settle's ledger and the QuickBooks company.
 * A paid order must show once everywhere; anything more is doubled, anything missing after the
 * recovery window is lost.
 */
import { openDatabase } from '../../connectors/database/open';
import type { Database } from '../../core/storage/database';
import { TEST_DATABASE_URL } from '../../test/support/databases';
import { readBooks, stripeDashboard, type ConnectedMerchant, type Sandboxes } from '../../test/support/journey';

export interface Tally {
  /** Orders the shopper paid (Stripe holds a succeeded payment for each). */
  paidOrders: number;
  /** Succeeded payment intents at Stripe, and how many orders have more than one. */
  stripeSucceeded: number;
  ordersChargedTwice: number;
  /** The store: paid orders showing as processing, and units taken from stock. */
  storeProcessing: number;
  unitsTaken: number;
  /** Settle's ledger: sale entries, and payments with more than one. */
  ledgerSales: number;
  paymentsWithTwoSales: number;
  /** QuickBooks: sales receipts and fee expenses. */
  salesReceipts: number;
  feeExpenses: number;
}

export class PaymentModel {
  private constructor(
    private readonly db: Database,
    private readonly sandboxes: Sandboxes,
    private readonly merchant: ConnectedMerchant,
    private readonly productId: number,
    private readonly initialStock: number,
  ) {}

  static async open(
    sandboxes: Sandboxes, merchant: ConnectedMerchant, schema: string, productId: number, initialStock: number, databaseUrl = TEST_DATABASE_URL,
  ): Promise<PaymentModel> {
    const db = await openDatabase({ databaseUrl, dataDir: '', schema });
    return new PaymentModel(db, sandboxes, merchant, productId, initialStock);
  }

  close(): Promise<void> {
    return this.db.close();
  }

  /** Webhook deliveries Settle kept: one row per distinct event, however often it came. */
  async inboxRows(): Promise<number> {
    const [row] = await this.db.query<{ n: number }>('SELECT count(*)::int AS n FROM inbox WHERE merchant_id = $1', [this.merchant.merchantId]);
    return row?.n ?? 0;
  }

  async tally(orderIds: number[]): Promise<Tally> {
    const stripe = stripeDashboard(this.sandboxes, this.merchant);
    const succeededByOrder = new Map<string, number>();
    const payments = await this.db.query<{ order_id: string; processor_ref: string }>('SELECT order_id, processor_ref FROM payments WHERE merchant_id = $1', [this.merchant.merchantId]);
    const orderOf = new Map(payments.map((p) => [p.processor_ref, p.order_id]));
    for await (const intent of stripe.paymentIntents.list({ limit: 100 })) {
      if (intent.status !== 'succeeded') continue;
      const order = orderOf.get(intent.id) ?? `unknown:${intent.id}`;
      succeededByOrder.set(order, (succeededByOrder.get(order) ?? 0) + 1);
    }
    let storeProcessing = 0;
    for (const id of orderIds) {
      const order = (await this.merchant.woo.get(`orders/${id}`)).data as { status: string };
      if (order.status === 'processing') storeProcessing += 1;
    }
    const product = (await this.merchant.woo.get(`products/${this.productId}`)).data as { stock_quantity: number };
    const sales = await this.db.query<{ payment_id: string; n: number }>(
      `SELECT payment_id, count(*)::int AS n FROM ledger_entries WHERE merchant_id = $1 AND kind = 'sale' GROUP BY payment_id`, [this.merchant.merchantId],
    );
    const books = (await readBooks(this.sandboxes, this.merchant.realmId)).documents;
    return {
      paidOrders: succeededByOrder.size,
      stripeSucceeded: [...succeededByOrder.values()].reduce((a, b) => a + b, 0),
      ordersChargedTwice: [...succeededByOrder.values()].filter((n) => n > 1).length,
      storeProcessing,
      unitsTaken: this.initialStock - product.stock_quantity,
      ledgerSales: sales.reduce((a, s) => a + s.n, 0),
      paymentsWithTwoSales: sales.filter((s) => s.n > 1).length,
      salesReceipts: (books.SalesReceipt ?? []).length,
      feeExpenses: (books.Purchase ?? []).length,
    };
  }
}

/** Every paid order once in each system (one unit each), nothing more. */
export function consistent(t: Tally): boolean {
  const n = t.paidOrders;
  return t.stripeSucceeded === n && t.storeProcessing === n && t.unitsTaken === n && t.ledgerSales === n && t.salesReceipts === n && t.feeExpenses === n;
}

/** How many postings went beyond once, over all systems. */
export function doubled(t: Tally): number {
  const n = t.paidOrders;
  return t.ordersChargedTwice + t.paymentsWithTwoSales + Math.max(0, t.unitsTaken - n) + Math.max(0, t.salesReceipts - n) + Math.max(0, t.feeExpenses - n) + Math.max(0, t.ledgerSales - n);
}

/** How many paid orders are missing from some system. */
export function lost(t: Tally): number {
  const n = t.paidOrders;
  return Math.max(0, n - t.storeProcessing, n - Math.min(t.unitsTaken, n), n - Math.min(t.ledgerSales, n), n - Math.min(t.salesReceipts, n), n - Math.min(t.feeExpenses, n));
}

/** Reads until `done` holds, or gives up after `timeoutMs` (undefined). */
export async function until<T>(read: () => Promise<T>, done: (value: T) => boolean, timeoutMs: number): Promise<T | undefined> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const value = await read().catch(() => undefined);
    if (value !== undefined && done(value)) return value;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  return undefined;
}
