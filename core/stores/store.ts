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
  /** Whether the store considers it paid, when the platform says so directly (WooCommerce: date_paid or a paid status). */
  paid?: boolean;
  /** What the store shows refunded on the order (the reconciliation's store side). */
  refunded?: Money;
}

/** A product as the store sells it now (a payment link's line is priced from it when a shopper opens the link). */
export interface ProductForSale {
  id: string;
  name: string;
  sku: string;
  /** The price the store charges for one, sale prices included. */
  unitPrice: Money;
  /** False when the store would not sell it (not published, or no price). */
  purchasable: boolean;
  /** How many can be sold now; null when the store does not count its stock or takes backorders. */
  available: number | null;
}

/** A sale made outside the store (a counter sale, a payment link), to be recorded in the store as a paid order. */
export interface SaleMadeElsewhere {
  /** Settle's payment id: the order carries it, so recording the sale twice finds the first order. */
  paymentId: string;
  /** When the sale was rung up: the store's order cannot be older, which bounds the look-up. */
  startedAt: Date;
  transactionId: string;
  paymentTitle: string;
  /**
   * With `productId` the line is that product of the store (a payment link's); with `productId: null`
   * it is no product (a custom amount); without it, the store matches the name to a product by SKU or name.
   */
  lines: { name: string; quantity: number; total: Money; productId?: string | null }[];
  /** The shopper, when the merchant took their email: matched to the store's customer or created. */
  customer: { email: string; name: string } | null;
  note: string;
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
  /**
   * Shows on the order a refund the processor has already made (or, when `failed`, takes it off
   * again), without the store refunding the shopper a second time. Keyed by Settle's refund id,
   * so calling it twice changes nothing.
   */
  syncRefund(input: { orderId: string; refundId: string; amount: Money; reason: string | null; status: 'succeeded' | 'failed' }): Promise<void>;
  /** A private note on the order for the merchant (e.g. a card authorization released). Adding the same note twice keeps one. */
  addOrderNote(input: { orderId: string; note: string }): Promise<void>;
  /**
   * Records a sale made elsewhere as a paid order of the store, its lines matched to the store's
   * products so the store lowers stock. Safe to call twice: the second call returns the first order.
   */
  recordSaleMadeElsewhere(sale: SaleMadeElsewhere): Promise<{ orderId: string; number: string }>;
  /** The product with this id as the store sells it now, its price in the store's `currency`; undefined when there is none. */
  productForSale(productId: string, currency: string): Promise<ProductForSale | undefined>;
  /** Published products whose name (or SKU) contains `search`, at most 20, priced in the store's `currency`: the merchant's picker. */
  findProducts(search: string, currency: string): Promise<ProductForSale[]>;
}
