// Refunds. Per the fee table no part of the original fee is returned: the refund's balance
// transaction is -amount with fee 0, available at once (it is taken from the available
// balance, so the next payout is reduced by it). A refund on the 4000000000005126 card
// fails on the next clock advance: status failed, a refund_failure transaction gives the
// money back, events charge.refund.updated / refund.updated / refund.failed.
import { type Account, type StripeObject, newId, snapshot } from './store';
import type { Ctx } from './payment-intents';
import type { WebhookDispatcher } from './webhooks';
import { invalidRequest, resourceMissing } from './errors';
import { convert, threeDecimalProblem } from './fees';

type Params = Record<string, unknown>;

// The refund is converted at the same fixed sandbox rate as the charge (fees.ts).
function balanceTxn(acct: Account, now: number, presented: { amount: number; currency: string },
  type: 'refund' | 'refund_failure', source: string, description: string | null): StripeObject {
  const conv = convert(presented.amount, presented.currency, acct.defaultCurrency);
  const signed = type === 'refund' ? -conv.amount : conv.amount;
  const txn: StripeObject = {
    id: newId('txn'),
    object: 'balance_transaction',
    amount: signed,
    available_on: now,
    created: now,
    currency: acct.defaultCurrency,
    description,
    exchange_rate: conv.exchangeRate,
    fee: 0,
    fee_details: [],
    net: signed,
    reporting_category: type,
    source,
    status: 'available',
    type,
  };
  acct.balanceTransactions.set(txn.id, txn);
  return txn;
}

export function createRefund(ctx: Ctx, p: Params): StripeObject {
  const { acct, state } = ctx;
  let charge: StripeObject | undefined;
  if (typeof p.charge === 'string') {
    charge = acct.charges.get(p.charge);
    if (!charge) throw resourceMissing('charge', p.charge, 'charge');
  } else if (typeof p.payment_intent === 'string') {
    const pi = acct.paymentIntents.get(p.payment_intent);
    if (!pi) throw resourceMissing('payment_intent', p.payment_intent, 'payment_intent');
    charge = typeof pi.latest_charge === 'string' ? acct.charges.get(pi.latest_charge) : undefined;
    if (!charge || charge.status !== 'succeeded')
      throw invalidRequest(`This PaymentIntent (${pi.id}) does not have a successful charge to refund.`, { code: 'charge_not_refundable', param: 'payment_intent' });
  } else {
    throw invalidRequest('One of the following params should be provided for this request: payment_intent or charge.', { code: 'parameter_missing' });
  }
  // An authorization not captured yet is released by canceling its PaymentIntent, not refunded.
  if (charge.captured !== true)
    throw invalidRequest(`Charge ${charge.id} has not been captured; cancel its PaymentIntent to release the authorization.`, { code: 'charge_not_refundable' });
  if (charge.disputed === true)
    throw invalidRequest(`Charge ${charge.id} has been charged back; cannot issue a refund.`, { code: 'charge_disputed' });
  const remaining = Number(charge.amount) - Number(charge.amount_refunded);
  if (remaining <= 0)
    throw invalidRequest(`Charge ${charge.id} has already been refunded.`, { code: 'charge_already_refunded' });
  const amount = p.amount === undefined ? remaining : Number(p.amount);
  if (amount <= 0) throw invalidRequest('Invalid positive integer', { param: 'amount' });
  const notInTens = threeDecimalProblem(amount, String(charge.currency));
  if (notInTens) throw invalidRequest(notInTens, { param: 'amount' });
  if (amount > remaining)
    throw invalidRequest(`Refund amount (${amount}) is greater than unrefunded amount on charge (${remaining})`, { code: 'amount_too_large', param: 'amount' });

  const now = state.now();
  const id = newId('re');
  const txn = balanceTxn(acct, now, { amount, currency: String(charge.currency) }, 'refund', id, null);
  const refund: StripeObject = {
    id,
    object: 'refund',
    amount,
    balance_transaction: txn.id,
    charge: charge.id,
    created: now,
    currency: charge.currency,
    metadata: (p.metadata as Record<string, string> | undefined) || {},
    payment_intent: charge.payment_intent,
    reason: typeof p.reason === 'string' ? p.reason : null,
    receipt_number: null,
    source_transfer_reversal: null,
    status: 'succeeded',
    transfer_reversal: null,
  };
  acct.refunds.set(id, refund);
  charge.amount_refunded = Number(charge.amount_refunded) + amount;
  charge.refunded = charge.amount_refunded === charge.amount;
  ctx.hooks.emit(acct, 'charge.refunded', charge, { request: ctx.request });
  ctx.hooks.emit(acct, 'refund.created', refund, { request: ctx.request });
  return refund;
}

/** Called on clock advance: refunds of refund-failing cards fail now. */
export function failPendingRefunds(acct: Account, hooks: WebhookDispatcher, now: number) {
  for (const refund of acct.refunds.values()) {
    if (refund.status !== 'succeeded') continue;
    const charge = acct.charges.get(String(refund.charge));
    const pm = charge ? String(charge.payment_method) : '';
    if (!charge || !acct.cardBehaviour.get(pm)?.refundFails) continue;
    const previous = { status: refund.status, failure_balance_transaction: null, failure_reason: null };
    const txn = balanceTxn(acct, now, { amount: Number(refund.amount), currency: String(refund.currency) },
      'refund_failure', refund.id, 'REFUND FOR FAILED REFUND');
    Object.assign(refund, { status: 'failed', failure_balance_transaction: txn.id, failure_reason: 'expired_or_canceled_card' });
    const chargeBefore = { amount_refunded: charge.amount_refunded, refunded: charge.refunded };
    charge.amount_refunded = Number(charge.amount_refunded) - Number(refund.amount);
    charge.refunded = false;
    hooks.emit(acct, 'charge.refund.updated', refund, { previous });
    hooks.emit(acct, 'refund.updated', refund, { previous });
    hooks.emit(acct, 'refund.failed', refund);
    hooks.emit(acct, 'charge.updated', charge, { previous: snapshot(chargeBefore) });
  }
}
