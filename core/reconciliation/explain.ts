import { money, toDecimal } from '../money';

/** The kinds of disagreement the three-way match finds. */
export type ExceptionKind =
  | 'paid_order_not_updated'
  | 'order_paid_without_payment'
  | 'amount_mismatch'
  | 'refund_missing_in_store'
  | 'refund_missing_in_processor'
  | 'books_entry_missing'
  | 'books_entry_edited'
  | 'payout_unexplained';

/** The figures the match recorded for an exception (see match-sql.ts), as stored in `details`. */
export type ExceptionDetails = Record<string, string | number | boolean | null>;

const show = (amount: unknown, currency: unknown) =>
  typeof amount === 'number' && typeof currency === 'string' ? `${toDecimal(money(amount, currency))} ${currency}` : 'an unknown amount';

const orderName = (d: ExceptionDetails) => (d.orderNumber ? `Order #${d.orderNumber}` : `Order ${d.orderId ?? '(unknown)'}`);

/**
 * The exception in a merchant's words: what each system says, naming the order and the amounts,
 * and what Settle suggests. Written from the stored figures, so it is the same wherever it is read.
 */
export function explain(kind: ExceptionKind, d: ExceptionDetails): string {
  switch (kind) {
    case 'paid_order_not_updated':
      return `${orderName(d)} was paid ${show(d.paid, d.currency)} in Stripe (${d.processorRef}), but the store still shows it unpaid. Retry marks it paid in the store.`;
    case 'order_paid_without_payment':
      return `${orderName(d)} is marked paid in the store (${show(d.storeTotal, d.storeCurrency)}), but Stripe has no successful payment for it` +
        (d.paymentStatus ? ` (the Settle payment is ${String(d.paymentStatus).replace('_', ' ')}).` : '.') +
        ' Check how the customer paid; re-fetch after fixing the order, or accept with a note if it was paid another way.';
    case 'amount_mismatch':
      return d.storeCurrency !== d.currency
        ? `${orderName(d)} is in ${d.storeCurrency} in the store, but Stripe took ${show(d.paid, d.currency)}.`
        : `${orderName(d)} totals ${show(d.storeTotal, d.storeCurrency)} in the store, but Stripe took ${show(d.paid, d.currency)}: a difference of ${show(Number(d.storeTotal) - Number(d.paid), d.currency)}.`;
    case 'refund_missing_in_store':
      return `Stripe refunded ${show(d.stripeRefunded, d.currency)} on ${orderName(d).toLowerCase()}, but the store shows ${show(d.storeRefunded, d.storeCurrency)} refunded. Retry shows the refund on the order.`;
    case 'refund_missing_in_processor':
      return `The store shows ${show(d.storeRefunded, d.storeCurrency)} refunded on ${orderName(d).toLowerCase()}, but Stripe refunded only ${show(d.stripeRefunded, d.currency)}: the customer may not have their money back.`;
    case 'books_entry_missing':
      return d.documentId
        ? `The ${d.category === 'refund' ? 'refund' : 'sale'} of ${show(d.amount, d.currency)} for ${orderName(d).toLowerCase()} was posted to the books as ${d.documentType} ${d.documentId}, which the books no longer have. Restore it in the books, or accept with a note.`
        : `The ${d.category === 'refund' ? 'refund' : 'sale'} of ${show(d.amount, d.currency)} for ${orderName(d).toLowerCase()} is not in the books. Retry posts it.`;
    case 'books_entry_edited':
      return `${d.documentType} ${d.documentId} for ${orderName(d).toLowerCase()} was posted as ${show(d.postedAmount, d.currency)} but the books now show ${show(d.booksAmount, d.booksCurrency)}: it was edited after Settle posted it.`;
    case 'payout_unexplained':
      return `Payout ${d.payoutId} of ${show(d.amount, d.currency)} is not explained: the ${d.lines} lines it carried net to ${show(d.linesNet, d.currency)}, leaving ${show(Number(d.amount) - Number(d.linesNet), d.currency)}.`;
  }
}
