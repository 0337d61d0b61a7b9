// The Stripe side of shared/scenarios/books.md: each payout equals, to the cent, the sum of
// the balance transactions it carries, with the fee table's fees, refunds and disputes.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import Stripe from 'stripe';
import { startStripeSandbox, type StripeSandbox } from './index';
import { sdk } from './test-helpers';

let sandbox: StripeSandbox;
beforeAll(async () => {
  sandbox = await startStripeSandbox();
});
afterAll(() => sandbox?.close());

const DAY = 86400;

async function sale(stripe: Stripe, amount: number, pm = 'pm_card_visa') {
  return stripe.paymentIntents.create({ amount, currency: 'usd', payment_method: pm, confirm: true });
}

/** Advance past availability, return the single payout and its lines (sum checked). */
async function payout(stripe: Stripe) {
  sandbox.advanceClock(2 * DAY);
  const payouts = await stripe.payouts.list();
  expect(payouts.data).toHaveLength(1);
  const po = payouts.data[0]!;
  const lines = (await stripe.balanceTransactions.list({ payout: po.id, limit: 100 })).data.filter((t) => t.type !== 'payout');
  expect(lines.reduce((s, t) => s + t.net, 0)).toBe(po.amount);
  return { po, lines };
}

describe('books scenarios (Stripe side)', () => {
  it('2. partial refund: payout 56.80, fee kept', async () => {
    const stripe = sdk(sandbox, sandbox.createAccount().secret_key);
    const pi = await sale(stripe, 10000);
    const refund = await stripe.refunds.create({ payment_intent: pi.id, amount: 4000 });
    expect(refund.status).toBe('succeeded');
    const ch = await stripe.charges.retrieve(pi.latest_charge as string);
    expect([ch.amount_refunded, ch.refunded]).toEqual([4000, false]);
    const { po, lines } = await payout(stripe);
    expect(po.amount).toBe(5680);
    const r = lines.find((t) => t.type === 'refund')!;
    expect([r.amount, r.fee, r.net, r.reporting_category]).toEqual([-4000, 0, -4000, 'refund']);
    expect(lines.find((t) => t.type === 'charge')!.fee).toBe(320);
  });

  it('3. lost dispute in a busy payout: payout 177.15 (fees 7.85, dispute 50.00 + 15.00)', async () => {
    const stripe = sdk(sandbox, sandbox.createAccount().secret_key);
    await sale(stripe, 20000);
    const disputed = await sale(stripe, 5000, 'pm_card_createDispute');
    const disputes = await stripe.disputes.list({ payment_intent: disputed.id });
    expect(disputes.data).toHaveLength(1);
    const dp = disputes.data[0]!;
    expect(dp.status).toBe('needs_response');
    const closed = await stripe.disputes.close(dp.id);
    expect(closed.status).toBe('lost');
    const { po, lines } = await payout(stripe);
    expect(po.amount).toBe(17715);
    const adj = lines.find((t) => t.reporting_category === 'dispute')!;
    expect([adj.type, adj.amount, adj.fee, adj.net]).toEqual(['adjustment', -5000, 1500, -6500]);
    expect(lines.filter((t) => t.type === 'charge').reduce((s, t) => s + t.fee, 0)).toBe(785);
  });

  it('dispute won with winning_evidence: funds and fee come back', async () => {
    const stripe = sdk(sandbox, sandbox.createAccount().secret_key);
    const pi = await sale(stripe, 10000, 'pm_card_createDispute');
    const dp = (await stripe.disputes.list({ payment_intent: pi.id })).data[0]!;
    const won = await stripe.disputes.update(dp.id, { evidence: { uncategorized_text: 'winning_evidence' } });
    expect(won.status).toBe('won');
    expect(won.balance_transactions.map((t) => t.net)).toEqual([-11500, 11500]);
    const { po } = await payout(stripe);
    expect(po.amount).toBe(9680);
  });

  it('8. refund that fails: refund.failed, money back, payout 96.80', async () => {
    const stripe = sdk(sandbox, sandbox.createAccount().secret_key);
    const pi = await sale(stripe, 10000, 'pm_card_refundFail');
    const refund = await stripe.refunds.create({ payment_intent: pi.id, amount: 4000 });
    expect(refund.status).toBe('succeeded');
    const { po, lines } = await payout(stripe);
    expect(po.amount).toBe(9680);
    expect((await stripe.refunds.retrieve(refund.id)).status).toBe('failed');
    expect(lines.find((t) => t.type === 'refund_failure')?.amount).toBe(4000);
    const types = (await stripe.events.list({ limit: 100 })).data.map((e) => e.type as string);
    expect(types).toEqual(expect.arrayContaining(['refund.failed', 'charge.refund.updated', 'refund.created', 'charge.refunded']));
    const ch = await stripe.charges.retrieve(pi.latest_charge as string);
    expect(ch.amount_refunded).toBe(0);
  });

  it('refund rules: not more than the charge; not twice in full', async () => {
    const stripe = sdk(sandbox, sandbox.createAccount().secret_key);
    const pi = await sale(stripe, 1000);
    await expect(stripe.refunds.create({ payment_intent: pi.id, amount: 1001 })).rejects.toMatchObject({ statusCode: 400, code: 'amount_too_large' });
    await stripe.refunds.create({ payment_intent: pi.id });
    await expect(stripe.refunds.create({ payment_intent: pi.id })).rejects.toMatchObject({ code: 'charge_already_refunded' });
  });

  it('balance transactions list by created (gte, exact second), newest first; a created that is not a time is refused', async () => {
    const key = sandbox.createAccount().secret_key;
    const stripe = sdk(sandbox, key);
    await sale(stripe, 1000);
    const later = sandbox.advanceClock(3600).now;
    await sale(stripe, 2000);
    const since = await stripe.balanceTransactions.list({ created: { gte: later }, limit: 100 });
    expect(since.data.map((t) => t.amount)).toEqual([2000]);
    expect((await stripe.balanceTransactions.list({ created: { lt: later } })).data.map((t) => t.amount)).toEqual([1000]);
    expect((await stripe.balanceTransactions.list({ created: since.data[0]!.created })).data).toHaveLength(1);
    const refused = await fetch(`${sandbox.url}/v1/balance_transactions?created[gte]=yesterday`, { headers: { Authorization: `Bearer ${key}` } });
    expect(refused.status).toBe(400);
    expect(((await refused.json()) as { error: { type: string } }).error.type).toBe('invalid_request_error');
  });
});
