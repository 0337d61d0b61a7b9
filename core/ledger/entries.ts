import type { Payment } from '../payments/payments';
import type { PayoutFacts, SettledCharge } from '../payments/processor';
import type { StoreOrder } from '../stores/store';
import { money } from '../money';
import { credit, debit, type NewJournalEntry } from './journal';

/**
 * A sale as the books see it: the processor holds the net in clearing, the fee is an expense, and
 * the gross is credited to income, shipping income and sales tax as the store's order splits it.
 * The split is taken from the order only when it is in the settlement currency; a converted sale is
 * all income (the order's parts are in another currency).
 */
export function saleEntry(merchantId: string, payment: Payment, charge: SettledCharge, order: StoreOrder): NewJournalEntry {
  const currency = charge.gross.currency;
  const sameCurrency = order.total.currency === currency && order.total.amount === charge.gross.amount;
  const shipping = sameCurrency ? order.shippingTotal.amount : 0;
  const tax = sameCurrency ? order.taxTotal.amount : 0;
  return {
    merchantId,
    kind: 'sale',
    sourceRef: `stripe:${charge.balanceTransactionId}`,
    paymentId: payment.id,
    description: `Sale: order ${payment.orderNumber}`,
    occurredAt: charge.settledAt,
    postings: [
      debit('stripe_clearing', charge.net),
      debit('processing_fees', charge.fee),
      credit('income', money(charge.gross.amount - shipping - tax, currency)),
      credit('shipping_income', money(shipping, currency)),
      credit('sales_tax_payable', money(tax, currency)),
    ],
  };
}

/** A payout moves money from the processor's clearing account to the merchant's bank. */
export function payoutEntry(merchantId: string, payout: PayoutFacts): NewJournalEntry {
  return {
    merchantId,
    kind: 'payout',
    sourceRef: `stripe:${payout.payoutId}`,
    description: `Payout ${payout.payoutId}`,
    occurredAt: payout.arrivedAt,
    postings: [debit('bank', payout.amount), credit('stripe_clearing', payout.amount)],
  };
}
