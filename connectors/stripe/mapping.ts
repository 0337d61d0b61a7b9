import type Stripe from 'stripe';
import { minorUnitExponent, money, toDecimal, type Money } from '../../core/money';
import { SettleError } from '../../core/errors';
import { BILLING_EVENTS, billingEventFrom } from './billing-mapping';
import type { BalanceMovement, DisputeEvidence, DisputeFacts, PaymentFacts, PayoutFacts, ProcessorEvent, RefundFacts } from '../../core/payments/processor';

/** Stripe amounts are already integer minor units; only the currency's case differs from ours. */
export const stripeMoney = (amount: number, currency: string) => money(amount, currency.toUpperCase());

/**
 * Minor units as Stripe takes them. Stripe accepts three-decimal currencies (KWD, BHD, …) only in
 * steps of ten (the last digit 0), and asks integrations to round; Settle does not round a shopper's
 * order behind the merchant's back: such an amount is refused here, before Stripe is called.
 */
export function stripeAmount(value: Money): number {
  if (minorUnitExponent(value.currency) === 3 && value.amount % 10 !== 0) {
    throw new SettleError('amount_not_chargeable',
      `Stripe takes ${value.currency} only in steps of 0.010 ${value.currency} (the last of the three decimals must be 0), so ${toDecimal(value)} ${value.currency} cannot be charged or refunded as it is. Round the amount to 0.010 ${value.currency}.`, 422);
  }
  return value.amount;
}

const idOf = (value: string | { id: string } | null | undefined) => (value == null ? null : typeof value === 'string' ? value : value.id);

/** The payment intent behind a balance transaction's source (a charge, refund or dispute), when expanded. */
function paymentRefOf(source: Stripe.BalanceTransaction['source']): string | null {
  if (!source || typeof source === 'string') return null;
  const withIntent = source as { payment_intent?: string | { id: string } | null };
  return idOf(withIntent.payment_intent);
}

export function movementFrom(txn: Stripe.BalanceTransaction, paymentRef: string | null = paymentRefOf(txn.source)): BalanceMovement {
  return {
    id: txn.id,
    category: txn.reporting_category,
    amount: stripeMoney(txn.amount, txn.currency),
    fee: stripeMoney(txn.fee, txn.currency),
    net: stripeMoney(txn.net, txn.currency),
    feeDetails: txn.fee_details.map((f) => ({ type: f.type, description: f.description, amount: stripeMoney(f.amount, f.currency) })),
    exchangeRate: txn.exchange_rate == null ? null : String(txn.exchange_rate),
    sourceId: idOf(txn.source),
    paymentRef,
    occurredAt: new Date(txn.created * 1000),
    availableOn: new Date(txn.available_on * 1000),
    description: txn.description,
  };
}

/** The captured charge's balance transaction, when the intent was read with it expanded. */
function saleMovementOf(intent: Stripe.PaymentIntent): BalanceMovement | null {
  const charge = intent.latest_charge;
  if (!charge || typeof charge === 'string' || !charge.captured) return null;
  const txn = charge.balance_transaction;
  return txn && typeof txn !== 'string' ? movementFrom(txn, intent.id) : null;
}

const PAYMENT_STATUS: Partial<Record<string, PaymentFacts['status']>> = {
  requires_payment_method: 'awaiting_payment',
  requires_confirmation: 'awaiting_payment',
  requires_action: 'awaiting_payment',
  processing: 'processing',
  requires_capture: 'authorized',
  succeeded: 'succeeded',
  canceled: 'canceled',
};

