import { ZodError } from 'zod';
import type { Queryable } from '../../core/storage/database';
import { planSubscriptionUpdated, type PlanServices } from './plan';
import { markInboundProcessed } from '../../core/inbox/inbox';
import { recordStoreOrder } from '../../core/reconciliation/snapshots';
import { markShopUninstalled } from '../../core/shops/shops';
import { PostgresShopifySessions } from './sessions';
import { orderSnapshot, refundedOrderGid, SHOPIFY_TOPICS, TRIGGERED_AT, isShopifyTopic } from './webhooks';
import { exportCustomerData, KEPT_PAYLOAD_SQL, redactCustomer, redactShop, type PrivacyCustomer } from './privacy';

interface ShopifyInboxRow {
  merchant_id: string;
  event_type: string;
  payload: unknown;
  processed_at: Date | null;
  shop: string | null;
  // Read as text by PostgreSQL: numeric ids exceed what JSON.parse keeps exactly.
  order_id: string | null;
  customer_id: string | null;
  customer_email: string | null;
  request_id: string | null;
  order_ids: string[];
  triggered_at: string | null;
  installed_at: string | null;
}

/**
 * Applies one recorded Shopify webhook (the 'shopify' queue). Its work and the inbox row's
 * "processed" mark commit together, so a retry after a crash finds it done; then the payload keeps
 * only ids and amounts (an order's payload carries the shopper's name, email and addresses).
 */
export async function applyShopifyWebhook(deps: PlanServices, inboxId: number): Promise<string> {
  const rows = await deps.db.query<ShopifyInboxRow>(
    `SELECT i.merchant_id, i.event_type, i.payload, i.processed_at, c.settings->>'shop' AS shop,
            i.payload->>'order_id' AS order_id, i.payload->'customer'->>'id' AS customer_id, i.payload->'customer'->>'email' AS customer_email,
            i.payload->'data_request'->>'id' AS request_id, i.payload->>'${TRIGGERED_AT}' AS triggered_at, c.settings->>'installedAt' AS installed_at,
            ARRAY(SELECT jsonb_array_elements_text(coalesce(i.payload->'orders_to_redact', i.payload->'orders_requested', '[]'::jsonb))) AS order_ids
       FROM inbox i LEFT JOIN connections c ON c.merchant_id = i.merchant_id AND c.platform = 'shopify'
      WHERE i.id = $1 AND i.platform = 'shopify'`,
    [inboxId],
  );
  const event = rows[0];
  if (!event) return 'unknown inbox id';
  if (event.processed_at) return 'already processed';
  const topic = event.event_type;
  const outcome = await deps.db.transaction(async (tx) => {
    const done = isShopifyTopic(topic) && event.shop ? await understood(() => apply(tx, deps, event, topic, event.shop!)) : `topic ${topic} not handled`;
    await tx.query(`UPDATE inbox SET payload = ${KEPT_PAYLOAD_SQL} WHERE id = $1`, [inboxId]);
    await markInboundProcessed(tx, inboxId);
    return done;
  });
  return `${SHOPIFY_TOPICS[topic as keyof typeof SHOPIFY_TOPICS] ?? topic}: ${outcome}`;
}

/**
 * A payload Settle cannot read (Shopify signed it, so retrying cannot change it) is recorded as
 * processed with the reason, instead of failing its job forever; the sweep re-reads the order.
 */
async function understood(work: () => Promise<string>): Promise<string> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof ZodError || error instanceof RangeError) return `payload not understood: ${error.message.slice(0, 300)}`;
    throw error;
  }
}

async function apply(tx: Queryable, deps: PlanServices, event: ShopifyInboxRow, topic: keyof typeof SHOPIFY_TOPICS, shop: string): Promise<string> {
  const merchantId = event.merchant_id;
  const customer = (): PrivacyCustomer => ({
    shop, customerId: event.customer_id, email: event.customer_email, orderGids: event.order_ids.map((id) => `gid://shopify/Order/${id}`),
  });
  switch (topic) {
    case 'APP_UNINSTALLED': {
      // A late retry of an uninstall from before the shop installed the app again changes nothing.
      if (event.triggered_at && event.installed_at && Date.parse(event.triggered_at) < Date.parse(event.installed_at)) {
        return 'uninstall from before the current installation: ignored';
      }
      // The shop's tokens died at Shopify with the uninstall: Settle forgets them and calls no more.
      const deleted = await new PostgresShopifySessions(tx, deps.box).deleteShop(shop);
      await markShopUninstalled(tx, merchantId, shop);
      return `uninstalled, ${deleted} token(s) deleted`;
    }
    case 'APP_SUBSCRIPTIONS_UPDATE':
      return planSubscriptionUpdated(deps, tx, shop, event.payload);
    case 'ORDERS_PAID':
    case 'ORDERS_UPDATED': {
      const order = orderSnapshot(event.payload);
      await recordStoreOrder(tx, merchantId, 'shopify', order);
      return `order ${order.number} recorded (${order.paid ? 'paid' : 'not paid'})`;
    }
    case 'REFUNDS_CREATE': {
      // The order's refunded total is Shopify's to say: its snapshot goes first in the sweep's next re-read.
      const orderId = refundedOrderGid(event.order_id);
      await tx.query(`UPDATE store_order_snapshots SET read_at = '-infinity' WHERE merchant_id = $1 AND store_platform = 'shopify' AND order_id = $2`, [merchantId, orderId]);
      return `refund on ${orderId} noted for re-reading`;
    }
    case 'CUSTOMERS_DATA_REQUEST':
      return `export ${await exportCustomerData(tx, merchantId, event.request_id ?? `customer-${event.customer_id}`, customer())} ready`;
    case 'CUSTOMERS_REDACT':
      return `${await redactCustomer(tx, merchantId, customer())} record(s) erased`;
    case 'SHOP_REDACT':
      return `${await redactShop(tx, merchantId)} record(s) erased`;
  }
}
