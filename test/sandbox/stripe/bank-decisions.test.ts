// What the bank decides and no API call makes happen, through the sandbox's control endpoints:
// a dispute under review is won or lost; a paid payout is returned (payout.failed, its money back
// in the balance with a payout_failure transaction). Each refuses what the bank could not do.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type Stripe from 'stripe';
import { startStripeSandbox, type StripeSandbox } from './index';
import { payWithCard, sdk } from './test-helpers';

let sandbox: StripeSandbox;
beforeAll(async () => {
  sandbox = await startStripeSandbox({ webhookRetryDelaysMs: [50] });
});
afterAll(async () => sandbox?.close());

const control = async (path: string, body: unknown) => {
  const res = await fetch(`${sandbox.url}/_sandbox${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { status: res.status, body: await res.json() };
};
const eventTypes = async (stripe: Stripe, objectId: string) =>
  (await stripe.events.list({ limit: 100 })).data.filter((e) => (e.data.object as { id: string }).id === objectId).map((e) => e.type).reverse();

describe('the bank decides a dispute', () => {
  it('only once evidence is under review; won gives the amount and the fee back; a closed dispute cannot be decided again', async () => {
    const keys = sandbox.createAccount();
    const { pi, server: stripe } = await payWithCard(sandbox, keys, 10000, 'usd', '4000000000000259');
    const [dispute] = (await stripe.disputes.list({ payment_intent: pi.id })).data;
    expect(dispute).toMatchObject({ status: 'needs_response' });

    expect(await control(`/disputes/${dispute!.id}/decide`, { outcome: 'won' })).toMatchObject({ status: 400, body: { error: expect.stringContaining('not under_review') } });
    const submitted = await stripe.disputes.update(dispute!.id, { evidence: { uncategorized_text: 'Delivered and signed for.' }, submit: true });
    expect(submitted).toMatchObject({ status: 'under_review', evidence: { uncategorized_text: 'Delivered and signed for.' }, evidence_details: { has_evidence: true, submission_count: 1 } });
    expect(await control(`/disputes/${dispute!.id}/decide`, { outcome: 'maybe' })).toMatchObject({ status: 400 });
    expect(await control('/disputes/dp_missing/decide', { outcome: 'won' })).toMatchObject({ status: 400, body: { error: 'no such dispute: dp_missing' } });

    const won = await control(`/disputes/${dispute!.id}/decide`, { outcome: 'won' });
    expect(won).toMatchObject({ status: 200, body: { status: 'won' } });
    const [withdrawal, reinstated] = (await stripe.disputes.retrieve(dispute!.id)).balance_transactions;
    expect(withdrawal).toMatchObject({ amount: -10000, fee: 1500, reporting_category: 'dispute' });
    expect(reinstated).toMatchObject({ amount: 10000, fee: -1500, net: 11500, reporting_category: 'dispute_reversal' });
    expect(await eventTypes(stripe, dispute!.id)).toEqual([
      'charge.dispute.created', 'charge.dispute.funds_withdrawn', 'charge.dispute.updated', 'charge.dispute.funds_reinstated', 'charge.dispute.updated', 'charge.dispute.closed',
    ]);
    expect(await control(`/disputes/${dispute!.id}/decide`, { outcome: 'lost' })).toMatchObject({ status: 400 });
  });

  it('lost: the withdrawal and the fee stay, nothing is given back', async () => {
    const keys = sandbox.createAccount();
    const { pi, server: stripe } = await payWithCard(sandbox, keys, 5000, 'usd', '4000000000000259');
    const [dispute] = (await stripe.disputes.list({ payment_intent: pi.id })).data;
    await stripe.disputes.update(dispute!.id, { evidence: { product_description: 'A paddle' } });
    expect(await control(`/disputes/${dispute!.id}/decide`, { outcome: 'lost' })).toMatchObject({ status: 200, body: { status: 'lost' } });
    expect((await stripe.disputes.retrieve(dispute!.id)).balance_transactions.map((t) => t.reporting_category)).toEqual(['dispute']);
  });
});

describe('the bank returns a payout', () => {
  it('a paid payout (reconciled) fails with a code and message; its money is back in the balance and the next payout carries it', async () => {
    const keys = sandbox.createAccount();
    const stripe = sdk(sandbox, keys.secret_key);
    await payWithCard(sandbox, keys, 10000, 'usd', '4242424242424242');
    sandbox.advanceClock(3 * 86400);
    const [payout] = (await stripe.payouts.list()).data;
    expect(payout).toMatchObject({ status: 'paid', amount: 9680, reconciliation_status: 'completed', failure_code: null });
    expect(await eventTypes(stripe, payout!.id)).toEqual(['payout.created', 'payout.updated', 'payout.paid', 'payout.reconciliation_completed']);

    expect(await control(`/payouts/${payout!.id}/fail`, { failure_code: 'lost_in_the_post' })).toMatchObject({ status: 400 });
    const failed = await control(`/payouts/${payout!.id}/fail`, { failure_code: 'account_closed' });
    expect(failed).toMatchObject({ status: 200, body: { status: 'failed', failure_code: 'account_closed', failure_message: 'The bank account has been closed.' } });
    const back = await stripe.balanceTransactions.retrieve(failed.body.failure_balance_transaction);
    expect(back).toMatchObject({ type: 'payout_failure', reporting_category: 'payout_reversal', amount: 9680, fee: 0, net: 9680, source: payout!.id });
    expect((await eventTypes(stripe, payout!.id)).slice(-2)).toEqual(['payout.updated', 'payout.failed']);
    expect(await control(`/payouts/${payout!.id}/fail`, {})).toMatchObject({ status: 400, body: { error: expect.stringContaining('is failed') } });

    sandbox.advanceClock(86400);
    const again = (await stripe.payouts.list()).data.find((p) => p.id !== payout!.id);
    expect(again).toMatchObject({ status: 'paid', amount: 9680 });
    const carried = (await stripe.balanceTransactions.list({ payout: again!.id })).data.map((t) => t.type).sort();
    expect(carried).toEqual(['payout', 'payout_failure']);
  });
});
