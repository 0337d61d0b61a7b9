import { Router } from 'express';
import type { Services } from '../services';
import { metricsAllowed, metricsText, registry } from '../metrics';
import { route } from '../http';

/** GET /metrics for Prometheus: behind METRICS_TOKEN (a bearer token) when it is set. */
export function metricsRoutes(services: Services): Router {
  const router = Router();
  router.get('/metrics', route(async (req, res) => {
    if (!metricsAllowed(services.config.METRICS_TOKEN, req.header('authorization'))) {
      res.setHeader('WWW-Authenticate', 'Bearer');
      return void res.status(401).type('text/plain').send('Unauthorized: send METRICS_TOKEN as a bearer token.\n');
    }
    res.type(registry.contentType).send(await metricsText(() => services.jobs.counts()));
  }));
  return router;
}
