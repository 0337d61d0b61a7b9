/**
 * The REAL WooCommerce plugin (PHP) against the real Settle stack: WordPress is played by
 * test/plugins/woocommerce/wordpress-cli.php, which loads the plugin, does real HTTP and keeps the
 * order in the WooCommerce sandbox (over its REST API), running one gateway action per invocation.
 * A shopper places an order → the plugin's process_payment starts Settle's payment → the order-pay
 * page the plugin renders (served as the store's own page) frames Settle's form → the shopper pays
 * in Chromium (a plain card, a 3-D Secure card) → lands on the order-received page; the order is
 * processing and stock fell. A refund from the WooCommerce admin goes through process_refund: one
 * Stripe refund, one refund on the order, and the books of scenarios 2 and 6 (shared/scenarios/books.md).
 * Needs php, the built pages (`npm run build:web`) and Chromium; skipped with a warning without php.
 */
import { execFile, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, FrameLocator } from 'playwright-core';
import { eventually } from '../support/settle-process';
import { startSettleStack, type SettleStack } from '../support/stack';
import { advanceStripeClock, merchantApi, placeOrder, signUpAndConnect, stripeDashboard, type ConnectedMerchant, type Sandboxes } from '../support/journey';
import { expectBooks } from '../support/books';
import { launchChromium, newPerson, screenshot, typeCardDetails } from '../support/browser';

const WORDPRESS = fileURLToPath(new URL('../plugins/woocommerce/wordpress-cli.php', import.meta.url));
const WEB_DIST = fileURLToPath(new URL('../../web/app/dist/', import.meta.url));
const GOOD_CARD = '4242424242424242';
const INSUFFICIENT_FUNDS = '4000000000009995';
const AUTHENTICATE = '4000002500003155';

const havePhp = spawnSync('php', ['--version']).status === 0;
if (!havePhp) console.warn('php is not installed: the WooCommerce plugin checkout end-to-end test is skipped (CI installs php-cli).');

interface Store {
  merchant: ConnectedMerchant;
  /** The plugin's settings page, filled in as the merchant would. */
  settings: Record<string, string>;
  /** A WooCommerce REST key for the WordPress stand-in (its WC_Order reads and writes the store). */
  site: { url: string; consumerKey: string; consumerSecret: string };
}

