import { Router, type RequestHandler } from 'express';
import type { Services } from '../services';
import { merchantStatus } from '../../../core/alerts/status';
import { route } from '../http';
import { alertView } from './alerts';

const iso = (d: Date | null) => d?.toISOString() ?? null;

/** GET /api/status: the Status tab's figures, the signed-in merchant's own only. */
export function statusRoutes(services: Services, auth: RequestHandler): Router {
  const router = Router();
  router.get('/api/status', auth, route(async (req, res) => {
    const s = await merchantStatus(services.db, req.merchant!.id);
    res.json({
      connections: s.connections,
      lastWebhooks: s.lastWebhooks.map((w) => ({ ...w, lastAt: iso(w.lastAt) })),
      pendingWork: s.pendingWork.map((w) => ({ ...w, oldestAt: iso(w.oldestAt) })),
      booksBacklog: { ...s.booksBacklog, oldestAt: iso(s.booksBacklog.oldestAt) },
      openExceptions: s.openExceptions,
      lastSync: { store: iso(s.lastSync.store), books: iso(s.lastSync.books) },
      alerts: s.alerts.map(alertView),
      checkedAt: new Date().toISOString(),
    });
  }));
  return router;
}
