import type { Queryable } from '../storage/database';
import { newId } from '../ids';
import { findPaymentByProcessorRef, insertPayment, type Payment } from '../payments/payments';
import type { InvoiceFacts } from '../payments/processor';
import { findSubscriptionFor } from './subscriptions';

/**
 * The Settle payment for one invoice of a Settle subscription, made the first time the invoice is
 * seen charged (whichever webhook comes first: the invoice's or its payment's) and found after.
 * The invoice stands for the order (order id = the invoice's id, number = the invoice number):
 * there is no store order, so the sale is posted whole as income and no store is told.
 * Undefined for an invoice of a subscription Settle did not create.
 */
export async function paymentForInvoice(db: Queryable, merchantId: string, invoice: InvoiceFacts): Promise<Payment | undefined> {
  if (!invoice.paymentRef) return undefined;
  const existing = await findPaymentByProcessorRef(db, merchantId, invoice.paymentRef);
  if (existing) return existing;
  const subscription = await findSubscriptionFor(db, merchantId, { settleId: invoice.settleSubscriptionId, processorRef: invoice.subscriptionRef });
  if (!subscription) return undefined;
  return insertPayment(db, {
    id: newId('pay'),
    merchantId,
    storePlatform: 'subscription',
    orderId: invoice.invoiceRef,
    orderNumber: invoice.number ?? invoice.invoiceRef,
    amount: invoice.amount,
    processorRef: invoice.paymentRef,
    customerId: subscription.customerId,
    subscriptionId: subscription.id,
    offSession: true,
  });
}
