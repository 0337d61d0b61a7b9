import { Router } from 'express';
import type { Services } from '../services';
import { pingRedis } from '../../../connectors/queue/bullmq';

/** Liveness (the process answers) and readiness (it can reach the database and Redis). */
export function healthRoutes(services: Services): Router {
  const router = Router();
  router.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  router.get('/readyz', async (_req, res) => {
    const [database, redis] = await Promise.all([
      services.db.query('SELECT 1').then(() => true, () => false),
      pingRedis(services.redisUrl, 1000),
    ]);
    const ready = database && redis;
    res.status(ready ? 200 : 503).json({ status: ready ? 'ready' : 'unavailable', checks: { database: database ? 'ok' : 'down', redis: redis ? 'ok' : 'down' } });
  });
  return router;
}
