import { Router, raw, type RequestHandler } from 'express';
import type { Services } from '../services';
import type { WooSecrets } from '../../../connectors/woocommerce/client';
import { verifyWooSignature, wooChange } from '../../../connectors/woocommerce/webhooks';
import { route, sendError } from '../http';
import { checkWooWebhooks, recordWooChanges, wooWebhookStatus } from '../woo-webhook-health';

/**
 * WooCommerce webhooks: verified on the raw body with the store's webhook secret (401 otherwise),
 * recorded once per change (resource, id, modification time), since the delivery id is new on
 * every delivery. A 2xx answer matters: WooCommerce disables a webhook after five failures.
 */
export function wooWebhookRoutes(services: Services, auth: RequestHandler): Router {
  const router = Router();
  const rawBody = raw({ type: () => true, limit: services.config.WEBHOOK_BODY_LIMIT });

  router.post('/webhooks/woocommerce/:merchantId', rawBody, route(async (req, res) => {
    const merchantId = String(req.params.merchantId);
    const body = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    const connection = /^mer_[\w-]{22}$/.test(merchantId)
      ? await services.connections.find<unknown, WooSecrets & { webhookSecret?: string }>(merchantId, 'woocommerce')
      : undefined;
    // WooCommerce pings a new webhook with an unsigned form body; only an exact 200 counts as success.
    if (connection && /^webhook_id=\d+$/.test(body.toString('utf8'))) return void res.json({ received: true, ping: true });
    const secret = connection?.secrets.webhookSecret;
    if (!secret) return sendError(res, 404, 'unknown_merchant', 'No Settle merchant has this webhook endpoint.');
    if (!verifyWooSignature(body, req.header('x-wc-webhook-signature'), secret)) {
      return sendError(res, 401, 'invalid_signature', 'The X-WC-Webhook-Signature does not match this store\'s webhook secret.');
    }
    const change = wooChange(req.header('x-wc-webhook-topic'), body);
    if (!change) return sendError(res, 400, 'malformed_payload', 'The webhook is not an order or product change Settle understands.');
    const fresh = await recordWooChanges(services.db, merchantId, [change], 'webhook');
    res.json({ received: true, duplicate: fresh === 0 });
  }));

  // What the schedule does, on demand (the merchant's "check now").
  router.post('/api/connections/woocommerce/webhooks/check', auth, route(async (req, res) => {
    res.json(await checkWooWebhooks(services, req.merchant!.id));
  }));
  // The connection's webhook health and the latest store changes Settle has heard of.
  router.get('/api/connections/woocommerce/webhooks', auth, route(async (req, res) => {
    res.json(await wooWebhookStatus(services.db, req.merchant!.id));
  }));
  return router;
}