export function paymentFactsFrom(intent: Stripe.PaymentIntent): PaymentFacts {
  return {
    processorRef: intent.id,
    // A status newer than this mapping is treated as not paid yet: nothing is posted for it.
    status: PAYMENT_STATUS[intent.status] ?? 'awaiting_payment',
    capturable: stripeMoney(intent.amount_capturable, intent.currency),
    received: stripeMoney(intent.amount_received, intent.currency),
    // Stripe cancels an authorization left uncaptured for 7 days with the reason "automatic".
    expired: intent.status === 'canceled' && intent.cancellation_reason === 'automatic',
    failureMessage: intent.last_payment_error ? failureMessageOf(intent.last_payment_error, chargeOf(intent)) : null,
    declineCode: intent.last_payment_error ? declineCodeOf(intent.last_payment_error, chargeOf(intent)) : null,
    methodType: methodTypeOf(chargeOf(intent)),
    sale: saleMovementOf(intent),
    // API 2023-08-16 names the invoice an intent pays (stripe@23's types no longer do).
    invoiceRef: idOf((intent as unknown as { invoice?: string | { id: string } | null }).invoice),
  };
}

/** The decline's code: the card's decline_code, else the error's; a bank debit that failed later has its bank's reason on the charge. */
function declineCodeOf(error: { code?: string; decline_code?: string }, charge: Stripe.Charge | null): string | null {
  if (error.code === 'payment_intent_payment_attempt_failed') return charge?.failure_code ?? error.code;
  return error.decline_code || error.code || null;
}

/** Stripe's method type; for a card in Apple Pay / Google Pay, the wallet (Stripe marks it on the card). */
function methodTypeOf(charge: Stripe.Charge | null): string | null {
  const details = charge?.payment_method_details;
  return details?.card?.wallet?.type ?? details?.type ?? null;
}

const chargeOf = (intent: Stripe.PaymentIntent) => (intent.latest_charge && typeof intent.latest_charge !== 'string' ? intent.latest_charge : null);

/** Stripe's own message, except where it speaks to a developer rather than the merchant. */
export function failureMessageOf(error: { code?: string; message?: string }, charge: Stripe.Charge | null = null): string {
  if (error.code === 'payment_intent_authentication_failure') return 'The shopper did not complete their bank’s verification (3-D Secure).';
  if (error.code === 'authentication_required') {
    return 'The customer’s bank wants them to confirm this payment (3-D Secure). Send them the payment link to authenticate it.';
  }
  // A bank debit that failed days later: the intent only says "the attempt failed"; the bank's reason is on the charge.
  if (error.code === 'payment_intent_payment_attempt_failed') {
    const reason = charge?.failure_message;
    return charge?.payment_method_details?.type === 'sepa_debit'
      ? `The shopper's bank refused the SEPA direct debit${reason ? `: ${reason}` : '.'}`
      : `The payment failed${reason ? `: ${reason}` : '.'}`;
  }
  return error.message ?? 'The payment was declined.';
}

export function refundFactsFrom(refund: Stripe.Refund): RefundFacts {
  const paymentRef = idOf(refund.payment_intent);
  if (!paymentRef) throw new Error(`refund ${refund.id} belongs to no payment intent`);
  return {
    refundId: refund.id,
    paymentRef,
    amount: stripeMoney(refund.amount, refund.currency),
    status: (refund.status ?? 'pending') as RefundFacts['status'],
    failureReason: refund.failure_reason ?? null,
    settleRefundId: refund.metadata?.settle_refund ?? null,
    reason: refund.metadata?.settle_reason ?? refund.reason ?? null,
    movementIds: [idOf(refund.balance_transaction), idOf(refund.failure_balance_transaction)].filter((id): id is string => id !== null),
  };
}

export function disputeFactsFrom(dispute: Stripe.Dispute): DisputeFacts {
  const paymentRef = idOf(dispute.payment_intent);
  if (!paymentRef) throw new Error(`dispute ${dispute.id} belongs to no payment intent`);
  return {
    disputeId: dispute.id,
    paymentRef,
    amount: stripeMoney(dispute.amount, dispute.currency),
    status: dispute.status,
    reason: dispute.reason,
    evidenceDueBy: dispute.evidence_details?.due_by ? new Date(dispute.evidence_details.due_by * 1000) : null,
    movements: dispute.balance_transactions.map((t) => movementFrom(t, paymentRef)),
  };
}

