/**
 * The merchant's buttons in the admin, in a real browser: capture part of an authorization, refund a
 * paid order twice (the refund history grows, a refusal is shown in plain words), and answer a
 * dispute with evidence from the Disputes tab. Each ends with what the merchant then sees, in the
 * admin and in the store. Needs the built pages (`npm run build:web`) and Chromium.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { eventually } from '../support/settle-process';
import { startSettleStack, type SettleStack } from '../support/stack';
import {
  adminSignInLink, advanceStripeClock, confirmAsShopper, payAsShopper, placeOrder, readPayments, signUpAndConnect, startCheckout, type ConnectedMerchant,
} from '../support/journey';
import { launchChromium, newPerson, screenshot } from '../support/browser';

const WEB_DIST = fileURLToPath(new URL('../../web/app/dist/', import.meta.url));
const DISPUTED_CARD = '4000000000000259';
const FRENCH_CARD = '4000002500000003';

describe('in the browser: the merchant captures, refunds and answers a dispute', { timeout: 90_000 }, () => {
  let stack: SettleStack;
  let settleUrl: string;
  let m: ConnectedMerchant;
  let browser: Browser;
  let page: Page;
  const orders = {} as Record<'authorized' | 'paid' | 'disputed' | 'euro', { id: number; number: string; paymentId: string }>;

  async function order(card: string | null, captureMethod: 'automatic' | 'manual' = 'automatic', currency = 'USD') {
    const product = (await m.woo.post('products', { name: `Kayak ${Object.keys(orders).length}`, regular_price: '100.00' })).data;
    const placed = await placeOrder(m.woo, { productId: product.id, quantity: 1, currency });
    const checkout = await startCheckout(settleUrl, m.apiKey, placed.id, { captureMethod });
    if (captureMethod === 'manual') expect((await confirmAsShopper(settleUrl, checkout.payment.id)).status).toBe('requires_capture');
    else expect(await payAsShopper(settleUrl, checkout.payment.id, card ?? undefined)).toBe('succeeded');
    return { id: placed.id, number: placed.number, paymentId: checkout.payment.id };
  }

  beforeAll(async () => {
    if (!existsSync(`${WEB_DIST}admin.html`)) throw new Error(`The built web pages are missing from ${WEB_DIST}: run \`npm run build:web\` first.`);
    browser = await launchChromium();
    stack = await startSettleStack();
    settleUrl = stack.settleUrl;
    m = await signUpAndConnect(settleUrl, stack.sandboxes, 'Harbour Kayaks');
    orders.authorized = await order(null, 'manual');
    orders.paid = await order(null);
    orders.disputed = await order(DISPUTED_CARD);
    orders.euro = await order(FRENCH_CARD, 'automatic', 'EUR');
    await eventually(() => readPayments(settleUrl, m.apiKey), (v) => v.payments.filter((p) => p.status !== 'awaiting_payment').length === 4);
    page = await (await newPerson(browser)).newPage();
    await page.goto(await adminSignInLink(settleUrl, m.apiKey));
    await page.getByRole('heading', { name: 'Payments', exact: true }).waitFor();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
  });

  const row = (number: string) => page.getByRole('row').filter({ has: page.getByText(`#${number}`, { exact: true }) });
  const outcome = () => page.getByTestId('action-outcome');
  const storeOrder = async (id: number) => (await m.woo.get(`orders/${id}`)).data as { status: string };
  const storeRefunds = async (id: number) => ((await m.woo.get(`orders/${id}/refunds`)).data as { amount: string }[]).map((r) => r.amount).sort();

  it('Capture: the merchant takes $60.00 of a $100.00 authorization; the payment shows paid and the store order is paid', async () => {
    await row(orders.authorized.number).getByText('Authorized, not captured', { exact: true }).waitFor();
    await row(orders.authorized.number).getByText(`#${orders.authorized.number}`, { exact: true }).click();
    await page.getByRole('heading', { name: `Order #${orders.authorized.number}: $100.00` }).waitFor();
    await page.getByLabel('Amount to capture').fill('60.00');
    await page.getByRole('button', { name: 'Capture', exact: true }).click();
    await outcome().getByText('Captured $60.00', { exact: false }).waitFor();
    await row(orders.authorized.number).getByText('Paid', { exact: true }).waitFor();
    // Once captured, the same card offers refunds instead, up to what was taken.
    await page.getByText('Up to 60.00 USD; empty refunds all of it.').waitFor();
    expect((await eventually(() => storeOrder(orders.authorized.id), (o) => o.status === 'processing')).status).toBe('processing');
    await screenshot(page, 'admin-capture');
  });

  it('Refund: two partial refunds build the refund history; one too large is refused in plain words', async () => {
    await row(orders.paid.number).getByText(`#${orders.paid.number}`, { exact: true }).click();
    await page.getByRole('heading', { name: `Order #${orders.paid.number}: $100.00` }).waitFor();
    await page.getByText('No refunds yet.').waitFor();

    await page.getByLabel('Amount to refund').fill('25.00');
    await page.getByLabel('Reason').fill('Scratched hull');
    await page.getByRole('button', { name: 'Refund', exact: true }).click();
    await outcome().getByText('Refunded $25.00.').waitFor();
    const history = page.getByTestId('refund-history');
    await history.getByText('Scratched hull').waitFor();

    await page.getByLabel('Amount to refund').fill('10.00');
    await page.getByRole('button', { name: 'Refund', exact: true }).click();
    await outcome().getByText('Refunded $10.00.').waitFor();
    await expect.poll(async () => history.getByRole('row').filter({ hasText: 'Refunded' }).count()).toBe(2);
    expect(await history.getByText('Settle', { exact: true }).count()).toBe(2);
    await page.getByText('Up to 65.00 USD; empty refunds all of it.').waitFor();

    await page.getByLabel('Amount to refund').fill('70.00');
    await page.getByRole('button', { name: 'Refund', exact: true }).click();
    await outcome().getByText(`At most 65.00 USD of order ${orders.paid.number} can still be refunded.`).waitFor();
    await page.getByLabel('Amount to refund').fill('twelve');
    await page.getByRole('button', { name: 'Refund', exact: true }).click();
    await outcome().getByText('Enter an amount in USD, like 100.00.').waitFor();

    expect(await eventually(() => storeRefunds(orders.paid.id), (r) => r.length === 2)).toEqual(['10.00', '25.00']);
    // The list shows it at a glance, on the payment's row.
    await row(orders.paid.number).getByText('Refunded $35.00', { exact: true }).waitFor();
    await screenshot(page, 'admin-refunds');
  });

  it('Disputes: the merchant reads the dispute, submits evidence, and sees it under review', async () => {
    await page.getByRole('tab', { name: 'Disputes' }).click();
    await page.getByRole('heading', { name: 'Disputes', exact: true }).waitFor();
    const dispute = row(orders.disputed.number);
    await dispute.getByText('Needs your evidence', { exact: true }).waitFor();
    await dispute.getByText('$100.00', { exact: true }).waitFor();
    await dispute.getByText('Shopper says they did not make it', { exact: true }).waitFor();
    await dispute.getByText(`#${orders.disputed.number}`, { exact: true }).click();

    await page.getByRole('heading', { name: `Dispute on order #${orders.disputed.number}: $100.00` }).waitFor();
    await page.getByLabel('Customer name').fill('Ada Shopper');
    await page.getByLabel('Tracking number').fill('1Z999AA10123456784');
    await page.getByLabel('Your explanation').fill('Delivered and signed for; the shopper thanked us by email.');
    await page.getByRole('button', { name: 'Submit evidence' }).click();
    await page.getByTestId('evidence-outcome').getByText('Evidence submitted.', { exact: false }).waitFor();
    await dispute.getByText('Under review by the bank', { exact: true }).waitFor();
    expect(await page.getByRole('button', { name: 'Submit evidence' }).count()).toBe(0);

    const disputes = (await (await fetch(`${settleUrl}/api/disputes`, { headers: { Authorization: `Bearer ${m.apiKey}` } })).json()).disputes;
    expect(disputes[0]).toMatchObject({ status: 'under_review', evidence: { customerName: 'Ada Shopper', shippingTrackingNumber: '1Z999AA10123456784' } });
    await screenshot(page, 'admin-dispute-evidence');
    // The payments list marks the payment as disputed too.
    await page.getByRole('tab', { name: 'Payments' }).click();
    await row(orders.disputed.number).getByTestId('payment-dispute').getByText('Under review by the bank', { exact: true }).waitFor();
  });

  it('a sale in euros shows what it became in dollars and at which rate', async () => {
    await page.getByRole('tab', { name: 'Payments' }).click();
    const euro = row(orders.euro.number);
    await euro.getByText('€100.00', { exact: true }).waitFor();
    await euro.getByTestId('payment-settlement').getByText('$110.00 at 1.1', { exact: true }).waitFor();
  });

  it('Payouts: a payout the bank returned shows Failed with the bank’s reason', async () => {
    await advanceStripeClock(stack.sandboxes, 3 * 86_400);
    const payouts = async () => (await (await fetch(`${settleUrl}/api/payouts`, { headers: { Authorization: `Bearer ${m.apiKey}` } })).json()).payouts as { id: string; status: string }[];
    const [paid] = await eventually(payouts, (p) => p[0]?.status === 'paid');
    const failed = await fetch(`${stack.sandboxes.stripe.url}/_sandbox/payouts/${paid!.id}/fail`, {
      method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ failure_code: 'account_closed' }),
    });
    expect(failed.status).toBe(200);
    await page.getByRole('tab', { name: 'Payouts' }).click();
    const payoutRow = page.getByRole('row').filter({ has: page.getByText(paid!.id, { exact: true }) });
    await payoutRow.getByText('Failed', { exact: true }).waitFor();
    await payoutRow.getByText('The bank account has been closed.', { exact: true }).waitFor();
    await screenshot(page, 'admin-payout-failed');
  });
});
