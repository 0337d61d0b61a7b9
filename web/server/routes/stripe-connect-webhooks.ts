import { Router, raw } from 'express';
import type { Services } from '../services';
import { inboundJobId, recordInboundEvent } from '../../../core/inbox/inbox';
import { verifyStripeWebhook } from '../../../connectors/stripe/webhooks';
import { route, sendError } from '../http';

/**
 * The platform's Connect webhook endpoint: events of every connected account, signed with the
 * platform endpoint's secret, routed to the merchant by `event.account`, then recorded once by event
 * id and queued like the per-merchant endpoint's. An event for an account no merchant holds (a
 * platform event, another product's account, one disconnected long ago) is answered 200 and ignored:
 * a 4xx would only make Stripe retry it for days and then disable the endpoint for everyone.
 */
export function stripeConnectWebhookRoutes(services: Services): Router {
  const router = Router();
  const rawBody = raw({ type: () => true, limit: services.config.WEBHOOK_BODY_LIMIT });

  router.post('/webhooks/stripe/connect', rawBody, route(async (req, res) => {
    const secret = services.config.STRIPE_CONNECT_WEBHOOK_SECRET;
    if (!secret) return sendError(res, 404, 'connect_not_configured', 'This Settle does not take Stripe Connect webhooks (STRIPE_CONNECT_WEBHOOK_SECRET).');
    const body = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    if (body.length === 0) return sendError(res, 400, 'empty_body', 'The webhook body is empty.');
    const check = verifyStripeWebhook(body, req.header('stripe-signature'), secret);
    if (!check.valid) return sendError(res, 400, check.code, check.message);

    const account = check.event.account;
    const merchantId = account ? await services.connections.merchantForAccount('stripe', account) : undefined;
    if (!merchantId) {
      req.log.info({ event: check.event.id, account }, 'Connect event for no merchant ignored');
      return void res.json({ received: true, ignored: account ? 'unknown_account' : 'platform_event' });
    }
    const { id, isNew } = await recordInboundEvent(services.db, {
      merchantId, platform: 'stripe', eventId: check.event.id, eventType: check.event.type, payload: body.toString('utf8'),
    });
    // A redelivery of an event not yet processed is queued again: its job id makes it one job.
    await services.jobs.enqueue('inbound', inboundJobId(merchantId, id), { inboxId: id });
    res.json({ received: true, duplicate: !isNew });
  }));
  return router;
}
