/**
 * Settle as a trial runs it (`npm start`): server and worker in one process on the embedded PGlite
 * database. Run twice with the same Redis queues and a fresh data folder each time, as when a
 * merchant deletes `.settle/` and starts again: the second run must process its payments too,
 * although its inbox ids start again at 1 while Redis still holds the first run's finished jobs.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, startSettleProcess, settleEnv, eventually } from '../support/settle-process';
import { payAsShopper, placeOrder, readPayments, signUpAndConnect, startCheckout, startSandboxes, type Sandboxes } from '../support/journey';

describe('the embedded database, server and worker in one process', { timeout: 120_000 }, () => {
  let sandboxes: Sandboxes;
  const queuePrefix = `test-embedded-${randomBytes(4).toString('hex')}`;
  const folders: string[] = [];

  beforeAll(async () => {
    sandboxes = await startSandboxes();
  });
  afterAll(async () => {
    await sandboxes?.close();
    for (const folder of folders) rmSync(folder, { recursive: true, force: true });
  });

  async function oneTrial(name: string) {
    const dataDir = mkdtempSync(join(tmpdir(), 'settle-embedded-'));
    folders.push(dataDir);
    const port = await freePort();
    const env = settleEnv({
      port, dataDir, stripeApiBase: sandboxes.stripe.url, quickBooksApiBase: sandboxes.quickbooks.apiBaseUrl, quickBooksTokenUrl: sandboxes.quickbooks.tokenUrl,
    });
    const settle = await startSettleProcess(['--with-worker'], { ...env, QUEUE_PREFIX: queuePrefix });
    try {
      const url = env.PUBLIC_URL!;
      const merchant = await signUpAndConnect(url, sandboxes, name);
      const product = (await merchant.woo.post('products', { name: 'Mug', regular_price: '100.00', manage_stock: true, stock_quantity: 3 })).data;
      const order = await placeOrder(merchant.woo, { productId: product.id, quantity: 1 });
      const checkout = await startCheckout(url, merchant.apiKey, order.id);
      expect(await payAsShopper(url, checkout.payment.id)).toBe('succeeded');
      const paid = await eventually(async () => (await merchant.woo.get(`orders/${order.id}`)).data, (o) => o.status === 'processing');
      expect(paid.transaction_id).toMatch(/^pi_/);
      const view = await eventually(() => readPayments(url, merchant.apiKey), (v) => v.payments[0]?.booksStatus === 'posted');
      expect(view.payments[0]).toMatchObject({ status: 'succeeded', orderStatus: 'paid' });
    } finally {
      await settle.stop();
    }
  }

  it('takes a payment into the store and the books', () => oneTrial('First Trial'));

  it('does so again after starting over with a fresh data folder', () => oneTrial('Second Trial'));
});
