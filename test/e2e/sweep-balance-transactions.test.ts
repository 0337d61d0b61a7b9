/**
 * The sweep reads Stripe's balance transactions too: money can move with no event Settle ever
 * sees. Here a sale is made in Stripe itself, its webhooks are held and Stripe's event list cannot
 * be read, so only the balance transaction list tells of it. The sweep posts it to the ledger once
 * and logs the repair; the webhooks released afterwards, and the events read later, change nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '../support/settle-process';
import { startSettleStack, type SettleStack } from '../support/stack';
import { readLedgerEntries, signUpAndConnect, stripeDashboard, type ConnectedMerchant, type LedgerEntryView } from '../support/journey';

interface AuditView { actor: string; action: string; detail: string }
interface SweepView { id: number; stage: string; outcome: { movementsRecovered: number; eventsRecovered: number; problems: string[] } | null }

/** What the ledger says each account holds, in minor units. */
const balances = (entries: LedgerEntryView[]) => {
  const sums: Record<string, number> = {};
  for (const p of entries.flatMap((e) => e.postings)) sums[p.role] = (sums[p.role] ?? 0) + p.amount.amount;
  return sums;
};

describe('sweep of Stripe balance transactions, end to end', { timeout: 180_000 }, () => {
  let stack: SettleStack;
  let merchant: ConnectedMerchant;
  const api = async <T>(path: string) =>
    (await (await fetch(`${stack.settleUrl}${path}`, { headers: { Authorization: `Bearer ${merchant.apiKey}` } })).json()) as T;
  const ledger = () => readLedgerEntries(stack.settleUrl, merchant.apiKey);
  const sweep = async () => (await api<{ sweep: SweepView | null }>('/api/reconciliation/sweep')).sweep;

  beforeAll(async () => {
    stack = await startSettleStack({
      // Webhooks are held, and Stripe's event list answers nothing but errors.
      stripeSwitches: { hold_deliveries: true, fail_with_500: { ratio: 1, match: 'GET /v1/events' } },
      env: { RECONCILIATION_SWEEP_MS: '1500', RECONCILIATION_GRACE_MS: '500' },
    });
    merchant = await signUpAndConnect(stack.settleUrl, stack.sandboxes, 'Balance Sweep Shop');
  }, 60_000);

  afterAll(async () => {
    await stack?.stop();
  });

  it('posts a sale known only from the balance transactions once, logs it, and ignores the late webhooks', async () => {
    const stripe = stripeDashboard(stack.sandboxes, merchant);
    const intent = await stripe.paymentIntents.create({ amount: 2500, currency: 'usd', payment_method: 'pm_card_visa', confirm: true });
    const charge = await stripe.charges.retrieve(String(intent.latest_charge));
    const txn = await stripe.balanceTransactions.retrieve(String(charge.balance_transaction));

    const sale = (entries: LedgerEntryView[]) => entries.filter((e) => e.postings.some((p) => p.role === 'stripe_clearing' && p.amount.amount === txn.net));
    const entries = await eventually(ledger, (e) => sale(e).length > 0, 60_000);
    expect(sale(entries)).toHaveLength(1);
    expect(balances(entries).stripe_clearing).toBe(txn.net);

    const audit = (await api<{ audit: AuditView[] }>('/api/reconciliation/audit')).audit;
    expect(audit).toContainEqual(expect.objectContaining({
      actor: 'sweep', action: 'recovered_movement', detail: expect.stringContaining(`Stripe balance transaction ${txn.id} (charge,`),
    }));
    // The sweep runs every 1.5 s, so the run that recovered the sale (audited above) is soon no longer the
    // latest; every finished run meanwhile says it could not read Stripe's event list.
    const run = await eventually(sweep, (s) => s?.outcome != null, 90_000);
    expect(run!.outcome!.problems.join()).toMatch(/Stripe events/);

    // Stripe heals: the held webhooks arrive and the event list reads again. Nothing is posted twice.
    stack.sandboxes.stripe.setSwitches({ fail_with_500: null });
    expect(stack.sandboxes.stripe.releaseDeliveries().released).toBeGreaterThan(0);
    const delivered = () => stack.sandboxes.stripe.deliveries(merchant.stripeAccount.id);
    await eventually(async () => delivered(), (d) => d.length > 0 && d.every((x) => x.status === 200), 30_000);
    // Two whole sweeps after the webhooks landed: their events read, their jobs long done.
    const healed = await eventually(sweep, (s) => s !== null && s.stage === 'done' && (s.outcome?.problems ?? []).length === 0, 60_000);
    await eventually(sweep, (s) => s !== null && s.id > healed!.id + 1 && s.stage === 'done', 60_000);
    const after = await ledger();
    expect(sale(after)).toHaveLength(1);
    expect(balances(after)).toEqual(balances(entries));
    // Repaired once, and said so once.
    const lines = (await api<{ audit: AuditView[] }>('/api/reconciliation/audit')).audit.filter((l) => l.detail.includes(txn.id));
    expect(lines.map((l) => l.action)).toEqual(['recovered_movement']);
  });
});
