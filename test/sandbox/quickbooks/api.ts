// Accounting API v3 routes under /v3/company/:realmId. Middleware order mirrors what a
// client observes from Intuit: authentication, then throttling, then request validation,
// then the operation. requestid replay sits just before the operation.
import express, { type NextFunction, type Request, type Response } from 'express';
import { BatchLimits, batchItems, runBatch } from './batch';
import { Books, ENTITY_BY_PATH } from './books';
import { faults, QboFault } from './faults';
import { parseQuery, runQuery } from './query';
import type { Company, SandboxStore } from './store';

export const RATE_LIMIT_PER_MIN = 500;
export const MAX_CONCURRENT = 10;
export const MAX_MINOR_VERSION = 75;
const CDC_LOOKBACK_MS = 30 * 86_400_000;
const CDC_MAX = 1000; // entities per CDC answer

type Reply = { status: number; body: unknown };

export function apiRouter(store: SandboxStore, books: Books): express.Router {
  const router = express.Router({ mergeParams: true });
  const companyOf = (res: Response): Company => res.locals.company as Company;
  const send = (res: Response, r: Reply): void => void res.status(r.status).json(r.body);

  router.use((req: Request, res: Response, next: NextFunction) => {
    const realmId = String(req.params.realmId ?? '');
    const header = req.get('authorization') ?? '';
    const m = /^Bearer\s+(\S+)$/i.exec(header);
    if (!m) throw faults.auth('Authorization header missing or not a Bearer token');
    const token = store.accessTokens.get(m[1] as string);
    if (!token) throw faults.auth('Token invalid or revoked');
    if (token.expiresAt <= store.now()) throw faults.auth(`Token expired: ${(m[1] as string).slice(0, 12)}...`);
    const company = store.companies.get(realmId);
    if (!company || token.realmId !== realmId) throw faults.forbidden(`Token is not authorized for realm ${realmId}`);
    res.locals.company = company;
    res.locals.clientId = token.clientId;
    next();
  });

  // 500 requests per minute per realm (fixed one-minute window) and at most 10 in flight,
  // per Intuit's limits page and NOTES.md. Throttled requests are not counted.
  router.use((_req: Request, res: Response, next: NextFunction) => {
    const rate = companyOf(res).rate;
    const now = store.now();
    if (now - rate.windowStart >= 60_000) {
      rate.windowStart = now;
      rate.count = 0;
    }
    if (rate.count >= RATE_LIMIT_PER_MIN || rate.inFlight >= MAX_CONCURRENT) throw faults.throttle();
    rate.count++;
    rate.inFlight++;
    let done = false;
    const release = (): void => {
      if (!done) rate.inFlight--;
      done = true;
    };
    res.on('finish', release);
    res.on('close', release);
    next();
  });

  router.use((_req: Request, _res: Response, next: NextFunction) => {
    if (store.serverErrors <= 0) return next();
    store.serverErrors--;
    throw faults.system('The sandbox was told to fail this request (fault switch)');
  });

  router.use((req: Request, _res: Response, next: NextFunction) => {
    const mv = req.query.minorversion;
    if (mv !== undefined) {
      const n = Number(mv);
      if (typeof mv !== 'string' || !/^\d+$/.test(mv) || n < 1 || n > MAX_MINOR_VERSION) throw faults.minorVersion(String(mv));
    }
    next();
  });

  /**
   * Runs `op` once per requestid per company; later calls get the first reply verbatim. `beforeFirstReply`
   * runs before the reply of the call that did the work (the crash tests' hold), never before a replay.
   */
  const once = (req: Request, res: Response, op: () => Promise<Reply>, beforeFirstReply?: () => Promise<void>): Promise<void> => {
    const rid = typeof req.query.requestid === 'string' ? req.query.requestid : undefined;
    const run = async (): Promise<Reply> => {
      try {
        return await op();
      } catch (err) {
        const f = err instanceof QboFault ? err : faults.system(String(err));
        return { status: f.status, body: f.body(store.isoNow()) };
      }
    };
    const ids = companyOf(res).requestIds;
    let pending = rid ? ids.get(rid) : undefined;
    const first = !pending;
    if (!pending) pending = run();
    if (rid && first) ids.set(rid, pending);
    return pending.then(async (r) => {
      if (first && r.status === 200) await beforeFirstReply?.();
      send(res, r);
    });
  };

  /** A query's QueryResponse, as GET /query and a batch's Query item answer it. */
  const answerQuery = (company: Company, text: unknown): Record<string, unknown> => {
    if (typeof text !== 'string' || text.trim() === '') throw faults.query('query parameter is missing');
    const q = parseQuery(text);
    const entity = Object.values(ENTITY_BY_PATH).find((e) => e.toLowerCase() === q.entity.toLowerCase());
    if (!entity) throw faults.unsupported(`Invalid context declaration : ${q.entity}`);
    const { rows, total } = runQuery(q, books.all(company, entity));
    if (q.count) return { totalCount: total };
    // QuickBooks answers an empty result with an empty QueryResponse object.
    if (rows.length === 0) return {};
    return { [entity]: rows, startPosition: q.startPosition, maxResults: rows.length };
  };

  router.get('/query', (req: Request, res: Response) => {
    return once(req, res, async () => ({ status: 200, body: { QueryResponse: answerQuery(companyOf(res), req.query.query), time: store.isoNow() } }));
  });

  // Batch: counted once against the 500 a minute above, and against the batch limits here. The
  // crash tests' hold applies when the batch creates the held entity (Settle posts its documents in batches).
  const batchLimits = new BatchLimits();
  router.post('/batch', express.json({ limit: '4mb' }), (req: Request, res: Response) => {
    const company = companyOf(res);
    batchLimits.take(company, String(res.locals.clientId), store.now());
    const items = batchItems(req.body);
    batchLimits.checkSameBody(company, typeof req.query.requestid === 'string' ? req.query.requestid : undefined, req.body);
    const creates = items.filter((i) => i.operation === 'create').flatMap((i) => Object.keys(i)).filter((k) => k !== 'bId' && k !== 'operation');
    return once(req, res, async () => {
      const BatchItemResponse = await runBatch(books, company, items, (text) => answerQuery(company, text));
      return { status: 200, body: { BatchItemResponse, time: store.isoNow() } };
    }, async () => {
      for (const name of new Set(creates)) await store.hold.beforeReply(name, res);
    });
  });

  // Change Data Capture: what changed (created, updated, deleted) in the named entities since a
  // moment at most 30 days back. Deleted ones come as {Id, status: "Deleted", MetaData}.
  router.get('/cdc', (req: Request, res: Response) => {
    const company = companyOf(res);
    const names = typeof req.query.entities === 'string' ? req.query.entities.split(',').map((n) => n.trim()).filter(Boolean) : [];
    if (names.length === 0) throw faults.required('entities');
    const entities = names.map((n) => Object.values(ENTITY_BY_PATH).find((e) => e.toLowerCase() === n.toLowerCase()) ?? n);
    const unknown = entities.find((e) => !Object.values(ENTITY_BY_PATH).includes(e));
    if (unknown) throw faults.unsupported(`Invalid entity for CDC: ${unknown}`);
    const sinceText = typeof req.query.changedSince === 'string' ? req.query.changedSince : '';
    if (!sinceText) throw faults.required('changedSince');
    const since = Date.parse(sinceText);
    if (Number.isNaN(since)) throw faults.invalid('changedSince', `changedSince is not a date-time: ${sinceText}`);
    if (store.now() - since > CDC_LOOKBACK_MS) throw faults.invalid('changedSince', 'changedSince can be at most 30 days in the past');
    const QueryResponse = entities.map((entity) => {
      const changed: Record<string, unknown>[] = books.all(company, entity)
        .filter((e) => Date.parse(String((e.MetaData as { LastUpdatedTime?: string }).LastUpdatedTime)) >= since);
      for (const [Id, at] of company.deleted.get(entity) ?? []) {
        if (at >= since) changed.push({ Id, status: 'Deleted', domain: 'QBO', MetaData: { LastUpdatedTime: new Date(at).toISOString() } });
      }
      return changed.length === 0 ? {} : { [entity]: changed.slice(0, CDC_MAX), startPosition: 1, maxResults: Math.min(changed.length, CDC_MAX) };
    });
    res.json({ CDCResponse: [{ QueryResponse }], time: store.isoNow() });
  });

  const entityFrom = (req: Request): string => {
    const name = ENTITY_BY_PATH[String(req.params.entity).toLowerCase()];
    if (!name) throw faults.unsupported(`Unsupported entity in the sandbox: ${String(req.params.entity)}`);
    return name;
  };

  router.post('/:entity', express.json({ limit: '1mb' }), (req: Request, res: Response) => {
    const name = entityFrom(req);
    const operation = req.query.operation;
    const voiding = req.query.include === 'void';
    return once(req, res, async () => {
      const company = companyOf(res);
      let entity;
      if (operation === undefined) entity = await books.create(company, name, req.body);
      else if (operation === 'update') entity = await (voiding ? books.void(company, name, req.body) : books.update(company, name, req.body));
      else if (operation === 'delete') entity = await books.remove(company, name, req.body);
      // operation=void is Invoice's form (not served here); SalesReceipt voids via update&include=void.
      else throw faults.unsupportedOperation(String(operation), name);
      return { status: 200, body: { [name]: entity, time: store.isoNow() } };
    }, operation === undefined ? () => store.hold.beforeReply(name, res) : undefined);
  });

  // The company's Preferences are read without an id (node-quickbooks getPreferences).
  router.get('/preferences', (_req: Request, res: Response) => {
    res.json({ Preferences: books.read(companyOf(res), 'Preferences', '1'), time: store.isoNow() });
  });

  router.get('/:entity/:id', (req: Request, res: Response) => {
    const name = entityFrom(req);
    const entity = books.read(companyOf(res), name, String(req.params.id));
    res.json({ [name]: entity, time: store.isoNow() });
  });

  return router;
}

/** How many requests each company was refused with 429 (benchmarks report it; Settle should cause none). */
const throttled = new WeakMap<SandboxStore, Map<string, number>>();
export const throttledRequests = (store: SandboxStore, realmId: string): number => throttled.get(store)?.get(realmId) ?? 0;

/** Turns thrown faults (and body-parser errors) into Intuit fault bodies. */
export function faultHandler(store: SandboxStore) {
  return (err: unknown, req: Request, res: Response, _next: NextFunction): void => {
    let fault: QboFault;
    if (err instanceof QboFault) fault = err;
    else if (err instanceof SyntaxError || (err as { type?: string }).type === 'entity.parse.failed')
      fault = faults.invalid('body', `Request body is not valid JSON: ${(err as Error).message}`);
    else fault = faults.system(err instanceof Error ? err.message : String(err));
    const realm = /^\/v3\/company\/([^/]+)\//.exec(req.originalUrl)?.[1];
    if (fault.status === 429 && realm) {
      let counts = throttled.get(store);
      if (!counts) throttled.set(store, (counts = new Map()));
      counts.set(realm, (counts.get(realm) ?? 0) + 1);
    }
    res.status(fault.status).json(fault.body(store.isoNow()));
  };
}
