import { Router, raw, type RequestHandler } from 'express';
import type { Services } from '../services';
import { inboundJobId, recordInboundEvents } from '../../../core/inbox/inbox';
import { openBooksFlags } from '../../../core/books/flags';
import { parseQuickBooksWebhook, verifyIntuitSignature } from '../../../connectors/quickbooks/webhooks';
import { formatMoney } from '../format';
import { route, sendError } from '../http';

/**
 * Intuit's webhooks (legacy eventNotifications or CloudEvents), at one address for every company:
 * verified on the raw body with the app's verifier token (401 otherwise, nothing kept), recorded
 * once per change, queued on 'quickbooks', answered at once (Intuit waits 3 s). A company no merchant
 * connected is acknowledged and forgotten, so Intuit does not retry it. Also the bookkeeper's list
 * of what was changed in QuickBooks: GET /api/books/flags.
 */
export function quickBooksWebhookRoutes(services: Services, auth: RequestHandler): Router {
  const router = Router();
  const rawBody = raw({ type: () => true, limit: services.config.WEBHOOK_BODY_LIMIT });

  router.post('/webhooks/quickbooks', rawBody, route(async (req, res) => {
    const token = services.config.QUICKBOOKS_WEBHOOK_VERIFIER_TOKEN;
    const body = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    if (!token || !verifyIntuitSignature(body, req.get('intuit-signature'), token)) {
      return sendError(res, 401, 'invalid_signature', 'The intuit-signature header does not match the body.');
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(body.toString('utf8'));
    } catch {
      return sendError(res, 400, 'malformed_payload', 'The webhook body is not JSON.');
    }
    const notices = parseQuickBooksWebhook(parsed);
    if (!notices) return sendError(res, 400, 'malformed_payload', 'The webhook body is neither Intuit\'s eventNotifications nor CloudEvents.');
    const realms = [...new Set(notices.map((n) => n.realmId))];
    const owners = await services.db.query<{ merchant_id: string; realm_id: string }>(
      `SELECT merchant_id, settings->>'realmId' AS realm_id FROM connections WHERE platform = 'quickbooks' AND settings->>'realmId' = ANY($1::text[])`,
      [realms],
    );
    const events = notices.flatMap((n) => owners.filter((o) => o.realm_id === n.realmId).map((o) => ({
      merchantId: o.merchant_id, platform: 'quickbooks', eventId: n.eventId, eventType: `${n.entity}.${n.operation}`, payload: JSON.stringify(n),
    })));
    const recorded = await recordInboundEvents(services.db, events);
    // A redelivery not yet processed is queued again: its job id makes it one job.
    await services.jobs.enqueueMany('quickbooks', recorded.map((r, i) => ({ jobId: inboundJobId(events[i]!.merchantId, r.id), data: { inboxId: r.id } })));
    res.json({ received: true, changes: events.length });
  }));

  router.get('/api/books/flags', auth, route(async (req, res) => {
    const flags = await openBooksFlags(services.db, req.merchant!.id);
    res.json({
      flags: flags.map((f) => ({
        ...f,
        postedAmountFormatted: formatMoney(f.postedAmount),
        currentAmountFormatted: f.currentAmount ? formatMoney(f.currentAmount) : null,
        explanation: explain(f),
      })),
    });
  }));
  return router;
}

/** What the bookkeeper reads: what changed, from what to what, and that Settle left it alone. */
function explain(f: Awaited<ReturnType<typeof openBooksFlags>>[number]): string {
  const what = `${f.documentType} ${f.documentId} (${f.entryDescription})`;
  if (f.change === 'deleted') return `${what} was deleted in QuickBooks. Settle posted ${formatMoney(f.postedAmount)} and has not posted it again.`;
  if (f.change === 'voided') return `${what} was voided in QuickBooks. Settle posted ${formatMoney(f.postedAmount)} and left it as it is.`;
  const now = f.currentAmount ? formatMoney(f.currentAmount) : 'an unknown amount';
  return f.currentAmount?.amount === f.postedAmount.amount
    ? `${what} was edited in QuickBooks; its total is still ${now}. Settle left the edit as it is.`
    : `${what} was edited in QuickBooks: its total is now ${now}, Settle posted ${formatMoney(f.postedAmount)}. Settle left the edit as it is.`;
}
