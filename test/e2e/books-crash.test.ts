/**
 * Exactly once into the books across a crash: QuickBooks stores the sales receipt, and the worker is
 * killed (SIGKILL) before its reply arrives, so Settle never recorded it. The restarted worker posts
 * the entry again with the same requestid: QuickBooks answers with the receipt it already has, the
 * books hold one receipt for the sale, and Settle one row for it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../connectors/database/open';
import type { Database } from '../../core/storage/database';
import { TEST_DATABASE_URL } from '../support/databases';
import { eventually, startSettleProcess } from '../support/settle-process';
import { startSettleStack, type SettleStack } from '../support/stack';
import { payAsShopper, placeOrder, readBooks, signUpAndConnect, startCheckout } from '../support/journey';

describe('a worker killed while QuickBooks answers', { timeout: 150_000 }, () => {
  let stack: SettleStack;
  let db: Database;
  beforeAll(async () => {
    stack = await startSettleStack();
    db = await openDatabase({ databaseUrl: TEST_DATABASE_URL, dataDir: '', schema: stack.env.DATABASE_SCHEMA });
  }, 120_000);
  afterAll(async () => {
    await db?.close();
    await stack?.stop();
  });

  it('leaves one sales receipt in QuickBooks and one record of it in Settle', async () => {
    const { sandboxes, settleUrl } = stack;
    const m = await signUpAndConnect(settleUrl, sandboxes, 'Crash Test Shop');
    await sandboxes.quickbooks.holdNextReply('SalesReceipt');

    const product = (await m.woo.post('products', { name: 'Lamp', regular_price: '100.00', manage_stock: true, stock_quantity: 5 })).data;
    const order = await placeOrder(m.woo, { productId: product.id, quantity: 1 });
    const checkout = await startCheckout(settleUrl, m.apiKey, order.id);
    expect(await payAsShopper(settleUrl, checkout.payment.id)).toBe('succeeded');

    // QuickBooks has stored the receipt; its reply is held. The worker dies before it hears back.
    await eventually(() => sandboxes.quickbooks.heldReplies(), (held) => held === 1, 60_000);
    expect((await readBooks(sandboxes, m.realmId)).documents.SalesReceipt).toHaveLength(1);
    await stack.worker.stop('SIGKILL');
    await sandboxes.quickbooks.releaseReplies();
    const receiptRows = () =>
      db.query<{ document_id: string }>(`SELECT d.document_id FROM books_documents d WHERE d.merchant_id = $1 AND d.part = 'receipt'`, [m.merchantId]);
    expect(await receiptRows()).toEqual([]);

    stack.worker = await startSettleProcess(['--worker-only'], stack.env);
    // BullMQ hands the dead worker's job to the new one once its lock lapses.
    const rows = await eventually(receiptRows, (r) => r.length > 0, 90_000);
    const receipts = (await readBooks(sandboxes, m.realmId)).documents.SalesReceipt ?? [];
    expect(receipts).toHaveLength(1);
    expect(rows).toEqual([{ document_id: receipts[0]?.Id }]);
  });
});
