// The Shopify sandbox's state: shops, the apps registered with it (what the Partner Dashboard and
// shopify.app.toml hold), installations and their tokens, and each shop's catalogue, stock, orders,
// customers and billing. Ids are decimal strings counted from above 2^53, as Shopify's are, so a
// client that parses them as JS numbers loses digits and fails visibly.

/** What `shopify.app.toml` (and the payments extension's configuration) registers for an app. */
export interface AppRegistration {
  clientId: string;
  clientSecret: string;
  name: string;
  appUrl: string;
  redirectUrls: string[];
  scopes: string[];
  /**
   * `[[webhooks.subscriptions]]` as the TOML has them: `topics` in REST form (`orders/paid`) or
   * `compliance_topics` (customers/data_request, customers/redact, shop/redact), and the URI they
   * are sent to (absolute, or a path under appUrl).
   */
  webhooks: { topics?: string[]; compliance_topics?: string[]; uri: string }[];
  /** Shorthand: one URI for all three privacy topics. */
  complianceUri?: string;
  /** Payments extension: where Shopify posts payment, refund, capture and void sessions. */
  payments?: { paymentSessionUrl: string; refundSessionUrl?: string; captureSessionUrl?: string; voidSessionUrl?: string };
}

export interface AccessToken {
  token: string;
  shop: string;
  clientId: string;
  scopes: string[];
  /** Online tokens belong to one staff member and expire; offline tokens do neither. */
  userId?: string;
  expiresAt?: number;
}

export interface Installation {
  clientId: string;
  scopes: string[];
  installedAt: number;
  /** Set when the merchant removes the app; every token issued for it stops working. */
  uninstalledAt?: number;
  /**
   * A payments app's paymentsAppConfigure answer for this shop. Until it says `ready: true` Shopify
   * does not offer the app's payment method at checkout, so no payment session is posted.
   */
  paymentsConfiguration?: { ready: boolean; externalHandle: string | null; configuredAt: number };
}

export interface Variant {
  id: string;
  productId: string;
  title: string;
  sku: string | null;
  /** Minor units of the shop's currency. */
  price: number;
  inventoryItemId: string;
  inventoryPolicy: "DENY" | "CONTINUE";
  tracked: boolean;
  createdAt: number;
}

export interface Product {
  id: string;
  title: string;
  handle: string;
  status: "ACTIVE" | "DRAFT" | "ARCHIVED";
  vendor: string;
  productType: string;
  variantIds: string[];
  createdAt: number;
  updatedAt: number;
}

/** Quantities of one inventory item at one location, by Shopify's quantity names. */
export type Quantities = Record<"available" | "committed" | "on_hand" | "incoming" | "reserved" | "damaged" | "safety_stock" | "quality_control", number>;

export interface Customer {
  id: string;
  email: string | null;
  phone: string | null;
  firstName: string | null;
  lastName: string | null;
  createdAt: number;
}

export interface LineItem {
  id: string;
  variantId: string | null;
  productId: string | null;
  title: string;
  sku: string | null;
  quantity: number;
  unitPrice: number;
}

export interface Transaction {
  id: string;
  kind: "SALE" | "AUTHORIZATION" | "CAPTURE" | "REFUND" | "VOID";
  status: "SUCCESS" | "PENDING" | "FAILURE" | "ERROR";
  amount: number;
  gateway: string;
  test: boolean;
  parentId: string | null;
  /** The payment session, refund session... that produced it, when a Payments App did. */
  paymentId: string | null;
  createdAt: number;
}

export interface Refund {
  id: string;
  note: string | null;
  amount: number;
  transactionIds: string[];
  createdAt: number;
}

export interface Order {
  id: string;
  number: number;
  name: string;
  email: string | null;
  customerId: string | null;
  currency: string;
  lineItems: LineItem[];
  shipping: number;
  tax: number;
  transactions: Transaction[];
  refunds: Refund[];
  test: boolean;
  sourceName: string;
  sourceIdentifier: string | null;
  tags: string[];
  note: string | null;
  cancelledAt: number | null;
  createdAt: number;
  updatedAt: number;
  processedAt: number;
  /** The app that created it (orderCreate or a Payments App checkout). */
  appClientId: string | null;
}

