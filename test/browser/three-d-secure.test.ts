/**
 * 3-D Secure in a real browser: the shopper's bank (the Stripe sandbox's challenge page) asks them
 * to confirm the payment. Completing it brings them back to Settle's page, which shows the payment
 * received, and the order is paid in WooCommerce; failing it brings them back to a plain-words
 * message and a form to try again, where another card pays. Card numbers still go only to Stripe.
 * Needs the built pages (`npm run build:web`) and Chromium (test/support/browser.ts).
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { eventually } from '../support/settle-process';
import { startSettleStack, type SettleStack } from '../support/stack';
import { placeOrder, readPayments, signUpAndConnect, startCheckout, type ConnectedMerchant, type Sandboxes } from '../support/journey';
import { launchChromium, newPerson, recordRequests, screenshot, type RecordedRequest } from '../support/browser';

const WEB_DIST = fileURLToPath(new URL('../../web/app/dist/', import.meta.url));
const STORE_NAME = 'Harbour Supplies';
// Stripe's 3-D Secure test cards (test/sandbox/stripe/cards.ts) and a card that needs none.
const AUTHENTICATE_ON_SESSION = '4000002500003155';
const THREE_DS2_REQUIRED = '4000000000003220';
const GOOD_CARD = '4242424242424242';

describe('in the browser: 3-D Secure on Settle’s payment page', { timeout: 90_000 }, () => {
  let sandboxes: Sandboxes;
  let stack: SettleStack;
  let settleUrl: string;
  let merchant: ConnectedMerchant;
  let productId: number;
  let browser: Browser;
  const contexts: BrowserContext[] = [];
  const requestLogs: RecordedRequest[][] = [];

  async function checkoutInBrowser() {
    const order = await placeOrder(merchant.woo, { productId, quantity: 1 });
    const { payUrl, payment } = await startCheckout(settleUrl, merchant.apiKey, order.id);
    const context = await newPerson(browser);
    contexts.push(context);
    requestLogs.push(recordRequests(context));
    const page = await context.newPage();
    await page.goto(payUrl);
    await page.getByText(`Order #${order.number}`, { exact: true }).waitFor();
    return { order, page, payUrl, paymentId: payment.id };
  }

  async function payWithCard(page: Page, cardNumber: string) {
    await page.getByLabel('Card number').pressSequentially(cardNumber.replace(/(\d{4})(?=\d)/g, '$1 '));
    await page.getByLabel('Expiry (MM / YY)').pressSequentially('12 / 30');
    await page.getByLabel('Security code').pressSequentially('123');
    await page.getByRole('button', { name: 'Pay $100.00' }).click();
  }

  /** The shopper lands on their bank's page and answers it. */
  async function answerBank(page: Page, intentOf: string, button: 'Complete' | 'Fail', shot: string) {
    await page.waitForURL((url) => url.pathname.startsWith('/_sandbox/3ds/'));
    expect(page.url()).toContain(sandboxes.stripe.url);
    await page.getByRole('heading', { name: '3D Secure test page' }).waitFor();
    await page.getByText('100.00 USD').waitFor();
    await screenshot(page, shot);
    await page.getByRole('button', { name: button }).click();
    // Back on Settle's payment page, and the address bar no longer carries Stripe's query.
    await page.waitForURL((url) => url.href.startsWith(intentOf) && url.search === '');
  }

  beforeAll(async () => {
    if (!existsSync(`${WEB_DIST}pay.html`)) throw new Error(`The built web pages are missing from ${WEB_DIST}: run \`npm run build:web\` first.`);
    browser = await launchChromium();
    stack = await startSettleStack();
    ({ sandboxes, settleUrl } = stack);
    merchant = await signUpAndConnect(settleUrl, sandboxes, STORE_NAME);
    productId = (await merchant.woo.post('products', { name: 'Rain Jacket', regular_price: '100.00', manage_stock: true, stock_quantity: 10 })).data.id;
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
  });

  it('the shopper completes their bank’s check, sees the payment received, and the order is paid', async () => {
    const { order, page, payUrl } = await checkoutInBrowser();
    await payWithCard(page, AUTHENTICATE_ON_SESSION);
    await answerBank(page, payUrl, 'Complete', '3ds-challenge');

    await page.getByRole('alert').getByText('Payment received — thank you').waitFor();
    await page.getByText(`You paid $100.00 to ${STORE_NAME} for order #${order.number}.`).waitFor();
    expect(await page.getByLabel('Card number').isVisible()).toBe(false);
    await screenshot(page, '3ds-success');

    const paid = await eventually(async () => (await merchant.woo.get(`orders/${order.id}`)).data, (o) => o.status === 'processing');
    expect(paid.transaction_id).toMatch(/^pi_/);
  });

  it('a failed check tells the shopper in plain words and lets them pay with another card', async () => {
    const { order, page, payUrl, paymentId } = await checkoutInBrowser();
    await payWithCard(page, THREE_DS2_REQUIRED);
    await answerBank(page, payUrl, 'Fail', '3ds-challenge-before-fail');

    await page.getByRole('alert').getByText('We couldn’t verify this payment with your bank, so nothing was charged. Try again, or use another card.').waitFor();
    expect(await page.getByRole('button', { name: 'Pay $100.00' }).isEnabled()).toBe(true);
    await screenshot(page, '3ds-failed');
    await eventually(() => readPayments(settleUrl, merchant.apiKey), (v) => v.payments.some((p) => p.id === paymentId && p.failureMessage !== null));
    expect((await merchant.woo.get(`orders/${order.id}`)).data.status).toBe('pending');

    await payWithCard(page, GOOD_CARD);
    await page.getByRole('alert').getByText('Payment received — thank you').waitFor();
    await screenshot(page, '3ds-failed-then-paid');
    await eventually(async () => (await merchant.woo.get(`orders/${order.id}`)).data, (o) => o.status === 'processing');
  });

  it('card numbers went only to Stripe, and the pages talked only to 127.0.0.1', async () => {
    await Promise.all(contexts.map((c) => c.close()));
    const requests = requestLogs.flat();
    expect(requests.filter((r) => !/^(data|blob):/.test(r.url) && new URL(r.url).hostname !== '127.0.0.1').map((r) => r.url)).toEqual([]);
    for (const card of [AUTHENTICATE_ON_SESSION, THREE_DS2_REQUIRED, GOOD_CARD]) {
      const carries = (text: string | null) => (text ?? '').replace(/\D/g, '').includes(card);
      expect(requests.filter((r) => carries(r.url) || carries(r.postData)).map((r) => `${r.method} ${r.url}`)).toEqual([`POST ${sandboxes.stripe.url}/v1/payment_methods`]);
    }
  });
});
