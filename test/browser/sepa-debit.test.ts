/**
 * SEPA Direct Debit on Settle's payment page, in a real browser: a euro order offers "pay from
 * your bank account"; the shopper gives name, email and IBAN under the mandate text, and the page
 * says the payment is processing. The IBAN goes only to Stripe. The order is paid only when the
 * bank answers (the sandbox clock moves). Needs the built pages (`npm run build:web`) and Chromium.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { eventually } from '../support/settle-process';
import { startSettleStack, type SettleStack } from '../support/stack';
import { advanceStripeClock, placeOrder, readPayments, signUpAndConnect, startCheckout, type ConnectedMerchant } from '../support/journey';
import { launchChromium, newPerson, recordRequests, screenshot } from '../support/browser';

const WEB_DIST = fileURLToPath(new URL('../../web/app/dist/', import.meta.url));
const IBAN = 'DE89370400440532013000';

describe('in the browser: paying a euro order by SEPA Direct Debit', { timeout: 90_000 }, () => {
  let stack: SettleStack;
  let merchant: ConnectedMerchant;
  let browser: Browser;

  beforeAll(async () => {
    if (!existsSync(`${WEB_DIST}pay.html`)) throw new Error(`The built web pages are missing from ${WEB_DIST}: run \`npm run build:web\` first.`);
    browser = await launchChromium();
    stack = await startSettleStack();
    merchant = await signUpAndConnect(stack.settleUrl, stack.sandboxes, 'Velo Berlin');
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
  });

  it('the shopper pays by bank debit: processing on the page, paid in the store once the bank answers; the IBAN only went to Stripe', async () => {
    const product = (await merchant.woo.post('products', { name: 'Bike lock', regular_price: '40.00' })).data;
    const order = await placeOrder(merchant.woo, { productId: product.id, quantity: 1, currency: 'EUR' });
    const { payUrl, payment } = await startCheckout(stack.settleUrl, merchant.apiKey, order.id);
    const context = await newPerson(browser);
    const requests = recordRequests(context);
    const page = await context.newPage();
    await page.goto(payUrl);

    await page.getByText('Or pay from your bank account (SEPA Direct Debit)').waitFor();
    await page.getByText('you authorise Velo Berlin and Stripe').waitFor();
    // A mistyped IBAN is caught by Stripe's check and said plainly.
    await page.getByLabel('Account holder').fill('Ada Shopper');
    await page.getByLabel('Email').fill('ada@example.com');
    await page.getByLabel('IBAN').fill('DE89 3704 0044 0532 0130 01');
    await page.getByRole('button', { name: 'Pay by bank debit' }).click();
    await page.getByRole('alert').getByText('This IBAN is not valid. Check it and try again.').waitFor();

    await page.getByLabel('IBAN').fill('DE89 3704 0044 0532 0130 00');
    await page.getByRole('button', { name: 'Pay by bank debit' }).click();
    await page.getByRole('alert').getByText('Your bank payment is being processed.', { exact: false }).waitFor();
    expect(await page.getByLabel('Card number').isVisible()).toBe(false);
    await screenshot(page, 'sepa-processing');

    await eventually(() => readPayments(stack.settleUrl, merchant.apiKey), (v) => v.payments.some((p) => p.id === payment.id && p.status === 'processing'));
    expect((await merchant.woo.get(`orders/${order.id}`)).data.status).toBe('pending');
    await advanceStripeClock(stack.sandboxes, 60);
    await eventually(async () => (await merchant.woo.get(`orders/${order.id}`)).data, (o) => o.status === 'processing');

    await context.close();
    const carriesIban = (text: string | null) => (text ?? '').replace(/(%20|\s|\+)/g, '').includes(IBAN);
    expect(requests.filter((r) => carriesIban(r.url) || carriesIban(r.postData)).map((r) => `${r.method} ${r.url}`))
      .toEqual([`POST ${stack.sandboxes.stripe.url}/v1/payment_methods`]);
  });
});
