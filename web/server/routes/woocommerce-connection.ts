import { Router, json, type RequestHandler } from 'express';
import { z } from 'zod';
import type { Services } from '../services';
import { parseBody, route, sendError } from '../http';
import { SettleError } from '../../../core/errors';
import { newConnectionSecret } from '../../../core/merchants/store-signatures';
import { IMPORT_DAYS, latestOrderImport, MAX_IMPORT_DAYS, startOrderImport, type OrderImport } from '../../../core/stores/order-imports';
import { wooClient } from '../../../connectors/woocommerce/client';
import { SETTLE_TOPICS, settleWebhooks } from '../../../connectors/woocommerce/webhooks';
import { wooDeliveryUrl } from '../woo-webhook-health';
import type { WooSecrets, WooSettings } from '../store-signature';

const importView = (run: OrderImport) => ({
  id: run.id, status: run.status, reason: run.reason, modifiedAfter: run.modifiedAfter.toISOString(), error: run.error,
  progress: {
    ordersDone: run.ordersDone, ordersTotal: run.ordersTotal, pagesDone: run.pagesDone, pagesTotal: run.pagesTotal,
    percent: run.status === 'done' ? 100 : run.ordersTotal ? Math.floor((100 * run.ordersDone) / run.ordersTotal) : 0,
  },
  createdAt: run.createdAt.toISOString(), startedAt: run.startedAt?.toISOString() ?? null, finishedAt: run.finishedAt?.toISOString() ?? null,
});

// No body (or no `days`): the orders changed in the last 30 days, as on connecting.
const ImportRequest = z.object({ days: z.number().int().min(1).max(MAX_IMPORT_DAYS).default(IMPORT_DAYS) }).strict().default({ days: IMPORT_DAYS });

const WEBHOOKS_WAIT_MS = 5000;

type TopicHealth = { topic: string; status: string; deliversToSettle: boolean; lastDeliveryAt: string | null };

/**
 * Each of Settle's webhooks as the store has it now (active, paused, disabled by WooCommerce, or
 * missing) and when Settle last received a delivery of it. A store that cannot be read is said so.
 */
async function webhookHealth(services: Services, merchantId: string, woo: { settings: WooSettings; secrets: WooSecrets }) {
  const delivered = await services.db.query<{ topic: string; last: Date }>(
    `SELECT topic, max(received_at) AS last FROM woo_store_changes WHERE merchant_id = $1 AND source = 'webhook' GROUP BY topic`, [merchantId]);
  const [check] = await services.db.query<{ checked_at: Date }>('SELECT checked_at FROM woo_webhook_checks WHERE merchant_id = $1', [merchantId]);
  const lastDelivery = (topic: string) => delivered.find((d) => d.topic === topic)?.last.toISOString() ?? null;
  let hooks: Awaited<ReturnType<typeof settleWebhooks>> | undefined;
  let error: string | null = null;
  let timer: NodeJS.Timeout | undefined;
  try {
    // A slow store must not hold up the rest of the screen (the import's progress is read meanwhile).
    const slow = new Promise<never>((_, reject) => { timer = setTimeout(() => reject(new Error(`the store did not answer within ${WEBHOOKS_WAIT_MS / 1000} seconds`)), WEBHOOKS_WAIT_MS); });
    hooks = await Promise.race([settleWebhooks(wooClient(woo.settings, woo.secrets)), slow]);
  } catch (e) {
    error = `Settle could not read the store's webhooks: ${(e as Error).message}`;
  } finally {
    clearTimeout(timer);
  }
  const url = wooDeliveryUrl(services, merchantId);
  const topics: TopicHealth[] = SETTLE_TOPICS.map((topic) => {
    const hook = hooks?.get(topic);
    return { topic, status: hooks ? hook?.status ?? 'missing' : 'unknown', deliversToSettle: hook?.delivery_url === url, lastDeliveryAt: lastDelivery(topic) };
  });
  return { lastCheckAt: check?.checked_at.toISOString() ?? null, error, topics };
}

/**
 * The admin's store-connection screen: the connected WooCommerce store, its latest order import
 * with progress, the health of Settle's webhooks in it, and the plugin's connection secret (shown
 * on request, replaced by a rotation). Everything reads only the signed-in merchant's store.
 */
export function wooConnectionRoutes(services: Services, auth: RequestHandler): Router {
  const router = Router();
  const connected = async (merchantId: string) => {
    const woo = await services.connections.find<WooSettings, WooSecrets>(merchantId, 'woocommerce');
    if (!woo) throw new SettleError('not_connected', 'No WooCommerce store is connected. Connect it from the Settle plugin in WordPress, or with PUT /api/connections/woocommerce.', 404);
    return woo;
  };

  router.get('/api/woocommerce/connection', auth, route(async (req, res) => {
    const merchantId = req.merchant!.id;
    const woo = await connected(merchantId);
    const [latest, webhooks, [row]] = await Promise.all([
      latestOrderImport(services.db, merchantId),
      webhookHealth(services, merchantId, woo),
      services.db.query<{ updated_at: Date }>("SELECT updated_at FROM connections WHERE merchant_id = $1 AND platform = 'woocommerce'", [merchantId]),
    ]);
    res.json({
      store: { storeId: merchantId, siteUrl: woo.settings.siteUrl, connectedAt: woo.settings.connectedAt ?? row?.updated_at.toISOString() ?? null, requireSignedRequests: woo.settings.requireSignedRequests ?? false },
      latestImport: latest ? importView(latest) : null,
      webhooks,
    });
  }));

  router.post('/api/woocommerce/imports', auth, json({ limit: services.config.API_BODY_LIMIT }), route(async (req, res) => {
    const { days } = parseBody(ImportRequest, req);
    await connected(req.merchant!.id);
    const run = await startOrderImport(services, req.merchant!.id, 'requested', { days });
    res.status(202).json({ import: importView(run) });
  }));

  // A new connection secret for the plugin; the old one is refused from now on. Shown in this answer
  // only (the admin shows it once); afterwards it is read again only when the merchant asks.
  router.post('/api/woocommerce/connection-secret/rotate', auth, route(async (req, res) => {
    const merchantId = req.merchant!.id;
    const woo = await connected(merchantId);
    if (!woo.secrets.connectionSecret) return sendError(res, 409, 'no_connection_secret', 'This store has no connection secret yet; connect it again first.');
    const connectionSecret = newConnectionSecret();
    await services.connections.save({ ...woo, secrets: { ...woo.secrets, connectionSecret } });
    res.setHeader('Cache-Control', 'no-store');
    res.json({ storeId: merchantId, connectionSecret });
  }));
  return router;
}
