import { randomBytes } from 'node:crypto';
import type { Database, Queryable } from '../../core/storage/database';
import { recordStoreOrder } from '../../core/reconciliation/snapshots';
import { storeOrderFrom, type WooOrder } from '../../connectors/woocommerce/mapping';
import type { Services } from './services';
import { wooClient, type WooSecrets, type WooSettings } from '../../connectors/woocommerce/client';
import { ordersModifiedSince, repairWebhooks, type WooChange } from '../../connectors/woocommerce/webhooks';

type WooKeys = WooSecrets & { webhookSecret?: string };

/**
 * Records store changes once each, and in the same transaction applies a new order change to the
 * store-order snapshot the three-way match reads, so a change made in the store (paid by hand,
 * total edited, refund added, order deleted) is matched without waiting for the sweep's re-read.
 * Returns how many were new (a redelivery or back-filled copy is not, and changes nothing).
 */
export async function recordWooChanges(db: Database, merchantId: string, changes: readonly WooChange[], source: 'webhook' | 'backfill'): Promise<number> {
  let fresh = 0;
  for (const c of changes) {
    fresh += await db.transaction(async (tx) => {
      const rows = await tx.query(
        `INSERT INTO woo_store_changes (merchant_id, resource, resource_id, modified_at, topic, source, payload)
         VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb) ON CONFLICT DO NOTHING RETURNING resource_id`,
        [merchantId, c.resource, c.resourceId, c.modifiedAt, c.topic, source, JSON.stringify(c.payload)],
      );
      if (rows.length > 0 && c.resource === 'order') await applyOrderChange(tx, merchantId, c);
      return rows.length;
    });
  }
  return fresh;
}

/**
 * Only orders Settle took a payment for (or already has a snapshot of) are matched, as the sweep
 * re-reads; a change older than one already recorded (a late back-fill) does not overwrite it.
 * 'deleted' sorts after every ISO date, so a deletion is the latest change of its order.
 */
async function applyOrderChange(tx: Queryable, merchantId: string, c: WooChange): Promise<void> {
  const orderId = String(c.resourceId);
  const [known] = await tx.query<{ newer: boolean }>(
    `SELECT EXISTS (SELECT 1 FROM woo_store_changes WHERE merchant_id = $1 AND resource = 'order' AND resource_id = $2 AND modified_at > $3) AS newer
      WHERE EXISTS (SELECT 1 FROM payments WHERE merchant_id = $1 AND store_platform = 'woocommerce' AND order_id = $4)
         OR EXISTS (SELECT 1 FROM store_order_snapshots WHERE merchant_id = $1 AND store_platform = 'woocommerce' AND order_id = $4)`,
    [merchantId, c.resourceId, c.modifiedAt, orderId],
  );
  if (!known || known.newer) return;
  if (c.modifiedAt === 'deleted') {
    // The store no longer has the order: nothing there is paid any more.
    await tx.query(
      `UPDATE store_order_snapshots SET paid = false, read_at = now() WHERE merchant_id = $1 AND store_platform = 'woocommerce' AND order_id = $2`,
      [merchantId, orderId],
    );
    return;
  }
  let order;
  try {
    order = storeOrderFrom(c.payload as WooOrder);
  } catch {
    return; // A payload Settle cannot read is still recorded; the sweep re-reads the order.
  }
  await recordStoreOrder(tx, merchantId, 'woocommerce', order);
}

export const wooDeliveryUrl = (services: Services, merchantId: string) => `${services.config.publicUrl}/webhooks/woocommerce/${merchantId}`;

/**
 * The scheduled webhook check for one store: make sure Settle's webhooks exist and are active (a
 * signing secret is made on first use), then back-fill the orders modified since the last check,
 * which covers whatever a disabled webhook did not deliver. The first check only sets things up.
 */
export async function checkWooWebhooks(services: Services, merchantId: string): Promise<{ repaired: number; backfilled: number }> {
  const connection = await services.connections.find<WooSettings, WooKeys>(merchantId, 'woocommerce');
  if (!connection) return { repaired: 0, backfilled: 0 };
  // Reconnecting the store replaces its secrets: a new webhook secret is made and given to every webhook.
  let secret = connection.secrets.webhookSecret;
  const newSecret = !secret;
  if (!secret) {
    secret = randomBytes(32).toString('base64url');
    await services.connections.save({ ...connection, secrets: { ...connection.secrets, webhookSecret: secret } });
  }
  const api = wooClient(connection.settings, connection.secrets);
  const startedAt = new Date();
  const repaired = await repairWebhooks(api, wooDeliveryUrl(services, merchantId), secret, newSecret);
  const last = await services.db.query<{ checked_at: Date }>('SELECT checked_at FROM woo_webhook_checks WHERE merchant_id = $1', [merchantId]);
  let backfilled = 0;
  if (last[0]) {
    // A minute of overlap: WordPress keeps whole seconds and clocks differ; repeats are recorded once.
    const since = new Date(last[0].checked_at.getTime() - 60_000);
    backfilled = await recordWooChanges(services.db, merchantId, await ordersModifiedSince(api, since), 'backfill');
  }
  await services.db.query(
    `INSERT INTO woo_webhook_checks (merchant_id, checked_at, repaired, backfilled) VALUES ($1, $2, $3, $4)
     ON CONFLICT (merchant_id) DO UPDATE SET checked_at = EXCLUDED.checked_at, repaired = EXCLUDED.repaired, backfilled = EXCLUDED.backfilled`,
    [merchantId, startedAt, repaired, backfilled],
  );
  return { repaired, backfilled };
}

/** Every connected store's check; one store's failure does not stop the others. */
export async function checkAllWooWebhooks(services: Services, onError: (merchantId: string, error: Error) => void): Promise<void> {
  const rows = await services.db.query<{ merchant_id: string }>("SELECT merchant_id FROM connections WHERE platform = 'woocommerce'");
  for (const r of rows) await checkWooWebhooks(services, r.merchant_id).catch((error: Error) => onError(r.merchant_id, error));
}

export interface WooWebhookStatus {
  lastCheck: { checkedAt: string; repaired: number; backfilled: number } | null;
  changes: { resource: string; resourceId: number; modifiedAt: string; topic: string; source: string; status: string | null }[];
}

/** The last check and the latest 100 store changes heard of, newest first. */
export async function wooWebhookStatus(db: Queryable, merchantId: string): Promise<WooWebhookStatus> {
  const [check] = await db.query<{ checked_at: Date; repaired: number; backfilled: number }>(
    'SELECT checked_at, repaired, backfilled FROM woo_webhook_checks WHERE merchant_id = $1', [merchantId]);
  const changes = await db.query<{ resource: string; resource_id: string; modified_at: string; topic: string; source: string; status: string | null }>(
    `SELECT resource, resource_id, modified_at, topic, source, payload->>'status' AS status FROM woo_store_changes
      WHERE merchant_id = $1 ORDER BY received_at DESC, modified_at DESC LIMIT 100`, [merchantId]);
  return {
    lastCheck: check ? { checkedAt: check.checked_at.toISOString(), repaired: check.repaired, backfilled: check.backfilled } : null,
    changes: changes.map((c) => ({ resource: c.resource, resourceId: Number(c.resource_id), modifiedAt: c.modified_at, topic: c.topic, source: c.source, status: c.status })),
  };
}
