// Moving the sandbox clock: pending funds whose available_on has passed become available,
// then each account gets one automatic payout per currency carrying every available
// balance transaction not yet paid out (payout amount = sum of their nets, exactly).
import { type Account, type SandboxState, type StripeObject, newId, snapshot } from './store';
import type { WebhookDispatcher } from './webhooks';
import { failPendingRefunds } from './refunds';
import { expireAuthorizations } from './capture';
import { settleDebits } from './sepa-debit';

const DAY = 86_400;

export function advanceClock(state: SandboxState, hooks: WebhookDispatcher, seconds: number): number {
  const now = state.advance(seconds);
  for (const acct of state.accounts.values()) {
    failPendingRefunds(acct, hooks, now);
    expireAuthorizations(acct, hooks, now);
    settleDebits(acct, hooks, now);
    for (const txn of acct.balanceTransactions.values()) {
      if (txn.status === 'pending' && Number(txn.available_on) <= now) txn.status = 'available';
    }
    runAutomaticPayouts(state, hooks, acct, now);
  }
  return now;
}

function runAutomaticPayouts(state: SandboxState, hooks: WebhookDispatcher, acct: Account, now: number) {
  const byCurrency = new Map<string, StripeObject[]>();
  for (const txn of acct.balanceTransactions.values()) {
    if (txn.status !== 'available' || acct.paidOutBy.has(txn.id) || txn.type === 'payout') continue;
    const list = byCurrency.get(String(txn.currency)) ?? [];
    list.push(txn);
    byCurrency.set(String(txn.currency), list);
  }
  for (const [currency, txns] of byCurrency) {
    const amount = txns.reduce((sum, t) => sum + Number(t.net), 0);
    // Stripe only pays out a positive available balance; a negative one waits.
    if (amount <= 0) continue;
    const payoutId = newId('po');
    const payoutTxn: StripeObject = {
      id: newId('txn'),
      object: 'balance_transaction',
      amount: -amount,
      available_on: now,
      created: now,
      currency,
      description: 'STRIPE PAYOUT',
      exchange_rate: null,
      fee: 0,
      fee_details: [],
      net: -amount,
      reporting_category: 'payout',
      source: payoutId,
      status: 'available',
      type: 'payout',
    };
    const payout: StripeObject = {
      id: payoutId,
      object: 'payout',
      amount,
      // Arrival is the payout day (midnight UTC), as Stripe stamps arrival dates.
      arrival_date: Math.floor(now / DAY) * DAY,
      automatic: true,
      balance_transaction: payoutTxn.id,
      created: now,
      currency,
      description: 'STRIPE PAYOUT',
      destination: acct.bankAccountId,
      failure_balance_transaction: null,
      failure_code: null,
      failure_message: null,
      livemode: false,
      metadata: {},
      method: 'standard',
      original_payout: null,
      // Stripe matches an automatic payout's transactions after it is paid (payout.reconciliation_completed).
      reconciliation_status: 'in_progress',
      reversed_by: null,
      source_type: 'card',
      statement_descriptor: null,
      status: 'in_transit',
      type: 'bank_account',
    };
    acct.balanceTransactions.set(payoutTxn.id, payoutTxn);
    acct.payouts.set(payout.id, payout);
    // The payout's own transaction is listed under ?payout= as well, as Stripe does for
    // automatic payouts; readers sum the non-payout lines to explain the amount.
    for (const t of [...txns, payoutTxn]) acct.paidOutBy.set(t.id, payout.id);
    hooks.emit(acct, 'payout.created', payout);
    const before = snapshot(payout);
    payout.status = 'paid';
    hooks.emit(acct, 'payout.updated', payout, { previous: { status: before.status } });
    hooks.emit(acct, 'payout.paid', payout);
    payout.reconciliation_status = 'completed';
    hooks.emit(acct, 'payout.reconciliation_completed', payout, { previous: { reconciliation_status: 'in_progress' } });
  }
}

/** Stripe's failure codes the sandbox can return a payout with, and the message Stripe gives for each. */
const PAYOUT_FAILURES: Record<string, string> = {
  account_closed: 'The bank account has been closed.',
  account_frozen: 'The bank account has been frozen.',
  no_account: 'The bank account details on file are probably incorrect. No bank account could be located with those details.',
  could_not_process: 'The bank could not process this payout.',
};

/**
 * The bank returns a paid payout (POST /_sandbox/payouts/:id/fail): the payout becomes failed with
 * the code and message, and a payout_failure transaction (reporting category payout_reversal) puts
 * the amount back in the available balance, where the next automatic payout picks it up.
 */
export function failPayout(state: SandboxState, hooks: WebhookDispatcher, acct: Account, payout: StripeObject, code: unknown = 'account_closed') {
  const failureCode = String(code);
  const message = PAYOUT_FAILURES[failureCode];
  if (!message) throw new Error(`failure_code must be one of ${Object.keys(PAYOUT_FAILURES).join(', ')}`);
  if (payout.status !== 'paid' && payout.status !== 'in_transit') throw new Error(`payout ${String(payout.id)} is ${String(payout.status)}: only a paid or in-transit payout can fail`);
  const now = state.now();
  const txn: StripeObject = {
    id: newId('txn'),
    object: 'balance_transaction',
    amount: Number(payout.amount),
    available_on: now,
    created: now,
    currency: payout.currency,
    description: `Payout failure (${failureCode})`,
    exchange_rate: null,
    fee: 0,
    fee_details: [],
    net: Number(payout.amount),
    reporting_category: 'payout_reversal',
    source: payout.id,
    status: 'available',
    type: 'payout_failure',
  };
  acct.balanceTransactions.set(txn.id, txn);
  const previous = { status: payout.status, failure_balance_transaction: null, failure_code: null, failure_message: null };
  Object.assign(payout, { status: 'failed', failure_balance_transaction: txn.id, failure_code: failureCode, failure_message: message });
  hooks.emit(acct, 'payout.updated', payout, { previous });
  hooks.emit(acct, 'payout.failed', payout);
  return payout;
}