export interface WebhookSubscription {
  id: string;
  clientId: string;
  topic: string; // GraphQL enum form, e.g. ORDERS_PAID
  uri: string;
  format: "JSON";
  includeFields: string[];
  filter: string | null;
  createdAt: number;
  updatedAt: number;
}

export interface AppSubscription {
  id: string;
  clientId: string;
  name: string;
  status: "PENDING" | "ACTIVE" | "DECLINED" | "CANCELLED" | "EXPIRED" | "FROZEN" | "ACCEPTED";
  test: boolean;
  trialDays: number;
  returnUrl: string;
  lineItems: { id: string; price: number; currency: string; interval: string }[];
  createdAt: number;
  currentPeriodEnd: number | null;
}

export interface Shop {
  id: string;
  domain: string; // name.myshopify.com
  name: string;
  email: string;
  currency: string;
  plan: "Basic" | "Shopify" | "Advanced" | "Plus";
  locationId: string;
  locationName: string;
  /** The shop owner's staff id: who refunds from the admin. */
  ownerId: string;
  createdAt: number;
  installations: Map<string, Installation>;
  products: Map<string, Product>;
  variants: Map<string, Variant>;
  /** inventoryItemId → locationId → quantities. */
  inventory: Map<string, Map<string, Quantities>>;
  customers: Map<string, Customer>;
  orders: Map<string, Order>;
  webhookSubscriptions: Map<string, WebhookSubscription>;
  appSubscriptions: Map<string, AppSubscription>;
  nextOrderNumber: number;
}

const ID_BASE = 10n ** 16n * 82n; // 820000000000000000: past Number.MAX_SAFE_INTEGER

export class Store {
  readonly apps = new Map<string, AppRegistration>();
  readonly shops = new Map<string, Shop>();
  readonly tokens = new Map<string, AccessToken>();
  private seq = 0n;
  /** Sandbox time = wall clock + offset (moved by POST /_sandbox/clock/advance). */
  private offsetMs = 0;

  now(): number { return Date.now() + this.offsetMs; }
  advance(seconds: number): number { this.offsetMs += seconds * 1000; return this.now(); }

  /** A fresh numeric id as a decimal string (never a JS number: it is larger than 2^53). */
  nextId(): string { this.seq += 1n; return String(ID_BASE + this.seq * 1009n); }

  shop(domain: string): Shop | undefined { return this.shops.get(domain.toLowerCase()); }

  createShop(o: { domain: string; name?: string; email?: string; currency?: string; plan?: Shop["plan"] }): Shop {
    const domain = o.domain.toLowerCase();
    const t = this.now();
    const shop: Shop = {
      id: this.nextId(), domain, name: o.name ?? domain.split(".")[0]!, email: o.email ?? `owner@${domain}`,
      currency: (o.currency ?? "USD").toUpperCase(), plan: o.plan ?? "Basic",
      locationId: this.nextId(), locationName: "Shop location", ownerId: this.nextId(), createdAt: t,
      installations: new Map(), products: new Map(), variants: new Map(), inventory: new Map(),
      customers: new Map(), orders: new Map(), webhookSubscriptions: new Map(), appSubscriptions: new Map(),
      nextOrderNumber: 1001,
    };
    this.shops.set(domain, shop);
    return shop;
  }

  /** The live token's record, or undefined when unknown, expired, or its app was uninstalled. */
  tokenFor(token: string, shopDomain: string): AccessToken | undefined {
    const t = this.tokens.get(token);
    if (!t || t.shop !== shopDomain.toLowerCase()) return undefined;
    if (t.expiresAt !== undefined && t.expiresAt <= this.now()) return undefined;
    const inst = this.shop(t.shop)?.installations.get(t.clientId);
    return inst && !inst.uninstalledAt ? t : undefined;
  }
}

export const emptyQuantities = (): Quantities => ({
  available: 0, committed: 0, on_hand: 0, incoming: 0, reserved: 0, damaged: 0, safety_stock: 0, quality_control: 0,
});

export const gid = (type: string, id: string) => `gid://shopify/${type}/${id}`;

/** The numeric part of `gid://shopify/Type/123`, if the gid names that type. */
export function idOf(type: string, value: unknown): string | undefined {
  const m = /^gid:\/\/shopify\/(\w+)\/(\d+)(\?.*)?$/.exec(String(value ?? ""));
  return m && m[1] === type ? m[2] : undefined;
}
