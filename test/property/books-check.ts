/**
 * What "books you can trust" means, checked against the model: returns every problem found (an
 * empty list is a pass), so a test can also show that a broken ledger is caught.
 *
 * The fold is written here from books.md, not taken from core's posting rules: clearing moves by
 * net, the fee goes to processing fees (dispute fees for disputes), the amount to its counter
 * account (a sale split as the store's order splits it).
 */
import type { Queryable } from '../../core/storage/database';
import type { BalanceMovement } from '../../core/payments/processor';
import type { StripeModel } from './stripe-model';

type Balances = Map<string, number>;

/** The ledger a fold of these balance transactions must produce, by account role. */
export function foldMovements(model: StripeModel, movements: Iterable<BalanceMovement>): Balances {
  const sums: Balances = new Map();
  const add = (role: string, amount: number) => sums.set(role, (sums.get(role) ?? 0) + amount);
  for (const m of movements) {
    const { amount, fee, net } = { amount: m.amount.amount, fee: m.fee.amount, net: m.net.amount };
    add('stripe_clearing', net);
    if (m.category === 'charge') {
      const p = model.payments.get(m.paymentRef ?? '')!;
      add('processing_fees', fee);
      add('income', -(amount - p.shipping - p.tax));
      add('shipping_income', -p.shipping);
      add('sales_tax_payable', -p.tax);
    } else if (m.category === 'refund' || m.category === 'refund_failure') {
      add('processing_fees', fee);
      add('income', -amount);
    } else if (m.category === 'dispute' || m.category === 'dispute_reversal') {
      add('dispute_fees', fee);
      add('dispute_losses', -amount);
    } else if (m.category === 'payout') {
      add('processing_fees', fee);
      add('bank', -amount);
    } else {
      throw new Error(`the model made a ${m.category} transaction the fold does not know`);
    }
  }
  return sums;
}

/**
 * `complete`: every event of the model's history so far has been delivered, so the ledger must hold
 * all of it. Otherwise (some events are still on their way) it must hold a correct part of it.
 */
export async function checkBooks(db: Queryable, merchantId: string, model: StripeModel, options: { complete: boolean }): Promise<string[]> {
  const problems: string[] = [];
  const entries = await db.query<{ id: string; source_ref: string; currency: string | null; total: number | null }>(
    `SELECT e.id, e.source_ref, p.currency, sum(p.amount)::bigint AS total
       FROM ledger_entries e LEFT JOIN ledger_postings p ON p.entry_id = e.id
      WHERE e.merchant_id = $1 GROUP BY e.id, e.source_ref, p.currency`,
    [merchantId],
  );
  // (1) Every entry balances, per currency, and has postings.
  for (const e of entries) if (e.currency === null || Number(e.total) !== 0) problems.push(`entry ${e.source_ref} does not balance in ${e.currency}: ${e.total}`);

  const rows = await db.query<{ id: string; category: string; amount: number; fee: number; net: number; currency: string; payout_id: string | null; source_ref: string }>(
    `SELECT m.id, m.category, m.amount, m.fee, m.net, m.currency, m.payout_id, e.source_ref
       FROM balance_movements m JOIN ledger_entries e ON e.id = m.entry_id WHERE m.merchant_id = $1`,
    [merchantId],
  );
  // (3) Exactly one entry per balance transaction, posted under its own source ref, with the model's figures.
  const recorded = new Map(rows.map((r) => [r.id, r]));
  const entryRefs = [...new Map(entries.map((e) => [e.id, e.source_ref])).values()];
  const expectedRefs = new Set([...recorded.keys()].map((id) => `stripe:${id}`));
  for (const ref of entryRefs) if (!expectedRefs.has(ref)) problems.push(`entry ${ref} records no balance transaction Settle holds`);
  if (entryRefs.length !== expectedRefs.size) problems.push(`${entryRefs.length} entries for ${expectedRefs.size} balance transactions`);
  for (const r of rows) {
    const m = model.movements.get(r.id);
    if (!m) problems.push(`balance transaction ${r.id} is not in Stripe`);
    else if (r.source_ref !== `stripe:${r.id}` || r.category !== m.category || Number(r.amount) !== m.amount.amount || Number(r.fee) !== m.fee.amount || Number(r.net) !== m.net.amount || r.currency !== m.net.currency) {
      problems.push(`balance transaction ${r.id} is recorded as ${JSON.stringify(r)}, Stripe has ${m.category} ${m.amount.amount}/${m.fee.amount}/${m.net.amount}`);
    }
  }
  if (options.complete) for (const { id } of model.bookable()) if (!recorded.has(id)) problems.push(`balance transaction ${id} is missing from the ledger`);

  // (2) The ledger equals the fold of the balance transactions it holds (all that are bookable, when complete).
  const held = [...recorded.keys()].flatMap((id) => (model.movements.has(id) ? [model.movements.get(id)!] : []));
  const folded = foldMovements(model, options.complete ? model.bookable() : held);
  const ledger = await roleBalances(db, merchantId);
  for (const role of new Set([...folded.keys(), ...ledger.keys()])) {
    const want = folded.get(role) ?? 0;
    const have = ledger.get(role) ?? 0;
    if (want !== have) problems.push(`${role} is ${have} in the ledger, the fold of Stripe's transactions gives ${want}`);
  }

  // (4) Payouts: each movement points at the payout that carried it, a payout seen is seen whole, and
  // the clearing account holds exactly what Stripe has not paid out yet.
  for (const r of rows) {
    const by = model.paidOutBy.get(r.id) ?? null;
    if (r.payout_id === by) continue;
    // Until its payout.paid event has been applied, a carried movement does not know its payout yet.
    const payoutApplied = by !== null && recorded.has(model.payouts.get(by)!.ownTxn);
    if (r.payout_id === null && !options.complete && !payoutApplied) continue;
    problems.push(`balance transaction ${r.id} is marked paid out by ${r.payout_id}, Stripe says ${by}`);
  }
  for (const payout of model.payouts.values()) {
    if (!recorded.has(payout.ownTxn)) continue;
    const lines = rows.filter((r) => r.payout_id === payout.id);
    const sum = lines.reduce((s, r) => s + Number(r.net), 0);
    if (lines.length !== payout.carried.length + 1 || sum !== 0) problems.push(`payout ${payout.id} is explained by ${lines.length} lines summing to ${sum}`);
  }
  if (options.complete && (ledger.get('stripe_clearing') ?? 0) !== model.unpaidBalance()) {
    problems.push(`clearing holds ${ledger.get('stripe_clearing') ?? 0}, Stripe has ${model.unpaidBalance()} not yet paid out`);
  }
  if (options.complete) problems.push(...(await checkState(db, merchantId, model, entryRefs.length)));
  return problems;
}

