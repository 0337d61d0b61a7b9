import { Router, raw, type Response } from 'express';
import type { Services } from '../services';
import { inboundJobId, recordInboundEvents, type NewInboundEvent } from '../../../core/inbox/inbox';
import { verifyStripeWebhook } from '../../../connectors/stripe/webhooks';
import { route, sendError } from '../http';
import { Batcher } from '../batcher';
import { WebhookSecretCache } from '../webhook-secrets';

/**
 * Stripe webhooks: verify the signature on the raw bytes, record the event once by its id, queue
 * it, answer 200. All work happens in the worker, so Stripe never waits on our platforms.
 */
export function webhookRoutes(services: Services): Router {
  const router = Router();
  const rawBody = raw({ type: () => true, limit: services.config.WEBHOOK_BODY_LIMIT });
  const secrets = new WebhookSecretCache(async (merchantId) =>
    (await services.connections.find<unknown, { webhookSecret: string }>(merchantId, 'stripe'))?.secrets.webhookSecret);
  // Deliveries arriving together share one INSERT (one commit) and one Redis round trip; each
  // request still waits for its own row and its own job before it is answered.
  const inbox = new Batcher((events: NewInboundEvent[]) => recordInboundEvents(services.db, events));
  const queue = new Batcher(async (rows: { merchantId: string; inboxId: number }[]) => {
    // A redelivery of an event not yet processed is queued again: its job id makes it one job.
    await services.jobs.enqueueMany('inbound', rows.map((r) => ({ jobId: inboundJobId(r.merchantId, r.inboxId), data: { inboxId: r.inboxId } })));
    return rows;
  });

  router.post('/webhooks/stripe/:merchantId', rawBody, route(async (req, res) => {
    const merchantId = String(req.params.merchantId);
    const body = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    if (body.length === 0) return sendError(res, 400, 'empty_body', 'The webhook body is empty.');
    if (!/^mer_[\w-]{22}$/.test(merchantId)) return unknownMerchant(res);
    let secret = await secrets.get(merchantId);
    if (!secret) return unknownMerchant(res);

    const signature = req.header('stripe-signature');
    let check = verifyStripeWebhook(body, signature, secret.secret);
    if (!check.valid && secret.cached) {
      // The kept secret may be an old one (the merchant reconnected Stripe): judge by the stored one.
      secret = await secrets.get(merchantId, { fresh: true });
      if (!secret) return unknownMerchant(res);
      check = verifyStripeWebhook(body, signature, secret.secret);
    }
    if (!check.valid) return sendError(res, 400, check.code, check.message);

    const { id, isNew } = await inbox.submit({
      merchantId, platform: 'stripe', eventId: check.event.id, eventType: check.event.type, payload: body.toString('utf8'),
    });
    await queue.submit({ merchantId, inboxId: id });
    res.json({ received: true, duplicate: !isNew });
  }));
  return router;
}

const unknownMerchant = (res: Response) => sendError(res, 404, 'unknown_merchant', 'No Settle merchant has this webhook endpoint.');
