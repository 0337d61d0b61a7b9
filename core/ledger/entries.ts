import type { Payment } from '../payments/payments';
import type { BalanceMovement } from '../payments/processor';
import type { StoreOrder } from '../stores/store';
import { money, type Money } from '../money';
import type { AccountRole } from './accounts';
import { credit, debit, type JournalKind, type NewJournalEntry, type Posting } from './journal';

/**
 * Where each kind of balance movement lands. Every movement posts the same shape — clearing
 * changes by `net`, the fee account by `fee`, the counter account by `-amount` — so the ledger
 * is a fold of the processor's balance transactions and always balances (amount - fee = net).
 */
const COUNTER_ACCOUNT: Record<string, { counter: AccountRole; fee: AccountRole; kind: JournalKind; describe: string }> = {
  charge: { counter: 'income', fee: 'processing_fees', kind: 'sale', describe: 'Sale' },
  refund: { counter: 'income', fee: 'processing_fees', kind: 'refund', describe: 'Refund' },
  refund_failure: { counter: 'income', fee: 'processing_fees', kind: 'refund_failure', describe: 'Failed refund returned' },
  dispute: { counter: 'dispute_losses', fee: 'dispute_fees', kind: 'dispute', describe: 'Dispute: funds withdrawn' },
  dispute_reversal: { counter: 'dispute_losses', fee: 'dispute_fees', kind: 'dispute_reversal', describe: 'Dispute won: funds returned' },
  payout: { counter: 'bank', fee: 'processing_fees', kind: 'payout', describe: 'Payout to the bank' },
  payout_reversal: { counter: 'bank', fee: 'processing_fees', kind: 'payout_reversal', describe: 'Payout returned by the bank' },
  fee: { counter: 'processing_fees', fee: 'processing_fees', kind: 'fee', describe: 'Stripe fee' },
};
const OTHER = { counter: 'processor_adjustments', fee: 'processing_fees', kind: 'adjustment', describe: 'Stripe adjustment' } as const;

/** What a movement is about, as far as Settle knows it (a sale taken outside Settle has no payment). */
export interface MovementContext {
  payment?: Payment;
  order?: StoreOrder;
}

export function movementEntry(merchantId: string, movement: BalanceMovement, context: MovementContext = {}): NewJournalEntry {
  const rule = COUNTER_ACCOUNT[movement.category] ?? OTHER;
  const { payment, order } = context;
  const counter = movement.category === 'charge' ? saleCredits(movement.amount, order) : [credit(rule.counter, movement.amount)];
  const sale = payment?.storePlatform === 'link' ? 'payment link sale' : payment?.salesChannel === 'in_person' ? 'counter sale' : 'order';
  const about = payment ? `${sale} ${payment.orderNumber}` : (movement.sourceId ?? movement.id);
  return {
    merchantId,
    kind: rule.kind,
    sourceRef: `stripe:${movement.id}`,
    paymentId: payment?.id,
    description: `${rule.describe}: ${about}`,
    occurredAt: movement.occurredAt,
    postings: [debit('stripe_clearing', movement.net), debit(rule.fee, movement.fee), ...counter],
  };
}

/**
 * A sale's gross is credited to income, shipping income and sales tax as the store's order splits
 * it. The split is taken from the order only when the order is in the settlement currency and for
 * the same amount; a converted sale is all income (the order's parts are in another currency).
 */
function saleCredits(gross: Money, order: StoreOrder | undefined): Posting[] {
  const sameMoney = order && order.total.currency === gross.currency && order.total.amount === gross.amount;
  const shipping = sameMoney ? order.shippingTotal.amount : 0;
  const tax = sameMoney ? order.taxTotal.amount : 0;
  return [
    credit('income', money(gross.amount - shipping - tax, gross.currency)),
    credit('shipping_income', money(shipping, gross.currency)),
    credit('sales_tax_payable', money(tax, gross.currency)),
  ];
}