async function roleBalances(db: Queryable, merchantId: string): Promise<Balances> {
  const rows = await db.query<{ account_role: string; currency: string; total: number }>(
    `SELECT p.account_role, p.currency, sum(p.amount)::bigint AS total FROM ledger_postings p JOIN ledger_entries e ON e.id = p.entry_id
      WHERE e.merchant_id = $1 GROUP BY p.account_role, p.currency`,
    [merchantId],
  );
  return new Map(rows.map((r) => [r.currency === 'USD' ? r.account_role : `${r.account_role} ${r.currency}`, Number(r.total)]));
}

/** Beside the ledger: payments, refunds and disputes as Stripe has them now, every event processed, one books job per entry. */
async function checkState(db: Queryable, merchantId: string, model: StripeModel, entryCount: number): Promise<string[]> {
  const problems: string[] = [];
  const payments = await db.query<{ processor_ref: string; status: string }>('SELECT processor_ref, status FROM payments WHERE merchant_id = $1', [merchantId]);
  const settlePayments = [...model.payments.values()].filter((p) => !p.outside);
  const ofSettle = (paymentRef: string) => !model.payments.get(paymentRef)?.outside;
  for (const p of settlePayments) {
    const status = payments.find((r) => r.processor_ref === p.ref)?.status;
    if (status !== 'succeeded') problems.push(`payment ${p.ref} is ${status}, Stripe says succeeded`);
  }
  const refunds = await db.query<{ processor_ref: string; status: string; amount: number }>('SELECT processor_ref, status, amount FROM refunds WHERE merchant_id = $1', [merchantId]);
  // Settle keeps refunds and disputes of its own payments only.
  const settleRefunds = [...model.refunds.values()].filter((r) => ofSettle(r.paymentRef));
  if (refunds.length !== settleRefunds.length) problems.push(`${refunds.length} refunds in Settle, ${settleRefunds.length} in Stripe`);
  for (const r of settleRefunds) {
    const row = refunds.find((x) => x.processor_ref === r.id);
    if (row?.status !== r.status || Number(row.amount) !== r.amount) problems.push(`refund ${r.id} is ${JSON.stringify(row)}, Stripe says ${r.status} ${r.amount}`);
  }
  const disputes = await db.query<{ processor_ref: string; status: string }>('SELECT processor_ref, status FROM disputes WHERE merchant_id = $1', [merchantId]);
  for (const d of [...model.disputes.values()].filter((x) => ofSettle(x.paymentRef))) {
    const status = disputes.find((x) => x.processor_ref === d.id)?.status;
    if (status !== d.status) problems.push(`dispute ${d.id} is ${status}, Stripe says ${d.status}`);
  }
  const [counts] = await db.query<{ unprocessed: number; books: number; marks: number }>(
    `SELECT (SELECT count(*) FROM inbox WHERE merchant_id = $1 AND processed_at IS NULL)::int AS unprocessed,
            (SELECT count(*) FROM outbox WHERE merchant_id = $1 AND topic = 'books.post_entry')::int AS books,
            (SELECT count(*) FROM outbox WHERE merchant_id = $1 AND topic = 'store.mark_paid')::int AS marks`,
    [merchantId],
  );
  if (counts!.unprocessed !== 0) problems.push(`${counts!.unprocessed} inbox events are unprocessed`);
  if (counts!.books !== entryCount) problems.push(`${counts!.books} books jobs for ${entryCount} ledger entries`);
  if (counts!.marks !== settlePayments.length) problems.push(`${counts!.marks} store jobs for ${settlePayments.length} payments`);
  return problems;
}
