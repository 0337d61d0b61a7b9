import type Stripe from 'stripe';
import { money } from '../../core/money';
import type { PayoutFacts, ProcessorEvent, SettledCharge } from '../../core/payments/processor';

/** Stripe amounts are already integer minor units; only the currency's case differs from ours. */
export const stripeMoney = (amount: number, currency: string) => money(amount, currency.toUpperCase());

export function settledChargeFrom(intent: Stripe.PaymentIntent): SettledCharge {
  const charge = intent.latest_charge;
  if (!charge || typeof charge === 'string') throw new Error(`payment ${intent.id} has no expanded charge`);
  const txn = charge.balance_transaction;
  if (!txn || typeof txn === 'string') throw new Error(`charge ${charge.id} has no expanded balance transaction`);
  return {
    processorRef: intent.id,
    chargeId: charge.id,
    balanceTransactionId: txn.id,
    gross: stripeMoney(txn.amount, txn.currency),
    fee: stripeMoney(txn.fee, txn.currency),
    net: stripeMoney(txn.net, txn.currency),
    presented: stripeMoney(charge.amount, charge.currency),
    settledAt: new Date(txn.created * 1000),
  };
}

export function payoutFactsFrom(payout: Stripe.Payout, transactions: Stripe.BalanceTransaction[]): PayoutFacts {
  return {
    payoutId: payout.id,
    amount: stripeMoney(payout.amount, payout.currency),
    arrivedAt: new Date(payout.arrival_date * 1000),
    // The payout's own balance transaction is the money leaving; the rest are what it carries.
    balanceTransactionIds: transactions.filter((t) => t.type !== 'payout').map((t) => t.id),
  };
}

/** What core acts on, from a verified Stripe event. Other event types are recorded and ignored. */
export function processorEventFrom(event: Stripe.Event): ProcessorEvent {
  switch (event.type) {
    case 'payment_intent.succeeded':
      return { kind: 'payment_succeeded', processorRef: event.data.object.id };
    case 'payment_intent.payment_failed':
      return {
        kind: 'payment_failed',
        processorRef: event.data.object.id,
        message: event.data.object.last_payment_error?.message ?? 'The payment was declined.',
      };
    case 'payout.paid':
      return { kind: 'payout_paid', payoutId: event.data.object.id };
    default:
      return { kind: 'ignored', reason: `${event.type} is not used yet` };
  }
}
