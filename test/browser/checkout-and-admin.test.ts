/**
 * Settle's pages in a real browser. A shopper pays a $100.00 WooCommerce order on the payment page
 * (and another shopper's card is declined); the merchant signs in from a link and watches the
 * payment reach the store and the books. Elements are found as a person finds them: by role,
 * label and text. Every request the pages make is recorded to check that they talk to nothing but
 * the local sandboxes and Settle, and that card numbers go to Stripe only.
 * Needs the built pages (`npm run build:web`) and Chromium (test/support/browser.ts).
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { eventually } from '../support/settle-process';
import { startSettleStack, type SettleStack } from '../support/stack';
import {
  adminSignInLink, placeOrder, readPayments, signUpAndConnect, startCheckout, type ConnectedMerchant, type Sandboxes,
} from '../support/journey';
import { launchChromium, newPerson, recordRequests, screenshot, type RecordedRequest } from '../support/browser';

const WEB_DIST = fileURLToPath(new URL('../../web/app/dist/', import.meta.url));
const STORE_NAME = 'Lakeside Outfitters';
const GOOD_CARD = '4242424242424242';
const DECLINED_CARD = '4000000000000002'; // Stripe's generic decline (test/sandbox/stripe/cards.ts)

// Each test waits on webhooks, the worker and the admin's 5-second refresh, each wait up to
// Playwright's 30 s; on a busy two-core machine a test can need more than vitest's default 30 s.
describe('in the browser: a shopper pays on Settle’s page, the merchant sees it in the admin', { timeout: 90_000 }, () => {
  let sandboxes: Sandboxes;
  let stack: SettleStack;
  let settleUrl: string;
  let merchant: ConnectedMerchant;
  let productId: number;
  let browser: Browser;
  const contexts: BrowserContext[] = [];
  const requestLogs: RecordedRequest[][] = [];
  let paidOrder: { id: number; number: string };
  let declinedOrder: { id: number; number: string };

  /** A new person at the browser: own cookies, every request recorded. */
  async function openPage(): Promise<Page> {
    const context = await newPerson(browser);
    contexts.push(context);
    requestLogs.push(recordRequests(context));
    return context.newPage();
  }

  /** The shopper's checkout: a pending order in the store and Settle's payment page for it. */
  async function checkoutInBrowser() {
    const order = await placeOrder(merchant.woo, { productId, quantity: 1 });
    expect(order.total).toBe('100.00');
    const { payUrl } = await startCheckout(settleUrl, merchant.apiKey, order.id);
    const page = await openPage();
    await page.goto(payUrl);
    return { order, page };
  }

  /** Types the card as a person does, key by key, so the page's own formatting runs. */
  async function payWithCard(page: Page, cardNumber: string) {
    await page.getByLabel('Card number').pressSequentially(cardNumber.replace(/(\d{4})(?=\d)/g, '$1 '));
    await page.getByLabel('Expiry (MM / YY)').pressSequentially('12 / 30');
    await page.getByLabel('Security code').pressSequentially('123');
    await page.getByRole('button', { name: 'Pay $100.00' }).click();
  }

  beforeAll(async () => {
    if (!existsSync(`${WEB_DIST}pay.html`) || !existsSync(`${WEB_DIST}admin.html`)) {
      throw new Error(`The built web pages are missing from ${WEB_DIST}: run \`npm run build:web\` first.`);
    }
    browser = await launchChromium();
    stack = await startSettleStack();
    ({ sandboxes, settleUrl } = stack);
    merchant = await signUpAndConnect(settleUrl, sandboxes, STORE_NAME);
    const product = await merchant.woo.post('products', { name: 'Trail Jacket', sku: 'JACKET-1', regular_price: '100.00', manage_stock: true, stock_quantity: 10 });
    productId = product.data.id;
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
  });

  it('the shopper sees the order, pays with a card and the order is paid in WooCommerce with stock lowered', async () => {
    const { order, page } = await checkoutInBrowser();
    paidOrder = order;

    await page.getByText(STORE_NAME, { exact: true }).waitFor();
    await page.getByText(`Order #${order.number}`, { exact: true }).waitFor();
    await page.getByText('$100.00', { exact: true }).waitFor();
    expect(await page.title()).toBe(`Pay ${STORE_NAME} · Order #${order.number}`);
    await screenshot(page, 'pay-before');

    await payWithCard(page, GOOD_CARD);

    await page.getByRole('alert').getByText('Payment received — thank you').waitFor();
    await page.getByText(`You paid $100.00 to ${STORE_NAME} for order #${order.number}.`).waitFor();
    expect(await page.getByLabel('Card number').isVisible()).toBe(false);
    await screenshot(page, 'pay-success');

    const paid = await eventually(async () => (await merchant.woo.get(`orders/${order.id}`)).data, (o) => o.status === 'processing');
    expect(paid.transaction_id).toMatch(/^pi_/);
    expect((await merchant.woo.get(`products/${productId}`)).data.stock_quantity).toBe(9);
  });

  it('a declined card shows the shopper why in plain words, lets them try again, and the order stays pending', async () => {
    const { order, page } = await checkoutInBrowser();
    declinedOrder = order;
    await page.getByText(`Order #${order.number}`, { exact: true }).waitFor();

    await payWithCard(page, DECLINED_CARD);

    await page.getByRole('alert').getByText('Your card was declined.', { exact: true }).waitFor();
    // The form is back for another card, with the button ready again.
    expect(await page.getByRole('button', { name: 'Pay $100.00' }).isEnabled()).toBe(true);
    expect(await page.getByLabel('Card number').isEditable()).toBe(true);
    await screenshot(page, 'pay-declined');

    // Once Settle has recorded the decline (from Stripe's webhook), the order is still unpaid.
    await eventually(() => readPayments(settleUrl, merchant.apiKey), (v) => v.payments.some((p) => p.orderId === String(order.id) && p.failureMessage !== null));
    expect((await merchant.woo.get(`orders/${order.id}`)).data.status).toBe('pending');
    expect((await merchant.woo.get(`products/${productId}`)).data.stock_quantity).toBe(9);
  });

  it('the merchant signs in from a link and sees the payment paid, the order marked paid, the books posted and the balances', async () => {
    const page = await openPage();
    await page.goto(await adminSignInLink(settleUrl, merchant.apiKey));
    expect(new URL(page.url()).pathname).toBe('/admin/');

    await page.getByRole('heading', { name: 'Payments', exact: true }).waitFor();
    await page.getByText(STORE_NAME, { exact: true }).waitFor();
    const orderRow = (number: string) => page.getByRole('row').filter({ has: page.getByText(`#${number}`, { exact: true }) });
    const paid = orderRow(paidOrder.number);
    // The page refreshes itself every few seconds while the worker posts to QuickBooks: the sale
    // receipt and the fee's purchase.
    await paid.getByText('Posted (2 documents)', { exact: true }).waitFor();
    await paid.getByText('$100.00', { exact: true }).waitFor();
    await paid.getByText('Paid', { exact: true }).waitFor();
    await paid.getByText('Marked paid', { exact: true }).waitFor();
    // The declined attempt is there too, still open, with the reason.
    const declined = orderRow(declinedOrder.number);
    await declined.getByText('Awaiting payment', { exact: true }).waitFor();
    await declined.getByText('Your card was declined.', { exact: true }).waitFor();

    const balances = page.getByRole('table').filter({ has: page.getByRole('columnheader', { name: 'Account' }) });
    const balance = async (account: string) => (await balances.getByRole('row').filter({ hasText: account }).getByRole('cell').last().textContent())?.trim();
    expect(await balance('Sales income')).toBe('$100.00');
    expect(await balance('Payment processing fees')).toBe('$3.20');
    expect(await balance('Stripe clearing')).toBe('$96.80');
    await screenshot(page, 'admin-payments');
  });

  it('the pages talk only to 127.0.0.1, and card numbers go only to Stripe, never to Settle', async () => {
    await Promise.all(contexts.map((c) => c.close()));
    const requests = requestLogs.flat();
    expect(requests.length).toBeGreaterThan(0);
    const elsewhere = requests.filter((r) => !/^(data|blob):/.test(r.url) && new URL(r.url).hostname !== '127.0.0.1');
    expect(elsewhere.map((r) => r.url)).toEqual([]);

    const stripeCardUrl = `${sandboxes.stripe.url}/v1/payment_methods`;
    for (const card of [GOOD_CARD, DECLINED_CARD]) {
      // The digits in any grouping ("4242 4242…", "4242+4242…"), in the URL or the body.
      const carries = (text: string | null) => (text ?? '').replace(/\D/g, '').includes(card);
      const carrying = requests.filter((r) => carries(r.url) || carries(r.postData));
      expect(carrying.map((r) => `${r.method} ${r.url}`)).toEqual([`POST ${stripeCardUrl}`]);
    }
    expect(requests.filter((r) => r.url.startsWith(settleUrl) && r.postData !== null).map((r) => r.url)).toEqual([]);
  });
});
