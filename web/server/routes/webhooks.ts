import { Router, raw } from 'express';
import type { Services } from '../services';
import { recordInboundEvent } from '../../../core/inbox/inbox';
import { verifyStripeWebhook } from '../../../connectors/stripe/webhooks';
import { route, sendError } from '../http';

/**
 * Stripe webhooks: verify the signature on the raw bytes, record the event once by its id, queue
 * it, answer 200. All work happens in the worker, so Stripe never waits on our platforms.
 */
export function webhookRoutes(services: Services): Router {
  const router = Router();
  const rawBody = raw({ type: () => true, limit: services.config.WEBHOOK_BODY_LIMIT });

  router.post('/webhooks/stripe/:merchantId', rawBody, route(async (req, res) => {
    const merchantId = String(req.params.merchantId);
    const body = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    if (body.length === 0) return sendError(res, 400, 'empty_body', 'The webhook body is empty.');
    const connection = /^mer_[\w-]{22}$/.test(merchantId)
      ? await services.connections.find<unknown, { webhookSecret: string }>(merchantId, 'stripe')
      : undefined;
    if (!connection) return sendError(res, 404, 'unknown_merchant', 'No Settle merchant has this webhook endpoint.');

    const check = verifyStripeWebhook(body, req.header('stripe-signature'), connection.secrets.webhookSecret);
    if (!check.valid) return sendError(res, 400, check.code, check.message);

    const { id, isNew } = await recordInboundEvent(services.db, {
      merchantId, platform: 'stripe', eventId: check.event.id, eventType: check.event.type, payload: body.toString('utf8'),
    });
    // A redelivery of an event not yet processed is queued again: its job id makes it one job.
    await services.jobs.enqueue('inbound', `inbox-${id}`, { inboxId: id });
    res.json({ received: true, duplicate: !isNew });
  }));
  return router;
}
