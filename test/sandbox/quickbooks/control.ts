// /_sandbox control endpoints: they play Intuit's developer portal (create an app), the
// merchant's consent screen (connect a company, get tokens) and give tests a look inside.
// Loopback only, no auth.
import { randomUUID } from 'node:crypto';
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

  router.post('/apps', (req: Request, res: Response) => {
    const uris = (req.body as Record<string, unknown> | undefined)?.redirect_uris;
    if (uris !== undefined && !(Array.isArray(uris) && uris.every((u) => typeof u === 'string' && URL.canParse(u)))) {
      res.status(400).json({ error: 'redirect_uris must be a list of URLs' });
      return;
    }
    res.status(201).json(store.createApp(uris as string[] | undefined));
  });

  // The portal's Webhooks page: endpoint URL, format, on/off. The verifier token is made once per app.
  router.put('/apps/:clientId/webhooks', (req: Request, res: Response) => {
    const clientId = String(req.params.clientId);
    const body = (req.body ?? {}) as Record<string, unknown>;
    if (!store.apps.has(clientId)) return void res.status(404).json({ error: 'unknown client_id' });
    if (typeof body.url !== 'string' || !URL.canParse(body.url)) return void res.status(400).json({ error: 'url must be a URL' });
    if (body.format !== undefined && body.format !== 'legacy' && body.format !== 'cloudevents') return void res.status(400).json({ error: 'format is legacy or cloudevents' });
    const verifierToken = store.webhooks.get(clientId)?.verifierToken ?? randomUUID();
    store.webhooks.set(clientId, { url: body.url, verifierToken, format: (body.format as 'legacy' | 'cloudevents' | undefined) ?? 'cloudevents', enabled: body.enabled !== false });
    res.json({ verifier_token: verifierToken });
  });

  // The company's Account and Settings page: turning multicurrency on (it cannot be turned off).
  router.post('/companies/:realmId/multicurrency', (req: Request, res: Response) => {
    const company = store.companies.get(String(req.params.realmId));
    if (!company) return void res.status(404).json({ error: 'unknown realm' });
    books.enableMultiCurrency(company);
    res.json({ realm_id: company.realmId, home_currency: company.homeCurrency, multi_currency: true });
  });

  router.post('/companies/:realmId/disconnect', (req: Request, res: Response) => {
    const company = store.companies.get(String(req.params.realmId));
    if (!company) return void res.status(404).json({ error: 'unknown realm' });
    store.revokeAll(company.realmId, company.clientId);
    res.json({ realm_id: company.realmId, disconnected: true });
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
    const company = store.createCompany(clientId, name, currency, body.multi_currency === true);
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

  // The bookkeeper's "Close the books" setting (Account and settings > Advanced): { BookCloseDate: 'YYYY-MM-DD' | null }.
  router.put('/companies/:realmId/preferences/book-close-date', (req: Request, res: Response) => {
    const company = store.companies.get(String(req.params.realmId));
    if (!company) return void res.status(404).json({ error: 'unknown realm' });
    const date = (req.body as Record<string, unknown> | undefined)?.BookCloseDate;
    if (date !== null && !(typeof date === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(date))) return void res.status(400).json({ error: 'BookCloseDate is a date (YYYY-MM-DD) or null' });
    res.json({ Preferences: books.setBookCloseDate(company, date) });
  });

  router.get('/companies/:realmId/documents', (req: Request, res: Response) => {
    const company = store.companies.get(String(req.params.realmId));
    if (!company) {
      res.status(404).json({ error: 'unknown realm' });
      return;
    }
    const documents: Record<string, unknown[]> = {};
    for (const entity of Object.values(ENTITY_BY_PATH)) documents[entity] = books.all(company, entity);
    res.json({ realm_id: company.realmId, company_name: company.companyName, home_currency: company.homeCurrency, multi_currency: company.multiCurrency, documents });
  });

  // Crash tests: hold the reply to the next create of an entity; how many were held; let them go.
  router.post('/hold', (req: Request, res: Response) => {
    const entity = (req.body as Record<string, unknown> | undefined)?.entity;
    if (typeof entity !== 'string' || !Object.values(ENTITY_BY_PATH).includes(entity)) return void res.status(400).json({ error: 'entity must be a QuickBooks entity name' });
    store.hold.arm(entity);
    res.json({ armed: entity });
  });
  router.post('/server-errors', (req: Request, res: Response) => {
    const count = Number((req.body as Record<string, unknown> | undefined)?.count);
    if (!Number.isInteger(count) || count < 0) return void res.status(400).json({ error: 'count must be a whole number' });
    res.json({ server_errors: (store.serverErrors = count) });
  });
  router.get('/hold', (_req: Request, res: Response) => void res.json({ held: store.hold.held }));
  router.post('/hold/release', (_req: Request, res: Response) => {
    store.hold.release();
    res.json({ released: true });
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
