/**
 * Disputes, end to end over HTTP: a shopper's bank disputes a $100.00 sale (Stripe's dispute test
 * card), the funds and the $15.00 dispute fee leave the balance, the merchant sends evidence through
 * Settle's API, and the bank decides. Won: everything comes back. Lost: the loss and the fee stay.
 * The merchant sees each step in Settle's disputes list; the ledger follows every one.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '../support/settle-process';
import { startSettleStack, type SettleStack } from '../support/stack';
import { payAsShopper, placeOrder, readLedgerEntries, readPayments, signUpAndConnect, startCheckout, type ConnectedMerchant, type Sandboxes, merchantApi } from '../support/journey';

const DISPUTED_CARD = '4000000000000259';

interface DisputeView {
  id: string; paymentId: string; orderNumber: string; amountFormatted: string; reason: string; status: string;
  evidenceDueBy: string | null; evidence: Record<string, string>; evidenceSubmittedAt: string | null;
}

describe('disputes with evidence, end to end', { timeout: 120_000 }, () => {
  let stack: SettleStack;
  let sandboxes: Sandboxes;
  let settleUrl: string;

  beforeAll(async () => {
    // Every webhook comes twice: the withdrawal and the reinstatement are still posted once.
    stack = await startSettleStack({ stripeSwitches: { deliver_twice: true } });
    ({ sandboxes, settleUrl } = stack);
  }, 120_000);
  afterAll(async () => stack?.stop());

  const api = (m: ConnectedMerchant, path: string, body?: unknown) => merchantApi(settleUrl, m.apiKey, path, { body });
  const disputes = async (m: ConnectedMerchant) => (await api(m, '/api/disputes')).body.disputes as DisputeView[];
  const balances = async (m: ConnectedMerchant) =>
    Object.fromEntries((await readPayments(settleUrl, m.apiKey)).balances.map((b) => [b.role, b.balance]));
  /** The bank's decision, which no API call makes: the sandbox's control endpoint stands in for it. */
  const bankDecides = async (disputeId: string, outcome: 'won' | 'lost') => {
    const response = await fetch(`${sandboxes.stripe.url}/_sandbox/disputes/${disputeId}/decide`, {
      method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ outcome }),
    });
    expect(response.status).toBe(200);
  };

  /** A $100.00 sale on the dispute test card: disputed as soon as it succeeds. */
  async function disputedSale(name: string) {
    const m = await signUpAndConnect(settleUrl, sandboxes, name);
    const product = (await m.woo.post('products', { name: 'Espresso machine', regular_price: '100.00' })).data;
    const order = await placeOrder(m.woo, { productId: product.id, quantity: 1 });
    const checkout = await startCheckout(settleUrl, m.apiKey, order.id);
    expect(await payAsShopper(settleUrl, checkout.payment.id, DISPUTED_CARD)).toBe('succeeded');
    const [dispute] = await eventually(() => disputes(m), (d) => d[0]?.status === 'needs_response');
    // Withdrawn: $100.00 and the $15.00 fee left the balance (the sale's net was $96.80).
    await eventually(() => balances(m), (b) => b.dispute_losses === 10000 && b.dispute_fees === 1500 && b.stripe_clearing === 9680 - 11500);
    return { m, paymentId: checkout.payment.id, order, dispute: dispute! };
  }

  const evidence = {
    customerName: 'Ada Shopper',
    customerEmailAddress: 'ada@example.com',
    productDescription: 'One espresso machine, delivered.',
    shippingCarrier: 'UPS',
    shippingTrackingNumber: '1Z999AA10123456784',
    explanation: 'The shopper signed for the parcel on 2 March and wrote to thank us the day after.',
  };

  it('shows the dispute with its amount, reason and the day evidence is due; refunding it is refused', async () => {
    const { m, paymentId, order, dispute } = await disputedSale('Disputed Co');
    expect(dispute).toMatchObject({ paymentId, orderNumber: order.number, amountFormatted: '$100.00', reason: 'fraudulent', evidenceSubmittedAt: null });
    expect(Date.parse(dispute.evidenceDueBy ?? '')).toBeGreaterThan(Date.now() - 86_400_000);
    const refund = await api(m, `/api/payments/${paymentId}/refunds`, {});
    expect(refund).toMatchObject({ status: 409, body: { error: { code: 'payment_disputed' } } });
    const entries = await readLedgerEntries(settleUrl, m.apiKey);
    expect(entries.map((e) => e.kind).sort()).toEqual(['dispute', 'sale']);
  });

  it('evidence is refused when empty or malformed, and changes nothing', async () => {
    const { m, paymentId } = await disputedSale('Careful Co');
    expect(await api(m, `/api/payments/${paymentId}/dispute/evidence`, {})).toMatchObject({ status: 400, body: { error: { code: 'evidence_empty' } } });
    expect((await api(m, `/api/payments/${paymentId}/dispute/evidence`, { customerEmailAddress: 'not an email' })).status).toBe(400);
    expect((await api(m, `/api/payments/${paymentId}/dispute/evidence`, { favouriteColour: 'blue' })).status).toBe(400);
    expect((await disputes(m))[0]).toMatchObject({ status: 'needs_response', evidenceSubmittedAt: null });
    // A payment without a dispute has nothing to answer.
    const other = await signUpAndConnect(settleUrl, sandboxes, 'Undisputed Co');
    expect((await api(other, `/api/payments/${paymentId}/dispute/evidence`, evidence)).status).toBe(404);
  });

  it('evidence → under review → won: the $100.00 and the $15.00 fee come back, the ledger shows no loss', async () => {
    const { m, paymentId, dispute } = await disputedSale('Winning Co');
    const submitted = await api(m, `/api/payments/${paymentId}/dispute/evidence`, evidence);
    expect(submitted.status).toBe(200);
    expect(submitted.body.dispute).toMatchObject({ status: 'under_review', evidence: { shippingTrackingNumber: '1Z999AA10123456784' } });
    expect(submitted.body.dispute.evidenceSubmittedAt).not.toBeNull();
    // Stripe holds what was sent, in its own names.
    const stripeDispute = await (await fetch(`${sandboxes.stripe.url}/v1/disputes/${dispute.id}`, { headers: { Authorization: `Bearer ${m.stripeAccount.secret_key}` } })).json();
    expect(stripeDispute.evidence).toMatchObject({ shipping_tracking_number: '1Z999AA10123456784', uncategorized_text: evidence.explanation, customer_name: 'Ada Shopper' });
    // Under review, it takes no more evidence.
    expect(await api(m, `/api/payments/${paymentId}/dispute/evidence`, evidence)).toMatchObject({ status: 409, body: { error: { code: 'dispute_not_open' } } });

    await bankDecides(dispute.id, 'won');
    await eventually(() => disputes(m), (d) => d[0]?.status === 'won');
    const after = await eventually(() => balances(m), (b) => b.dispute_losses === 0 && b.dispute_fees === 0);
    expect(after).toMatchObject({ income: 10000, processing_fees: 320, stripe_clearing: 9680 });
    const entries = await readLedgerEntries(settleUrl, m.apiKey);
    expect(entries.map((e) => e.kind).sort()).toEqual(['dispute', 'dispute_reversal', 'sale']);
  });

  it('evidence → under review → lost: the $100.00 loss and the $15.00 dispute fee stay in the ledger', async () => {
    const { m, paymentId, dispute } = await disputedSale('Losing Co');
    expect((await api(m, `/api/payments/${paymentId}/dispute/evidence`, { explanation: 'We believe the sale was genuine.' })).status).toBe(200);
    await bankDecides(dispute.id, 'lost');
    await eventually(() => disputes(m), (d) => d[0]?.status === 'lost');
    // Nothing more moves on a loss: give the worker a moment, then the books are as at the withdrawal.
    await stack.sandboxes.stripe.webhooksIdle();
    expect(await balances(m)).toMatchObject({ income: 10000, processing_fees: 320, dispute_losses: 10000, dispute_fees: 1500, stripe_clearing: -1820 });
    const entries = await readLedgerEntries(settleUrl, m.apiKey);
    expect(entries.map((e) => e.kind).sort()).toEqual(['dispute', 'sale']);
  });
});
