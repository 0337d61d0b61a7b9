// Disputes, per the fee table: when a dispute opens, the charge amount and a $15.00 dispute
// fee are withdrawn at once (one adjustment transaction, reporting_category dispute); if the
// dispute is won both come back (reporting_category dispute_reversal). JPY has no dispute
// fee in the table, so none is charged there. Stripe's test flow drives it: the card
// 4000000000000259 is disputed right after it succeeds; updating the dispute with
// evidence[uncategorized_text]=winning_evidence / losing_evidence closes it won / lost;
// POST /v1/disputes/:id/close accepts (loses) it. Evidence of any other text is submitted for
// review (status under_review); the bank's decision then comes from the sandbox's control
// endpoint POST /_sandbox/disputes/:id/decide {outcome: won | lost}, as a real bank's would, later.
import { type Account, type StripeObject, newId, snapshot } from './store';
import type { RequestInfo, WebhookDispatcher } from './webhooks';
import { invalidRequest } from './errors';

const DISPUTE_FEE: Record<string, number> = { usd: 1500 };
const EVIDENCE_FIELDS = ['access_activity_log', 'billing_address', 'cancellation_policy', 'cancellation_policy_disclosure',
  'cancellation_rebuttal', 'customer_communication', 'customer_email_address', 'customer_name', 'customer_purchase_ip',
  'customer_signature', 'duplicate_charge_documentation', 'duplicate_charge_explanation', 'duplicate_charge_id',
  'product_description', 'receipt', 'refund_policy', 'refund_policy_disclosure', 'refund_refusal_explanation',
  'service_date', 'service_documentation', 'shipping_address', 'shipping_carrier', 'shipping_date',
  'shipping_documentation', 'shipping_tracking_number', 'uncategorized_file', 'uncategorized_text'];

function adjustment(acct: Account, now: number, disputeId: string, amount: number, fee: number, category: string): StripeObject {
  const currency = acct.defaultCurrency;
  const txn: StripeObject = {
    id: newId('txn'),
    object: 'balance_transaction',
    amount,
    available_on: now,
    created: now,
    currency,
    description: category === 'dispute' ? `Chargeback withdrawal for ${disputeId}` : `Chargeback reversal for ${disputeId}`,
    exchange_rate: null,
    fee,
    fee_details: fee === 0 ? [] : [{ amount: fee, application: null, currency, description: 'Dispute fee', type: 'stripe_fee' }],
    net: amount - fee,
    reporting_category: category,
    source: disputeId,
    status: 'available',
    type: 'adjustment',
  };
  acct.balanceTransactions.set(txn.id, txn);
  return txn;
}

/** Open a dispute on a just-succeeded charge; funds and fee leave the balance now. */
export function openDispute(acct: Account, hooks: WebhookDispatcher, charge: StripeObject, settled: number, now: number, request: RequestInfo) {
  const id = newId('dp');
  const fee = DISPUTE_FEE[acct.defaultCurrency] ?? 0;
  const txn = adjustment(acct, now, id, -settled, fee, 'dispute');
  const card = (charge.payment_method_details as { card: { brand: string } }).card;
  const dispute: StripeObject = {
    id,
    object: 'dispute',
    amount: charge.amount,
    balance_transactions: [txn],
    charge: charge.id,
    created: now,
    currency: charge.currency,
    evidence: Object.fromEntries(EVIDENCE_FIELDS.map((f) => [f, null])),
    evidence_details: { due_by: now + 7 * 86400, has_evidence: false, past_due: false, submission_count: 0 },
    is_charge_refundable: false,
    livemode: false,
    metadata: {},
    payment_intent: charge.payment_intent,
    payment_method_details: { card: { brand: card.brand, network_reason_code: '10.4' }, type: 'card' },
    reason: 'fraudulent',
    status: 'needs_response',
  };
  acct.disputes.set(id, dispute);
  charge.disputed = true;
  hooks.emit(acct, 'charge.dispute.created', dispute, { request });
  hooks.emit(acct, 'charge.dispute.funds_withdrawn', dispute, { request });
}

function close(acct: Account, hooks: WebhookDispatcher, dispute: StripeObject, outcome: 'won' | 'lost', now: number, request: RequestInfo) {
  const previous = { status: dispute.status };
  dispute.status = outcome;
  if (outcome === 'won') {
    const withdrawal = (dispute.balance_transactions as StripeObject[])[0];
    if (!withdrawal) throw new Error(`sandbox bug: dispute ${dispute.id} has no withdrawal`);
    const back = adjustment(acct, now, dispute.id, -Number(withdrawal.amount), -Number(withdrawal.fee), 'dispute_reversal');
    (dispute.balance_transactions as StripeObject[]).push(back);
    hooks.emit(acct, 'charge.dispute.funds_reinstated', dispute, { request });
  }
  hooks.emit(acct, 'charge.dispute.updated', dispute, { previous, request });
  hooks.emit(acct, 'charge.dispute.closed', dispute, { request });
}

const assertOpen = (d: StripeObject) => {
  if (d.status === 'won' || d.status === 'lost')
    throw invalidRequest(`This dispute is already closed (status ${String(d.status)}).`, { code: 'resource_already_exists' });
};

export function updateDispute(acct: Account, hooks: WebhookDispatcher, dispute: StripeObject, p: Record<string, unknown>,
  now: number, request: RequestInfo): StripeObject {
  assertOpen(dispute);
  const evidence = (p.evidence ?? {}) as Record<string, unknown>;
  Object.assign(dispute.evidence as object, evidence);
  if (p.metadata) dispute.metadata = { ...(dispute.metadata as object), ...(p.metadata as object) };
  const details = dispute.evidence_details as Record<string, unknown>;
  if (Object.keys(evidence).length > 0) details.has_evidence = true;
  const text = evidence.uncategorized_text;
  if (text === 'winning_evidence' || text === 'losing_evidence') {
    details.submission_count = Number(details.submission_count) + 1;
    close(acct, hooks, dispute, text === 'winning_evidence' ? 'won' : 'lost', now, request);
  } else if (p.submit !== false && Object.keys(evidence).length > 0) {
    const previous = { status: dispute.status };
    details.submission_count = Number(details.submission_count) + 1;
    dispute.status = 'under_review';
    hooks.emit(acct, 'charge.dispute.updated', dispute, { previous: snapshot(previous), request });
  }
  return dispute;
}

export function acceptDispute(acct: Account, hooks: WebhookDispatcher, dispute: StripeObject, now: number, request: RequestInfo) {
  assertOpen(dispute);
  close(acct, hooks, dispute, 'lost', now, request);
  return dispute;
}

/** The bank decides a dispute under review (the sandbox's stand-in for weeks of waiting). */
export function decideDispute(acct: Account, hooks: WebhookDispatcher, dispute: StripeObject, outcome: unknown, now: number) {
  if (outcome !== 'won' && outcome !== 'lost') throw new Error('outcome must be won or lost');
  if (dispute.status !== 'under_review') throw new Error(`dispute ${String(dispute.id)} is ${String(dispute.status)}, not under_review: submit evidence first`);
  close(acct, hooks, dispute, outcome, now, { id: null, idempotency_key: null });
  return dispute;
}
