/**
 * The payment page embedded in a store's checkout, in a real browser: the store's page (served at
 * the WooCommerce store's own origin) loads /embed.js and calls Settle.mount(); the shopper pays
 * inside the frame — with a card, a declined card, a card whose bank asks for 3-D Secure, and
 * Google Pay (a simulated wallet sheet). The store's page hears how it ended by postMessage, the
 * frame grows to fit, and the order is paid (or not) in WooCommerce. Another site cannot frame it.
 * Needs the built pages (`npm run build:web`) and Chromium (test/support/browser.ts).
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, FrameLocator, Page } from 'playwright-core';
import Stripe from 'stripe';
import { eventually } from '../support/settle-process';
import { startSettleStack, type SettleStack } from '../support/stack';
import { adminSignInLink, placeOrder, readPayments, signUpAndConnect, startCheckout, type ConnectedMerchant, type Sandboxes } from '../support/journey';
import { launchChromium, recordRequests, screenshot, typeCardDetails, type RecordedRequest } from '../support/browser';
import { installWalletSheet } from '../support/wallet-sheet';

const WEB_DIST = fileURLToPath(new URL('../../web/app/dist/', import.meta.url));
const STORE_NAME = 'Harbour Supplies';
const GOOD_CARD = '4242424242424242';
const INSUFFICIENT_FUNDS = '4000000000009995';
const AUTHENTICATE = '4000002500003155';

/** The store's checkout page as a store plugin would write it: a slot, embed.js, and Settle.mount(). */
function storeCheckoutHtml(settleUrl: string, paymentId: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Checkout · ${STORE_NAME}</title>
<style>body{font:16px system-ui;margin:0;padding:24px;background:#faf7f2}h1{font-size:22px}#pay{max-width:460px}</style></head>
<body><h1>${STORE_NAME} — Checkout</h1><p id="store-status">Waiting for payment</p><div id="pay"></div>
<script src="${settleUrl}/embed.js"></script>
<script>
  window.outcomes = [];
  Settle.mount(document.getElementById('pay'), {
    payment: ${JSON.stringify(paymentId)},
    onOutcome: function (o) {
      window.outcomes.push(o);
      document.getElementById('store-status').textContent = 'Payment ' + o.status + (o.message ? ': ' + o.message : '');
    },
  });
</script></body></html>`;
}

describe('in the browser: the payment page embedded in the store’s checkout', { timeout: 120_000 }, () => {
  let sandboxes: Sandboxes;
  let stack: SettleStack;
  let settleUrl: string;
  let merchant: ConnectedMerchant;
  let productId: number;
  let browser: Browser;
  const contexts: BrowserContext[] = [];
  const requestLogs: RecordedRequest[][] = [];

  /** A shopper at the store's checkout (on the store's origin) with the payment framed in it. */
  async function atStoreCheckout(options: { locale?: string; storeOrigin?: string } = {}) {
    const order = await placeOrder(merchant.woo, { productId, quantity: 1 });
    const { payment } = await startCheckout(settleUrl, merchant.apiKey, order.id);
    const context = await browser.newContext({ locale: options.locale ?? 'en-US', timezoneId: 'UTC', viewport: { width: 1000, height: 900 } });
    contexts.push(context);
    requestLogs.push(recordRequests(context));
    await installWalletSheet(context, sandboxes.stripe);
    // The store's own checkout page, served by the store's site as WordPress would render it.
    const path = `/checkout/order-${order.id}`;
    sandboxes.woo.setStorefrontPage(path, storeCheckoutHtml(settleUrl, payment.id));
    const page = await context.newPage();
    await page.goto(`${options.storeOrigin ?? new URL(sandboxes.woo.url).origin}${path}`);
    const frame = page.frameLocator('iframe[title="Payment"]');
    return { order, paymentId: payment.id, page, frame };
  }

  async function typeCard(frame: FrameLocator, cardNumber: string, payLabel = 'Pay $100.00') {
    await typeCardDetails(frame, cardNumber);
    await frame.getByRole('button', { name: payLabel }).click();
  }

  const outcomes = (page: Page) => page.evaluate(() => (window as unknown as { outcomes: unknown[] }).outcomes);
  const orderStatus = async (orderId: number) => (await merchant.woo.get(`orders/${orderId}`)).data as { status: string; transaction_id: string };
  const frameHeight = (page: Page) => page.locator('iframe[title="Payment"]').evaluate((el) => el.getBoundingClientRect().height);

  beforeAll(async () => {
    if (!existsSync(`${WEB_DIST}embed.js`)) throw new Error(`The built web pages are missing from ${WEB_DIST}: run \`npm run build:web\` first.`);
    browser = await launchChromium();
    stack = await startSettleStack();
    ({ sandboxes, settleUrl } = stack);
    merchant = await signUpAndConnect(settleUrl, sandboxes, STORE_NAME);
    productId = (await merchant.woo.post('products', { name: 'Rain Jacket', regular_price: '100.00', manage_stock: true, stock_quantity: 20 })).data.id;
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
  });

  it('pay: the shopper pays in the frame, the store’s page hears “paid”, the frame fits, the order is paid', async () => {
    const { order, page, frame } = await atStoreCheckout();
    await frame.getByText(`Order #${order.number}`, { exact: true }).waitFor();
    await expect.poll(() => frameHeight(page)).not.toBe(420); // the frame took the page's own height
    await screenshot(page, 'embedded-checkout');

    await typeCard(frame, GOOD_CARD);
    await frame.getByRole('alert').getByText('Payment received — thank you').waitFor();
    await frame.getByText(`You paid $100.00 to ${STORE_NAME} for order #${order.number}.`).waitFor();
    await page.getByText('Payment paid').waitFor();
    expect(await outcomes(page)).toEqual([{ payment: expect.stringMatching(/^pay_/), status: 'paid' }]);
    // The frame's height follows what it shows: it is as tall as the receipt, with no inner scroll bar.
    const fits = await frame.locator('main').evaluate((main) => Math.ceil(main.getBoundingClientRect().height));
    await expect.poll(() => frameHeight(page)).toBe(fits);
    await screenshot(page, 'embedded-paid');
    await eventually(() => orderStatus(order.id), (o) => o.status === 'processing');
  });

  it('decline: plain words in the frame, in the shopper’s language for the amount; the store hears “failed”; the order waits', async () => {
    const { order, page, frame, paymentId } = await atStoreCheckout({ locale: 'de-DE' });
    await frame.getByTestId('pay-amount').getByText('100,00 $').waitFor();
    await typeCard(frame, INSUFFICIENT_FUNDS, 'Pay 100,00 $');
    await frame.getByRole('alert').getByText('Your card has insufficient funds. Try another card.').waitFor();
    await page.getByText('Payment failed: Your card has insufficient funds. Try another card.').waitFor();
    expect(await frame.getByRole('button', { name: 'Pay 100,00 $' }).isEnabled()).toBe(true);
    await screenshot(page, 'embedded-declined');
    await eventually(() => readPayments(settleUrl, merchant.apiKey), (v) => v.payments.some((p) => p.id === paymentId && p.failureMessage !== null));
    expect((await orderStatus(order.id)).status).toBe('pending');
  });

  it('3-D Secure: the bank’s page opens in the frame and brings the shopper back to it, paid', async () => {
    const { order, page, frame } = await atStoreCheckout();
    await typeCard(frame, AUTHENTICATE);
    const bank = await eventually(async () => page.frames().find((f) => f.url().startsWith(`${sandboxes.stripe.url}/_sandbox/3ds/`)), (f) => f !== undefined).catch(async (err: Error) => {
      // Say what the shopper was looking at instead of the bank's page.
      await screenshot(page, 'embedded-3ds-missing');
      throw new Error(`${err.message}; the frame showed: ${await frame.locator('main').innerText().catch(() => '(nothing)')}; frames: ${page.frames().map((f) => f.url()).join(', ')}`);
    });
    await bank!.getByRole('heading', { name: '3D Secure test page' }).waitFor();
    await screenshot(page, 'embedded-3ds-challenge');
    await bank!.getByRole('button', { name: 'Complete' }).click();

    await frame.getByRole('alert').getByText('Payment received — thank you').waitFor();
    await page.getByText('Payment paid').waitFor();
    await screenshot(page, 'embedded-3ds-paid');
    await eventually(() => orderStatus(order.id), (o) => o.status === 'processing');
  });

  it('wallet: Google Pay’s sheet pays, Stripe records the payment as Google Pay, and so does the merchant’s admin', async () => {
    const { order, page, frame, paymentId } = await atStoreCheckout();
    await frame.getByRole('button', { name: 'Pay with Google Pay' }).click();
    const sheet = frame.getByRole('dialog', { name: 'Google Pay' });
    await sheet.getByText('USD 100.00').waitFor();
    await screenshot(page, 'embedded-wallet-sheet');
    await sheet.getByRole('button', { name: 'Continue' }).click();

    await frame.getByRole('alert').getByText('Payment received — thank you').waitFor();
    await page.getByText('Payment paid').waitFor();
    await screenshot(page, 'embedded-wallet-paid');
    const paid = await eventually(() => orderStatus(order.id), (o) => o.status === 'processing');
    const stripe = new Stripe(merchant.stripeAccount.secret_key, { host: '127.0.0.1', port: sandboxes.stripe.port, protocol: 'http' });
    const charge = (await stripe.paymentIntents.retrieve(paid.transaction_id, { expand: ['latest_charge'] })).latest_charge as Stripe.Charge;
    expect(charge.payment_method_details?.card?.wallet?.type).toBe('google_pay');

    const listed = await eventually(() => readPayments(settleUrl, merchant.apiKey), (v) => v.payments.some((p) => p.id === paymentId && p.paymentMethodName !== undefined && p.paymentMethodName !== null));
    expect(listed.payments.find((p) => p.id === paymentId)).toMatchObject({ status: 'succeeded', paymentMethod: 'google_pay', paymentMethodName: 'Google Pay' });
    await page.goto(await adminSignInLink(settleUrl, merchant.apiKey));
    const row = page.getByRole('row').filter({ has: page.getByText(`#${order.number}`, { exact: true }) });
    await row.getByTestId('payment-method').getByText('Google Pay', { exact: true }).waitFor();
    await screenshot(page, 'admin-google-pay');
  });

  it('a site that is not the merchant’s store cannot frame the page', async () => {
    // localhost is another origin than the store's 127.0.0.1, though the same machine.
    const { page } = await atStoreCheckout({ storeOrigin: `http://localhost:${new URL(sandboxes.woo.url).port}` });
    await page.locator('iframe[title="Payment"]').waitFor({ state: 'attached' });
    // Chromium refuses the framed page (CSP frame-ancestors) and shows its own error page instead.
    await expect.poll(() => page.frames().slice(1).map((f) => f.url())).toEqual(['chrome-error://chromewebdata/']);
    expect(await page.frameLocator('iframe[title="Payment"]').getByLabel('Card number').count()).toBe(0);
    await screenshot(page, 'embedded-refused-elsewhere');
  });

  it('card numbers went only to Stripe: not to Settle, not to the store', async () => {
    await Promise.all(contexts.map((c) => c.close()));
    const requests = requestLogs.flat();
    for (const card of [GOOD_CARD, INSUFFICIENT_FUNDS, AUTHENTICATE]) {
      const carries = (text: string | null) => (text ?? '').replace(/\D/g, '').includes(card);
      expect(requests.filter((r) => carries(r.url) || carries(r.postData)).map((r) => `${r.method} ${r.url}`)).toEqual([`POST ${sandboxes.stripe.url}/v1/payment_methods`]);
    }
  });
});
