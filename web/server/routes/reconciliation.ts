import { json, Router, type RequestHandler } from 'express';
import { z } from 'zod';
import type { Services } from '../services';
import { SettleError } from '../../../core/errors';
import {
  acceptException, auditTrail, findException, listExceptions, refetchException, retryException, type AuditLine, type ReconciliationException,
} from '../../../core/reconciliation/exceptions';
import { latestSweep } from '../../../core/reconciliation/sweep';
import { parseBody, route } from '../http';
import { sweepJobId } from '../reconciliation-jobs';

const exceptionView = (e: ReconciliationException) => ({
  id: e.id, kind: e.kind, subject: e.subject, paymentId: e.paymentId, orderNumber: e.orderNumber, explanation: e.explanation, details: e.details,
  status: e.status, note: e.note, actions: e.actions, firstSeenAt: e.firstSeenAt.toISOString(), lastSeenAt: e.lastSeenAt.toISOString(),
  resolvedAt: e.resolvedAt?.toISOString() ?? null,
});
const auditView = (a: AuditLine) => ({ id: a.id, exceptionId: a.exceptionId, actor: a.actor, action: a.action, detail: a.detail, at: a.at.toISOString() });

const STATUS = z.enum(['open', 'resolved', 'accepted']);
const ACCEPT = z.object({ note: z.string().trim().min(1, 'say why it is accepted').max(1000) });

/**
 * The exceptions queue: what the three-way match found, what was done about it (the audit trail),
 * and the actions retry, re-fetch and accept with a note; the sweep and its progress. Merchant-scoped:
 * another merchant's exception reads exactly like one that does not exist.
 */
export function reconciliationRoutes(services: Services, auth: RequestHandler): Router {
  const router = Router();
  const body = json({ limit: services.config.API_BODY_LIMIT });
  const exceptionId = (raw: unknown) => {
    const id = Number(raw);
    if (!Number.isSafeInteger(id) || id <= 0) throw new SettleError('exception_not_found', 'There is no such reconciliation exception.', 404);
    return id;
  };

  router.get('/api/reconciliation/exceptions', auth, route(async (req, res) => {
    const status = STATUS.safeParse(req.query.status ?? 'open');
    if (!status.success) throw new SettleError('invalid_request', 'status: one of open, resolved, accepted', 400);
    res.json({ exceptions: (await listExceptions(services.db, req.merchant!.id, { status: status.data })).map(exceptionView) });
  }));

  router.get('/api/reconciliation/exceptions/:id', auth, route(async (req, res) => {
    const id = exceptionId(req.params.id);
    const exception = await findException(services.db, req.merchant!.id, id);
    if (!exception) throw new SettleError('exception_not_found', 'There is no such reconciliation exception.', 404);
    res.json({ exception: exceptionView(exception), audit: (await auditTrail(services.db, req.merchant!.id, id)).map(auditView) });
  }));

  router.post('/api/reconciliation/exceptions/:id/retry', auth, route(async (req, res) => {
    const queued = await retryException(services, req.merchant!.id, exceptionId(req.params.id), 'merchant');
    res.status(202).json({ queued });
  }));

  router.post('/api/reconciliation/exceptions/:id/refetch', auth, route(async (req, res) => {
    const { exception } = await refetchException(services, req.merchant!.id, exceptionId(req.params.id));
    res.json({ exception: exceptionView(exception) });
  }));

  router.post('/api/reconciliation/exceptions/:id/accept', auth, body, route(async (req, res) => {
    const { note } = parseBody(ACCEPT, req);
    res.json({ exception: exceptionView(await acceptException(services.db, req.merchant!.id, exceptionId(req.params.id), note)) });
  }));

  // The sweep's repairs and recoveries that belong to no single exception (missed webhooks) are here too.
  router.get('/api/reconciliation/audit', auth, route(async (req, res) => {
    res.json({ audit: (await auditTrail(services.db, req.merchant!.id, null)).map(auditView) });
  }));

  router.get('/api/reconciliation/sweep', auth, route(async (req, res) => {
    res.json({ sweep: (await latestSweep(services.db, req.merchant!.id)) ?? null });
  }));

  router.post('/api/reconciliation/sweep', auth, route(async (req, res) => {
    await services.jobs.enqueue('reconciliation', sweepJobId(req.merchant!.id, `now-${Date.now()}`), { merchantId: req.merchant!.id });
    res.status(202).json({ queued: true });
  }));

  return router;
}
