// In-memory state of one WordPress + WooCommerce site. Money is integer cents throughout.

export interface Meta { id: number; key: string; value: unknown }

export interface ApiKey {
  keyId: number;
  consumerKey: string;
  consumerSecret: string;
  permissions: "read" | "write" | "read_write";
  /** nonce -> oauth_timestamp, as WooCommerce keeps them in the key's `nonces` column. */
  nonces: Map<string, number>;
}

export interface Product {
  id: number;
  name: string;
  slug: string;
  type: string;
  status: string;
  sku: string;
  regularPrice: string;
  salePrice: string;
  manageStock: boolean;
  stockQuantity: number | null;
  stockStatus: string;
  backorders: string;
  totalSales: number;
  created: number;
  modified: number;
  /** Other writable fields (description, weight, ...) echoed back as given. */
  extra: Record<string, unknown>;
  meta: Meta[];
}

export interface LineItem {
  id: number;
  productId: number;
  variationId: number;
  name: string;
  sku: string;
  quantity: number;
  subtotal: number;
  total: number;
  tax: number;
  taxClass: string;
  meta: Meta[];
}
export interface ShippingLine { id: number; methodId: string; methodTitle: string; total: number; tax: number; meta: Meta[] }
export interface FeeLine { id: number; name: string; taxStatus: string; taxClass: string; total: number; tax: number; meta: Meta[] }

export interface Order {
  id: number;
  parentId: number;
  status: string;
  currency: string;
  orderKey: string;
  created: number;
  modified: number;
  paid: number | null;
  completed: number | null;
  customerId: number;
  customerNote: string;
  billing: Record<string, string>;
  shipping: Record<string, string>;
  paymentMethod: string;
  paymentMethodTitle: string;
  transactionId: string;
  lines: LineItem[];
  shippingLines: ShippingLine[];
  feeLines: FeeLine[];
  /** Tax rate (percent string, e.g. "9.0000") captured when totals were last calculated. */
  taxRate: string | null;
  taxLineId: number;
  meta: Meta[];
  /** Order meta `_order_stock_reduced`: set once stock was taken for this order. */
  stockReduced: boolean;
  /** Order meta `_recorded_sales`: total_sales counted once. */
  salesRecorded: boolean;
}

export interface Note { id: number; orderId: number; note: string; customerNote: boolean; author: string; created: number }

export interface RefundLine { id: number; productId: number; name: string; quantity: number; total: number; sku: string }
export interface Refund {
  id: number;
  orderId: number;
  amount: number;
  reason: string;
  refundedBy: number;
  refundedPayment: boolean;
  created: number;
  lines: RefundLine[];
}

export interface Webhook {
  id: number;
  name: string;
  status: "active" | "paused" | "disabled";
  topic: string;
  deliveryUrl: string;
  secret: string;
  created: number;
  modified: number;
  failureCount: number;
}

export interface Delivery {
  delivery_id: string;
  webhook_id: number;
  topic: string;
  /** "ping" for the creation ping (it does not touch failure_count), else "delivery". */
  kind: "ping" | "delivery";
  delivery_url: string;
  status_code: number | null;
  success: boolean;
  error: string | null;
  failure_count: number;
  webhook_status: string;
  attempt: number;
  at: string;
  request: { headers: Record<string, string>; body: string };
}

/** A WordPress user with the customer role. */
export interface Customer {
  id: number; email: string; firstName: string; lastName: string; username: string;
  billing: Record<string, string>; created: number; modified: number;
}

export class Store {
  // WordPress shares one posts table for products, orders and refunds, so their ids interleave.
  private postId = 100;
  private itemId = 0;
  private commentId = 0;
  private metaId = 0;
  private webhookId = 0;
  private keyId = 0;
  private userId = 1; // 1 is the site's admin
  readonly products = new Map<number, Product>();
  readonly orders = new Map<number, Order>();
  readonly refunds = new Map<number, Refund>();
  readonly notes: Note[] = [];
  readonly webhooks = new Map<number, Webhook>();
  readonly keys = new Map<string, ApiKey>();
  /** WordPress users with the customer role (their own ids: the users table, not posts). */
  readonly customers = new Map<number, Customer>();
  readonly deliveries: Delivery[] = [];
  /** Sandbox-only: one standard tax rate for the whole site (POST /_sandbox/tax-rate). */
  taxRate: string | null = null;
  /** WooCommerce's "Shipping tax class" setting: false plays "Zero rate" (shipping is not taxed). */
  shippingTaxable = true;
  /** Settings → General → Currency (woocommerce_currency): new orders are in it. */
  currency = "USD";

  nextPostId = () => ++this.postId;
  nextItemId = () => ++this.itemId;
  nextCommentId = () => ++this.commentId;
  nextMetaId = () => ++this.metaId;
  nextWebhookId = () => ++this.webhookId;
  nextKeyId = () => ++this.keyId;
  nextUserId = () => ++this.userId;

  /**
   * Timestamps are strictly increasing per site so `modified_after` paging is deterministic even
   * when two writes fall in the same millisecond; WordPress stores seconds, we print seconds.
   */
  private last = 0;
  now(): number {
    const t = Math.max(Date.now(), this.last + 1);
    this.last = t;
    return t;
  }
}
