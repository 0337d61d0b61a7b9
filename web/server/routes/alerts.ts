import { Router, json, type RequestHandler } from 'express';
import { z } from 'zod';
import type { Services } from '../services';
import { alertEmail, dismissAlert, listAlerts, setAlertEmail, type Alert } from '../../../core/alerts/alerts';
import { parseBody, parseQuery, route } from '../http';
import { SettleError } from '../../../core/errors';

export const alertView = (a: Alert) => ({
  id: a.id, kind: a.kind, subject: a.subject, title: a.title, message: a.message,
  firstSeenAt: a.firstSeenAt.toISOString(), lastSeenAt: a.lastSeenAt.toISOString(), resolvedAt: a.resolvedAt?.toISOString() ?? null,
  dismissedAt: a.dismissedAt?.toISOString() ?? null, emailedAt: a.emailedAt?.toISOString() ?? null,
});

const settingsBody = z.object({
  // Empty or null: no alert emails (alerts still show in the admin).
  email: z.union([z.email('an email address').max(254), z.literal(''), z.null()]),
}).strict();

/** The merchant's alerts (open by default, ?status=resolved for the latest cleared) and where they are emailed. */
export function alertRoutes(services: Services, auth: RequestHandler): Router {
  const router = Router();
  const body = json({ limit: services.config.API_BODY_LIMIT });

  router.get('/api/alerts', auth, route(async (req, res) => {
    const { status } = parseQuery(z.object({ status: z.enum(['open', 'resolved']).default('open') }), req);
    res.json({ alerts: (await listAlerts(services.db, req.merchant!.id, { resolved: status === 'resolved' })).map(alertView) });
  }));

  // Hides the banner; the alert stays on the status page until its condition clears.
  router.post('/api/alerts/:id/dismiss', auth, route(async (req, res) => {
    const id = Number(req.params.id);
    if (!Number.isSafeInteger(id) || id <= 0) throw new SettleError('alert_not_found', 'There is no such alert.', 404);
    res.json({ alert: alertView(await dismissAlert(services.db, req.merchant!.id, id)) });
  }));

  router.get('/api/alerts/settings', auth, route(async (req, res) => {
    res.json({ email: await alertEmail(services.db, req.merchant!.id), emailEnabled: Boolean(services.config.SMTP_URL) });
  }));
  router.put('/api/alerts/settings', auth, body, route(async (req, res) => {
    const { email } = parseBody(settingsBody, req);
    await setAlertEmail(services.db, req.merchant!.id, email ? email : null);
    res.json({ email: email ? email : null, emailEnabled: Boolean(services.config.SMTP_URL) });
  }));
  return router;
}
