import { Router, raw, type RequestHandler } from 'express';
import type { Services } from '../services';
import { inboundJobId, recordInboundEvent } from '../../../core/inbox/inbox';
import { merchantForShop } from '../../../core/shops/shops';
import { recordedPayload, verifyShopifyDelivery } from '../../../connectors/shopify/webhooks';
import { route, sendError } from '../http';
import { requireShopifyApp } from './shopify-install';

/**
 * Shopify's webhooks, every topic at one address (shopify.app.toml): verified on the raw body
 * (401 otherwise), recorded once per X-Shopify-Event-Id, queued on 'shopify', answered at once —
 * Shopify gives up after 5 s. A shop Settle never installed in gets 404 and nothing is kept.
 */
export function shopifyWebhookRoutes(services: Services, auth: RequestHandler): Router {
  const router = Router();
  const rawBody = raw({ type: () => true, limit: services.config.WEBHOOK_BODY_LIMIT });

  router.post('/webhooks/shopify', rawBody, route(async (req, res) => {
    const app = requireShopifyApp(services);
    const body = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    const delivery = await verifyShopifyDelivery(app, body, req, res);
    if (!delivery.valid) return sendError(res, delivery.status, delivery.code, delivery.message);
    const merchantId = await merchantForShop(services.connections, delivery.shop);
    if (!merchantId) return sendError(res, 404, 'unknown_shop', `Settle is not installed in ${delivery.shop}.`);
    if (!isJsonObject(body)) return sendError(res, 400, 'malformed_payload', 'The webhook body is not a JSON object.');
    // Kept per topic: the docs promise one event id per duplicate, not that two topics never share one.
    const { id, isNew } = await recordInboundEvent(services.db, {
      merchantId, platform: 'shopify', eventId: `${delivery.topic}/${delivery.eventId}`, eventType: delivery.topic, payload: recordedPayload(body.toString('utf8'), delivery.triggeredAt),
    });
    await services.jobs.enqueue('shopify', inboundJobId(merchantId, id), { inboxId: id });
    res.json({ received: true, duplicate: !isNew });
  }));

  // customers/data_request exports, for the merchant to send to the customer who asked.
  router.get('/api/shopify/data-requests', auth, route(async (req, res) => {
    const rows = await services.db.query(
      `SELECT id, shop, request_ref AS "requestRef", customer_email AS "customerEmail", created_at AS "createdAt"
         FROM shopify_data_requests WHERE merchant_id = $1 ORDER BY created_at DESC LIMIT 200`,
      [req.merchant!.id],
    );
    res.json({ dataRequests: rows });
  }));
  router.get('/api/shopify/data-requests/:id', auth, route(async (req, res) => {
    const rows = await services.db.query<{ export: unknown; request_ref: string }>(
      'SELECT export, request_ref FROM shopify_data_requests WHERE merchant_id = $1 AND id = $2', [req.merchant!.id, String(req.params.id)],
    );
    if (!rows[0]) return sendError(res, 404, 'not_found', 'There is no such data request (it may have been erased when the customer was redacted).');
    res.attachment(`settle-customer-data-${rows[0].request_ref}.json`).json(rows[0].export);
  }));
  return router;
}

function isJsonObject(body: Buffer): boolean {
  try {
    const value: unknown = JSON.parse(body.toString('utf8'));
    return typeof value === 'object' && value !== null && !Array.isArray(value);
  } catch {
    return false;
  }
}