describe.skipIf(!havePhp)('the WooCommerce plugin (PHP) at checkout, end to end', { timeout: 180_000 }, () => {
  let stack: SettleStack;
  let sandboxes: Sandboxes;
  let settleUrl: string;
  let browser: Browser;

  beforeAll(async () => {
    if (!existsSync(`${WEB_DIST}embed.js`)) throw new Error(`The built web pages are missing from ${WEB_DIST}: run \`npm run build:web\` first.`);
    browser = await launchChromium();
    stack = await startSettleStack();
    ({ sandboxes, settleUrl } = stack);
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
  });

  /** A merchant connects Settle, then installs the plugin and fills in its settings. */
  async function storeFor(name: string): Promise<Store> {
    const merchant = await signUpAndConnect(settleUrl, sandboxes, name);
    const secret = await merchantApi(settleUrl, merchant.apiKey, '/api/connections/woocommerce/connection-secret');
    const keys = await (await fetch(`${sandboxes.woo.url}_sandbox/api-keys`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{}' })).json();
    return {
      merchant,
      settings: {
        enabled: 'yes', title: 'Card', settle_url: settleUrl, api_key: merchant.apiKey,
        store_id: secret.body.storeId, connection_secret: secret.body.connectionSecret,
      },
      site: { url: sandboxes.woo.url, consumerKey: keys.consumer_key, consumerSecret: keys.consumer_secret },
    };
  }

  /** WordPress runs one of the plugin's gateway actions (asynchronously: the sandboxes answer it from this process). */
  function wordpress<T>(store: Store, action: string, orderId: number, extra: Record<string, unknown> = {}): Promise<T & { notices: [string, string][] }> {
    return new Promise((resolve, reject) => {
      const child = execFile('php', [WORDPRESS], { encoding: 'utf8' }, (error, stdout, stderr) => {
        if (error) return reject(new Error(`php ${action}: ${error.message}\n${stdout}${stderr}`));
        try {
          resolve(JSON.parse(stdout));
        } catch {
          reject(new Error(`php ${action} did not answer JSON: ${stdout}${stderr}`));
        }
      });
      child.stdin?.end(JSON.stringify({ action, orderId, settings: store.settings, site: store.site, ...extra }));
    });
  }

  const product = async (m: ConnectedMerchant, price: string) =>
    (await m.woo.post('products', { name: `Lamp ${price}`, regular_price: price, manage_stock: true, stock_quantity: 5 })).data as { id: number };
  const stock = async (m: ConnectedMerchant, productId: number) => ((await m.woo.get(`products/${productId}`)).data as { stock_quantity: number }).stock_quantity;

  async function typeCard(frame: FrameLocator, cardNumber: string, amount: string) {
    await typeCardDetails(frame, cardNumber);
    await frame.getByRole('button', { name: `Pay ${amount}` }).click();
  }

  /**
   * The shopper checks out with Settle: process_payment, then the order-pay page the plugin renders,
   * served by the store's site, where they pay in Settle's frame. Returns once they are on the
   * order-received page the plugin sent to Settle as the way back.
   */
  async function checkOut(store: Store, orderId: number, o: { card: string; amount: string; declinedFirst?: boolean; name: string }) {
    const placed = await wordpress<{ result: { result: string; redirect: string } }>(store, 'process_payment', orderId);
    expect(placed.notices).toEqual([]);
    expect(placed.result.result).toBe('success');
    const payPage = new URL(placed.result.redirect);
    expect(payPage.origin + payPage.pathname).toBe(`${new URL(sandboxes.woo.url).origin}/checkout/order-pay/${orderId}/`);

    const receipt = await wordpress<{ html: string }>(store, 'receipt_page', orderId);
    sandboxes.woo.setStorefrontPage(payPage.pathname, receipt.html);
    sandboxes.woo.setStorefrontPage(`/checkout/order-received/${orderId}/`, '<!doctype html><title>Order received</title><h1>Thank you. Your order has been received.</h1>');

    const context = await newPerson(browser);
    try {
      const page = await context.newPage();
      await page.goto(payPage.href);
      const frame = page.frameLocator('iframe[title="Payment"]');
      await frame.getByText(`Order #${orderId}`, { exact: true }).waitFor();
      await screenshot(page, `woo-plugin-${o.name}-order-pay`);
      if (o.declinedFirst) {
        // A decline: the store's page shows why, and the shopper tries another card in the same frame.
        await typeCard(frame, INSUFFICIENT_FUNDS, o.amount);
        await page.getByRole('alert').getByText('Your card has insufficient funds. Try another card.').waitFor();
        expect(new URL(page.url()).pathname).toBe(payPage.pathname);
      }
      await typeCard(frame, o.card, o.amount);
      if (o.card === AUTHENTICATE) {
        const bank = await eventually(async () => page.frames().find((f) => f.url().startsWith(`${sandboxes.stripe.url}/_sandbox/3ds/`)), (f) => f !== undefined);
        await bank!.getByRole('button', { name: 'Complete' }).click();
      }
      await page.waitForURL((url) => url.pathname === `/checkout/order-received/${orderId}/`);
      await page.getByRole('heading', { name: 'Thank you. Your order has been received.' }).waitFor();
      await screenshot(page, `woo-plugin-${o.name}-received`);
      return new URL(page.url());
    } finally {
      await context.close();
    }
  }

  /** As WooCommerce's admin does: the refund record first (api_refund false), then the gateway's process_refund. */
  async function refundInAdmin(store: Store, orderId: number, amount: string) {
    await store.merchant.woo.post(`orders/${orderId}/refunds`, { amount, reason: 'Returned one lamp', api_refund: false });
    return wordpress<{ result: true | { error: string } }>(store, 'process_refund', orderId, { amount, reason: 'Returned one lamp' });
  }

  const payOut = () => advanceStripeClock(sandboxes, 3 * 86_400);
  const orderOf = async (m: ConnectedMerchant, id: number) => (await m.woo.get(`orders/${id}`)).data as { status: string; order_key: string; meta_data: { key: string; value: string }[] };

  it('scenario 2 through the plugin: paid in the frame, stock falls; a $40.00 refund from the admin is one Stripe refund; the books balance', async () => {
    const store = await storeFor('Plugin Scenario Two');
    const m = store.merchant;
    const lamp = await product(m, '100.00');
    const order = await placeOrder(m.woo, { productId: lamp.id, quantity: 1 });

    const landed = await checkOut(store, order.id, { card: GOOD_CARD, amount: '$100.00', name: 'scenario-2' });
    const { order_key: key, meta_data: meta } = await orderOf(m, order.id);
    expect(landed.searchParams.get('key')).toBe(key);
    const paymentId = meta.find((x) => x.key === '_settle_payment_id')?.value ?? '';
    // Settle keeps the order-received page as the pay page's way back to the store.
    expect((await (await fetch(`${settleUrl}/api/pay/${paymentId}`)).json()).returnUrl).toBe(landed.href);
    await eventually(() => orderOf(m, order.id), (o) => o.status === 'processing');
    expect(await stock(m, lamp.id)).toBe(4);

    expect(await refundInAdmin(store, order.id, '40.00')).toEqual({ result: true, notices: [] });
    await payOut();
    await expectBooks(settleUrl, sandboxes, m, 'USD', { income: 6000, processing_fees: 320, bank: 5680 }, { SalesReceipt: 1, Purchase: 1, RefundReceipt: 1, Transfer: 1 });
    // Once the books are done, Settle has done all it will: still one Stripe refund, one refund on the order.
    const refunds = (await stripeDashboard(sandboxes, m).refunds.list({ limit: 10 })).data;
    expect(refunds.map((r) => ({ amount: r.amount, status: r.status }))).toEqual([{ amount: 4000, status: 'succeeded' }]);
    const onOrder = (await m.woo.get(`orders/${order.id}/refunds`)).data as { amount: string }[];
    expect(onOrder.map((r) => r.amount)).toEqual(['40.00']);
  });

  it('scenario 6 through the plugin: tax and shipping from the order, 97.20 paid in the frame; the books balance', async () => {
    const store = await storeFor('Plugin Scenario Six');
    const m = store.merchant;
    sandboxes.woo.setTaxRate('9.0000', false);
    try {
      const lamp = await product(m, '80.00');
      const order = await placeOrder(m.woo, { productId: lamp.id, quantity: 1, shippingTotal: '10.00' });
      expect(order.total).toBe('97.20');
      await checkOut(store, order.id, { card: GOOD_CARD, amount: '$97.20', name: 'scenario-6' });
      await eventually(() => orderOf(m, order.id), (o) => o.status === 'processing');
      expect(await stock(m, lamp.id)).toBe(4);
      await payOut();
      await expectBooks(
        settleUrl, sandboxes, m, 'USD', { income: 8000, shipping_income: 1000, sales_tax_payable: 720, processing_fees: 312, bank: 9408 },
        { SalesReceipt: 1, Purchase: 1, Transfer: 1 },
      );
    } finally {
      sandboxes.woo.setTaxRate(null);
    }
  });

  it('3-D Secure in the frame after a decline: the shopper retries, confirms with the bank, and lands on the order-received page', async () => {
    const store = await storeFor('Plugin Three D');
    const m = store.merchant;
    const lamp = await product(m, '100.00');
    const order = await placeOrder(m.woo, { productId: lamp.id, quantity: 1 });
    await checkOut(store, order.id, { card: AUTHENTICATE, amount: '$100.00', declinedFirst: true, name: '3ds' });
    await eventually(() => orderOf(m, order.id), (o) => o.status === 'processing');
    expect(await stock(m, lamp.id)).toBe(4);
  });

  it('a way back that is not on the store’s site is refused, and no payment is started', async () => {
    const store = await storeFor('Plugin Return Check');
    const m = store.merchant;
    const order = await placeOrder(m.woo, { productId: (await product(m, '10.00')).id, quantity: 1 });
    const answer = await merchantApi(settleUrl, m.apiKey, '/api/checkouts', {
      body: { storePlatform: 'woocommerce', orderId: String(order.id), returnUrl: 'https://elsewhere.example/checkout/order-received/1/' },
    });
    expect(answer.status).toBe(400);
    expect(answer.body.error.code).toBe('return_url_not_on_store');
    expect((await merchantApi(settleUrl, m.apiKey, '/api/payments')).body.payments).toEqual([]);
  });
});
