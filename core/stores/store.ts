import type { Money } from '../money';

export interface StoreOrderLine {
  name: string;
  sku: string;
  quantity: number;
  total: Money;
}

/** A store's order as core needs it: what the shopper owes and what it is made of. */
export interface StoreOrder {
  id: string;
  number: string;
  status: string;
  /** False once the store considers it paid (or cancelled): Settle must not take money for it. */
  needsPayment: boolean;
  total: Money;
  itemsTotal: Money;
  shippingTotal: Money;
  taxTotal: Money;
  lines: StoreOrderLine[];
  customer: { email: string; name: string };
}

/** The orders-and-inventory port: one merchant's store (WooCommerce, Shopify). */
export interface Store {
  readonly platform: 'woocommerce' | 'shopify';
  getOrder(orderId: string): Promise<StoreOrder>;
  /**
   * Marks the order paid the way the platform expects, so the platform itself lowers stock.
   * Must be safe to call twice: a second call for an order already paid by this transaction does nothing.
   */
  markOrderPaid(input: { orderId: string; transactionId: string; paymentTitle: string; note: string }): Promise<void>;
}
