import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import { add, fromDecimal, money, type Money } from '../../core/money';
import type { StoreOrder } from '../../core/stores/store';
import type { ShopifyApp } from './app';

/**
 * The topics Settle subscribes to (plugins/shopify/shopify.app.toml), as the library names them
 * (`orders/paid` → ORDERS_PAID). The three privacy topics are configured only in the TOML.
 */
export const SHOPIFY_TOPICS = {
  APP_UNINSTALLED: 'app/uninstalled',
  APP_SUBSCRIPTIONS_UPDATE: 'app_subscriptions/update',
  ORDERS_PAID: 'orders/paid',
  ORDERS_UPDATED: 'orders/updated',
  REFUNDS_CREATE: 'refunds/create',
  CUSTOMERS_DATA_REQUEST: 'customers/data_request',
  CUSTOMERS_REDACT: 'customers/redact',
  SHOP_REDACT: 'shop/redact',
} as const;
export type ShopifyTopic = keyof typeof SHOPIFY_TOPICS;
export const isShopifyTopic = (topic: string): topic is ShopifyTopic => Object.hasOwn(SHOPIFY_TOPICS, topic);

export type ShopifyDelivery =
  | { valid: true; topic: string; shop: string; eventId: string; triggeredAt?: string }
  | { valid: false; status: 400 | 401; code: string; message: string };

/**
 * Checks a delivery as Shopify signs it (the library's `webhooks.validate`: HMAC-SHA256 of the raw
 * body with the app's secret, and the headers every delivery carries). A delivery is known by its
 * X-Shopify-Event-Id (the same on every retry of one event), or its webhook id when it has none.
 */
export async function verifyShopifyDelivery(app: ShopifyApp, rawBody: Buffer, req: IncomingMessage, res: ServerResponse): Promise<ShopifyDelivery> {
  const check = await app.webhooks.validate({ rawBody: rawBody.toString('utf8'), rawRequest: req, rawResponse: res });
  if (!check.valid) {
    if ('missingHeaders' in check) {
      return { valid: false, status: 400, code: 'missing_headers', message: `The delivery lacks Shopify's headers: ${check.missingHeaders.join(', ')}.` };
    }
    return { valid: false, status: 401, code: 'invalid_signature', message: "The X-Shopify-Hmac-Sha256 does not match the body signed with the app's secret." };
  }
  return { valid: true, topic: check.topic, shop: check.domain, eventId: check.eventId ?? check.webhookId, triggeredAt: check.triggeredAt };
}

/**
 * The payload as recorded: the body Shopify signed, with when Shopify says the event happened
 * (X-Shopify-Triggered-At) added in front, since retries carry the original payload for up to four
 * hours and a late one must not undo what came after it. Spliced as text: re-serialising the
 * parsed body would round Shopify's large numeric ids.
 */
export function recordedPayload(body: string, triggeredAt: string | undefined): string {
  if (!triggeredAt || Number.isNaN(Date.parse(triggeredAt))) return body;
  const inner = body.trim().slice(1).trimStart();
  return `{"${TRIGGERED_AT}":${JSON.stringify(new Date(triggeredAt).toISOString())}${inner.startsWith('}') ? '' : ','}${inner}`;
}
export const TRIGGERED_AT = 'x_shopify_triggered_at';

/** Ids are GraphQL gids (strings): Shopify's numeric ids exceed what a JS number holds exactly. */
const orderGid = z.string().regex(/^gid:\/\/shopify\/Order\/\d+$/);
const decimal = z.string().regex(/^-?\d+(\.\d+)?$/);

const orderPayload = z.object({
  admin_graphql_api_id: orderGid,
  name: z.string().min(1),
  financial_status: z.string().nullish(),
  cancelled_at: z.string().nullish(),
  currency: z.string().regex(/^[A-Z]{3}$/),
  total_price: decimal,
  refunds: z.array(z.object({
    transactions: z.array(z.object({ kind: z.string(), status: z.string().nullish(), amount: decimal })).default([]),
  })).default([]),
});

const PAID_STATUSES = new Set(['paid', 'partially_refunded', 'refunded']);

/** The store's side of the three-way match, from an orders/paid or orders/updated payload. */
export type OrderSnapshot = Pick<StoreOrder, 'id' | 'number' | 'paid' | 'needsPayment' | 'total' | 'refunded'>;

export function orderSnapshot(payload: unknown): OrderSnapshot {
  const order = orderPayload.parse(payload);
  const paid = PAID_STATUSES.has(order.financial_status ?? '');
  const refunded = order.refunds
    .flatMap((r) => r.transactions)
    .filter((t) => t.kind === 'refund' && (t.status ?? 'success') === 'success')
    .reduce<Money>((sum, t) => add(sum, fromDecimal(t.amount, order.currency)), money(0, order.currency));
  return {
    id: order.admin_graphql_api_id,
    number: order.name,
    paid,
    needsPayment: !paid && !order.cancelled_at,
    total: fromDecimal(order.total_price, order.currency),
    refunded,
  };
}

/** The order a refunds/create names, as a gid (`order_id` read as text, never as a JS number). */
export function refundedOrderGid(orderIdText: string | null): string {
  return `gid://shopify/Order/${z.string().regex(/^\d+$/).parse(orderIdText)}`;
}