export function payoutFactsFrom(payout: Stripe.Payout, transactions: Stripe.BalanceTransaction[], failureMovement: BalanceMovement | null = null): PayoutFacts {
  const failed = payout.status === 'failed' || payout.failure_code !== null;
  return {
    payoutId: payout.id,
    amount: stripeMoney(payout.amount, payout.currency),
    status: payout.status,
    arrivedAt: new Date(payout.arrival_date * 1000),
    failure: failed ? { code: payout.failure_code, message: payout.failure_message } : null,
    failureMovement,
    reconciliationStatus: payout.reconciliation_status ?? null,
    movements: transactions.map((t) => movementFrom(t)),
  };
}

/** The text fields of Stripe's dispute evidence that Settle's form fills, from core's names. */
export function disputeEvidenceParams(evidence: DisputeEvidence): Stripe.DisputeUpdateParams.Evidence {
  const fields: Record<keyof DisputeEvidence, keyof Stripe.DisputeUpdateParams.Evidence> = {
    customerName: 'customer_name', customerEmailAddress: 'customer_email_address', productDescription: 'product_description',
    shippingCarrier: 'shipping_carrier', shippingTrackingNumber: 'shipping_tracking_number', shippingDate: 'shipping_date',
    explanation: 'uncategorized_text',
  };
  const params: Record<string, string> = {};
  for (const [ours, theirs] of Object.entries(fields) as [keyof DisputeEvidence, string][]) {
    const value = evidence[ours]?.trim();
    if (value) params[theirs] = value;
  }
  return params;
}

const REFUND_EVENTS = new Set(['refund.created', 'refund.updated', 'refund.failed', 'charge.refund.updated']);
const DISPUTE_EVENTS = new Set([
  'charge.dispute.created', 'charge.dispute.updated', 'charge.dispute.closed', 'charge.dispute.funds_withdrawn', 'charge.dispute.funds_reinstated',
]);
const PAYOUT_EVENTS = new Set(['payout.paid', 'payout.failed', 'payout.canceled', 'payout.updated', 'payout.reconciliation_completed']);

/** An authorization held, or released (canceled by the merchant, or expired after 7 days); a bank debit submitted. */
const PAYMENT_CHANGED_EVENTS = new Set(['payment_intent.amount_capturable_updated', 'payment_intent.canceled', 'payment_intent.processing']);

/** The webhook events Settle asks Stripe for: the ones it acts on, and no others. */
export const STRIPE_EVENTS = [
  'payment_intent.succeeded', 'payment_intent.payment_failed', ...PAYMENT_CHANGED_EVENTS, ...REFUND_EVENTS, ...DISPUTE_EVENTS, ...PAYOUT_EVENTS,
  ...BILLING_EVENTS,
];

/** What core acts on, from a verified Stripe event. Other event types are recorded and ignored. */
export function processorEventFrom(event: Stripe.Event): ProcessorEvent {
  const object = event.data.object as { id: string; last_payment_error?: { code?: string; message?: string } | null };
  if (event.type === 'payment_intent.succeeded') return { kind: 'payment_succeeded', processorRef: object.id };
  if (event.type === 'payment_intent.payment_failed') {
    return { kind: 'payment_failed', processorRef: object.id, message: failureMessageOf(object.last_payment_error ?? {}) };
  }
  if (PAYMENT_CHANGED_EVENTS.has(event.type)) return { kind: 'payment_changed', processorRef: object.id };
  if (REFUND_EVENTS.has(event.type)) return { kind: 'refund_changed', refundId: object.id };
  if (DISPUTE_EVENTS.has(event.type)) return { kind: 'dispute_changed', disputeId: object.id };
  if (PAYOUT_EVENTS.has(event.type)) return { kind: 'payout_changed', payoutId: object.id };
  // Sent to the platform (Connect) when the account's owner removes Settle from their Stripe account.
  if (event.type === 'account.application.deauthorized') return { kind: 'access_revoked', accountId: event.account ?? null };
  const billing = billingEventFrom(event.type, object.id);
  if (billing) return billing;
  return { kind: 'ignored', reason: `${event.type} is not used` };
}
