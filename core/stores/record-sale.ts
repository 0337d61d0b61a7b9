import type { Settle } from '../ports';
import type { Queryable } from '../storage/database';
import type { SaleMadeElsewhere } from './store';
import { connectedStore } from './connected-store';
import { money, toDecimal } from '../money';
import { loadOutboxItem, markOutboxDone, type OutboxItem } from '../outbox/outbox';
import { findCounterSaleByPayment, recordStoreOrderOfSale } from '../payments/counter-sales';
import { findLinkSaleByPayment, recordStoreOrderOfLinkSale, storeLines } from '../payments/link-sales';

/** A paid sale made outside the store, ready for the store: what to record, and where to keep the order it became. */
interface SaleToRecord {
  label: string;
  sale: SaleMadeElsewhere;
  remember(tx: Queryable, order: { orderId: string; number: string }): Promise<void>;
}

/**
 * Records a paid counter sale or payment-link sale in the merchant's store (Shopify or WooCommerce) as a paid
 * order (the "store" queue's job for topic store.record_sale), so the store's stock falls for what
 * was sold outside it, and the sale shows the store's order number. Without a connected store there
 * is nothing to record. Safe to repeat: the store finds the order already made for the payment.
 */
export async function recordSaleInStore(settle: Settle, outboxId: string): Promise<string> {
  const item = await loadOutboxItem(settle.db, outboxId);
  if (!item || item.doneAt) return 'already done';
  const toRecord = (await counterSale(settle.db, item)) ?? (await linkSale(settle.db, item));
  if (!toRecord) throw new Error(`payment ${item.payload.paymentId} is not a counter sale or a payment link's sale`);
  const store = await connectedStore(settle, item.merchantId);
  if (!store) {
    await settle.db.transaction((tx) => markOutboxDone(tx, item.id));
    return `${toRecord.label}: no store connected`;
  }
  const order = await store.recordSaleMadeElsewhere(toRecord.sale);
  await settle.db.transaction(async (tx) => {
    await toRecord.remember(tx, order);
    await markOutboxDone(tx, item.id);
  });
  return `${toRecord.label} recorded as order ${order.number}`;
}

async function counterSale(db: Queryable, item: OutboxItem): Promise<SaleToRecord | undefined> {
  const sale = await findCounterSaleByPayment(db, item.merchantId, item.payload.paymentId ?? '');
  if (!sale) return undefined;
  const { payment } = sale;
  // A sale rung up without lines is one line: its description, for the whole amount.
  const lines = sale.lines.length
    ? sale.lines.map((l) => ({ name: l.name, quantity: l.quantity, total: money(l.amount, payment.amount.currency) }))
    : [{ name: sale.description, quantity: 1, total: payment.amount }];
  return {
    label: `counter sale ${payment.orderNumber}`,
    sale: {
      paymentId: payment.id, startedAt: sale.createdAt, transactionId: payment.processorRef, paymentTitle: 'Card at the counter (Settle)',
      lines, customer: sale.customer,
      note: `Settle: counter sale ${payment.orderNumber}, paid ${toDecimal(payment.amount)} ${payment.amount.currency} by card at the counter (${payment.processorRef}).`,
    },
    remember: (tx, order) => recordStoreOrderOfSale(tx, item.merchantId, sale.id, order),
  };
}

async function linkSale(db: Queryable, item: OutboxItem): Promise<SaleToRecord | undefined> {
  const sale = await findLinkSaleByPayment(db, item.merchantId, item.payload.paymentId ?? '');
  if (!sale) return undefined;
  const { payment } = sale;
  return {
    label: `payment link sale ${payment.orderNumber}`,
    sale: {
      paymentId: payment.id, startedAt: sale.createdAt, transactionId: payment.processorRef, paymentTitle: 'Payment link (Settle)',
      lines: storeLines(sale), customer: sale.customer,
      note: `Settle: payment link sale ${payment.orderNumber}, paid ${toDecimal(payment.amount)} ${payment.amount.currency} online by ${sale.customer.email} (${payment.processorRef}).`,
    },
    remember: (tx, order) => recordStoreOrderOfLinkSale(tx, item.merchantId, sale.id, order),
  };
}
