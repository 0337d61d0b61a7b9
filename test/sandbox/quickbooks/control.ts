// /_sandbox control endpoints: they play Intuit's developer portal (create an app), the
// merchant's consent screen (connect a company, get tokens) and give tests a look inside.
// Loopback only, no auth.
import express, { type NextFunction, type Request, type Response } from 'express';
import type { Books } from './books';
import { ENTITY_BY_PATH } from './books';
import { ACCESS_TOKEN_TTL_S, REFRESH_TOKEN_TTL_S, type SandboxStore } from './store';

const LOOPBACK = new Set(['127.0.0.1', '::1', '::ffff:127.0.0.1']);

export function controlRouter(store: SandboxStore, books: Books): express.Router {
  const router = express.Router();
  router.use((req: Request, res: Response, next: NextFunction) => {
    if (!LOOPBACK.has(req.socket.remoteAddress ?? '')) {
      res.status(403).json({ error: 'control endpoints are loopback-only' });
      return;
    }
    next();
  });
  router.use(express.json());

  router.post('/apps', (_req: Request, res: Response) => {
    res.status(201).json(store.createApp());
  });

  router.post('/companies', (req: Request, res: Response) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    const clientId = body.client_id;
    if (typeof clientId !== 'string' || !store.apps.has(clientId)) {
      res.status(400).json({ error: 'unknown client_id' });
      return;
    }
    const currency = typeof body.home_currency === 'string' ? body.home_currency : 'USD';
    const name = typeof body.company_name === 'string' ? body.company_name : 'Sandbox Company';
    const company = store.createCompany(clientId, name, currency);
    books.seed(company);
    const { access, refresh } = store.issueTokens(company.realmId, clientId);
    res.status(201).json({
      realm_id: company.realmId,
      access_token: access.token,
      refresh_token: refresh.token,
      expires_in: ACCESS_TOKEN_TTL_S,
      x_refresh_token_expires_in: REFRESH_TOKEN_TTL_S,
    });
  });

  router.get('/companies/:realmId/documents', (req: Request, res: Response) => {
    const company = store.companies.get(String(req.params.realmId));
    if (!company) {
      res.status(404).json({ error: 'unknown realm' });
      return;
    }
    const documents: Record<string, unknown[]> = {};
    for (const entity of Object.values(ENTITY_BY_PATH)) documents[entity] = books.all(company, entity);
    res.json({ realm_id: company.realmId, company_name: company.companyName, home_currency: company.homeCurrency, documents });
  });

  // Moves the sandbox clock (token expiry, rate-limit window) without waiting.
  router.post('/clock/advance', (req: Request, res: Response) => {
    const seconds = Number((req.body as Record<string, unknown> | undefined)?.seconds);
    if (!Number.isFinite(seconds) || seconds < 0) {
      res.status(400).json({ error: 'seconds must be a non-negative number' });
      return;
    }
    res.json({ now: new Date(store.advanceClock(seconds)).toISOString() });
  });

  // Stored response forms the XSD refused (validated in the background); should be empty.
  router.get('/contract-violations', async (_req: Request, res: Response) => {
    res.json({ violations: await books.settledViolations() });
  });
  return router;
}
