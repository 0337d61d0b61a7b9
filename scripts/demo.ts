/**
 * `npm run demo`: Settle against the platform sandboxes, on the embedded database, telling the story
 * of one payment: a shopper pays a WooCommerce order on Settle's page, the order is paid and its stock
 * falls, the ledger records the sale net of the fee, QuickBooks gets the documents, and the payout
 * lands in the bank. Then it keeps running, with the admin and the sandboxes open, until Ctrl-C.
 *
 * It walks the same HTTP-only path as the end-to-end tests (test/support/journey.ts): nothing here
 * calls into Settle's internals.
 */
import { rmSync } from 'node:fs';
import { resolve } from 'node:path';
import { freePort, settleEnv, startSettleProcess, eventually, type SettleProcess } from '../test/support/settle-process';
import {
  adminSignInLink, advanceStripeClock, payAsShopper, placeOrder, readBooks, readLedgerEntries, readPayments, signUpAndConnect, startCheckout,
  startSandboxes, type Sandboxes,
} from '../test/support/journey';
import { story } from './demo/story';

/** The demo's own data folder: its merchants are connected to sandboxes that live only while it runs. */
const DATA_DIR = resolve(process.env.SETTLE_DATA_DIR ?? './.settle', 'demo');

async function main(): Promise<void> {
  const tell = story();
  tell.title('Settle demo: one payment, from the shopper to the store and the books');

  const sandboxes: Sandboxes = await startSandboxes();
  rmSync(DATA_DIR, { recursive: true, force: true });
  const port = Number(process.env.PORT) || (await freePortPreferring(3000));
  const env = settleEnv({
    port, dataDir: DATA_DIR,
    stripeApiBase: sandboxes.stripe.url, quickBooksApiBase: sandboxes.quickbooks.apiBaseUrl, quickBooksTokenUrl: sandboxes.quickbooks.tokenUrl,
  });
  let settle: SettleProcess | undefined;
  const shutDown = async (code: number) => {
    await settle?.stop();
    await sandboxes.close();
    process.exit(code);
  };
  process.once('SIGINT', () => void shutDown(0));
  process.once('SIGTERM', () => void shutDown(0));

  try {
    // Embedded PGlite serves one process, so the server and the worker run together here.
    settle = await startSettleProcess(['--with-worker'], { ...env, NODE_ENV: 'development', QUEUE_PREFIX: 'settle-demo', LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn' });
    const url = env.PUBLIC_URL!;
    tell.step(`Settle is running at ${url} (server and worker in one process, embedded database in ${DATA_DIR})`);

    const merchant = await signUpAndConnect(url, sandboxes, 'Demo Outfitters');
    tell.step(`The merchant "Demo Outfitters" signed up and connected Stripe, WooCommerce and QuickBooks (sandboxes).`);

    const product = (await merchant.woo.post('products', { name: 'Trail Jacket', sku: 'JACKET-1', regular_price: '100.00', manage_stock: true, stock_quantity: 10 })).data;
    const stockOf = async () => (await merchant.woo.get(`products/${product.id}`)).data.stock_quantity as number;
    tell.step(`WooCommerce sells "${product.name}" at $${product.price}; ${await stockOf()} in stock.`);

    const order = await placeOrder(merchant.woo, { productId: product.id, quantity: 1 });
    tell.step(`A shopper checks out: WooCommerce order #${order.number}, ${order.total} USD, status "${order.status}".`);

    const checkout = await startCheckout(url, merchant.apiKey, order.id);
    tell.step(`The store asks Settle for the payment; the shopper is sent to ${checkout.payUrl}`);

    const outcome = await payAsShopper(url, checkout.payment.id);
    tell.step(`The shopper pays with a test Visa card 4242…4242: the card goes to Stripe only, never to Settle. Stripe says "${outcome}".`);

    const paid = await eventually(async () => (await merchant.woo.get(`orders/${order.id}`)).data, (o) => o.status === 'processing');
    tell.step(`Stripe's signed webhook reached Settle; the worker marked order #${paid.number} paid: status "${paid.status}", transaction ${paid.transaction_id}.`);
    tell.step(`Stock of "${product.name}": 10 before, ${await stockOf()} after.`);
    const notes = (await merchant.woo.get(`orders/${order.id}/notes`)).data as { note: string }[];
    const settleNote = notes.find((n) => n.note.startsWith('Settle:'));
    if (settleNote) tell.quote('Order note', settleNote.note);

    tell.entries('The ledger entry for the sale', await readLedgerEntries(url, merchant.apiKey));
    // The sale receipt and the fee are posted one after the other by the books job.
    const afterSale = await eventually(() => readBooks(sandboxes, merchant.realmId), (b) => (b.documents.Purchase ?? []).length > 0);
    tell.documents('QuickBooks after the sale (the sale into Stripe clearing, the fee as an expense)', afterSale.documents, ['SalesReceipt', 'Purchase']);

    await advanceStripeClock(sandboxes, 3 * 86_400);
    tell.step('Three days pass on Stripe\'s clock: the funds become available and the daily payout goes to the bank.');
    const books = await eventually(() => readBooks(sandboxes, merchant.realmId), (b) => (b.documents.Transfer ?? []).length > 0);
    tell.documents('QuickBooks after the payout', books.documents, ['Transfer']);
    tell.balances('Balances', (await readPayments(url, merchant.apiKey)).balances, books.documents.Account ?? []);

    tell.title('Settle keeps running. Press Ctrl-C to stop.');
    tell.links({
      'Admin (sign-in link, valid 5 minutes)': await adminSignInLink(url, merchant.apiKey),
      'Payment page of the paid order': checkout.payUrl,
      'Stripe sandbox': sandboxes.stripe.url,
      'WooCommerce sandbox': sandboxes.woo.url,
      'QuickBooks sandbox': sandboxes.quickbooks.url,
      'Readiness': `${url}/readyz`,
    });
    tell.step(`Merchant API key for the calls in the README: ${merchant.apiKey}`);
    if (process.stdin.isTTY) {
      tell.step('Press Enter for a fresh admin sign-in link.');
      process.stdin.on('data', () => void adminSignInLink(url, merchant.apiKey).then((link) => tell.links({ 'Admin sign-in link': link })));
    }
  } catch (error) {
    process.stderr.write(`\nThe demo stopped: ${(error as Error).message}\n`);
    if (settle) process.stderr.write(`Settle's output:\n${settle.output()}\n`);
    await shutDown(1);
  }
}

/** 3000 when it is free (the README's address), otherwise any free port. */
async function freePortPreferring(preferred: number): Promise<number> {
  const { createServer } = await import('node:net');
  return new Promise((done) => {
    const probe = createServer();
    probe.once('error', () => void freePort().then(done));
    probe.listen(preferred, '127.0.0.1', () => probe.close(() => done(preferred)));
  });
}

await main();
