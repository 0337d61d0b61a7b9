// Stripe sandbox: a stateful stand-in for api.stripe.com that the official SDK can be
// pointed at (host/port/protocol options). See README.md in this folder.
import { randomBytes } from 'node:crypto';
import express, { type NextFunction, type Request, type Response } from 'express';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { SandboxState, type Switches } from './store';
import { WebhookDispatcher, type Delivery } from './webhooks';
import { loadSpec, warmValidators } from './spec';
import { runRoute } from './api';
import { routes } from './routes';
import { advanceClock, failPayout } from './payouts';
import { decideDispute } from './disputes';
import type { Account, StripeObject } from './store';
import { threeDSecurePages } from './three-d-secure';
import { StripeApiError } from './errors';
import { connectOAuth, disconnect, makePlatform } from './connect';
import { FAULT_NAMES, parseFault, type Fault } from './faults';
import { createWalletToken } from './wallets';

export { validateStripeResponse } from './spec';
export { computeFee, convert, FX_RATES } from './fees';
export { signPayload, type Delivery } from './webhooks';
export type { Fault } from './faults';

export interface SandboxAccount {
  id: string;
  secret_key: string;
  publishable_key: string;
}

export interface SandboxPlatform extends SandboxAccount {
  /** The Connect OAuth client id (ca_...). */
  client_id: string;
}

export interface StripeSandbox {
  url: string;
  port: number;
  close(): Promise<void>;
  /** Same as POST /_sandbox/accounts. */
  createAccount(opts?: { country?: 'US' | 'JP'; default_currency?: 'usd' | 'jpy'; livemode?: boolean }): SandboxAccount;
  /** Same as POST /_sandbox/platforms: an account with Connect set up (name, OAuth redirect URIs). */
  createPlatform(opts: { name: string; redirect_uris: string[] }): SandboxPlatform;
  /**
   * Same as POST /_sandbox/accounts/:id/deauthorize: the connected account's owner removes the
   * platform in their Dashboard (the platform gets account.application.deauthorized).
   */
  revokeAccess(account: string, clientId: string): void;
  /**
   * Same as POST /_sandbox/wallet_tokens: what Apple's or Google's servers get from Stripe when a
   * shopper picks a card in their wallet sheet — a card token (`card.tokenization_method`) for the
   * account of `publishable_key`. `card`: a pm_card_* shortcut or test number (default pm_card_visa).
   */
  walletToken(opts: { publishable_key: string; wallet: 'apple_pay' | 'google_pay'; card?: string }): { id: string; object: 'token'; card: Record<string, unknown> };
  /** Same as POST /_sandbox/clock/advance; returns the new sandbox time (unix seconds). */
  advanceClock(seconds: number): { now: number };
  /** Same as GET /_sandbox/deliveries?account=. */
  deliveries(account: string): Delivery[];
  /** Same as GET /_sandbox/webhook_endpoints?account=: each endpoint with its signing secret. */
  webhookEndpoints(account: string): WebhookEndpointView[];
  /**
   * Same as POST /_sandbox/webhook_endpoints/:id/roll_secret: the account owner rolls the endpoint's
   * signing secret in the Dashboard. Deliveries are signed with the new one from then on.
   */
  rollWebhookSecret(endpointId: string): { id: string; secret: string };
  /** Same as POST /_sandbox/switches (faults: see faults.ts; null turns one off). */
  setSwitches(s: Partial<Switches>): Switches;
  /** Same as POST /_sandbox/deliveries/release: sends held deliveries; returns how many. */
  releaseDeliveries(opts?: { reverse?: boolean }): { released: number };
  /** Sandbox clock, unix seconds. */
  now(): number;
  /** Resolves when no webhook delivery is running or waiting for a retry. */
  webhooksIdle(): Promise<void>;
}

/**
 * What the dashboard's webhook page shows (signing secret included), so a load generator or a
 * test can sign events as the endpoint's owner would see them signed. Read-only.
 */
export interface WebhookEndpointView {
  id: string;
  url: string;
  secret: string;
  enabled_events: string[];
  status: string;
}

export interface StripeSandboxOptions {
  port?: number;
  host?: string;
  webhookRetryDelaysMs?: number[];
}

const isLoopback = (addr: string | undefined) =>
  addr === '127.0.0.1' || addr === '::1' || addr === '::ffff:127.0.0.1';

export async function startStripeSandbox(opts: StripeSandboxOptions = {}): Promise<StripeSandbox> {
  loadSpec(); // parse the 4 MB spec now, not on the first request
  warmValidators();
  const state = new SandboxState();
  const hooks = new WebhookDispatcher(state, opts.webhookRetryDelaysMs ?? [1000, 5000, 30000]);

  const createAccount: StripeSandbox['createAccount'] = (o = {}) => {
    if (o.country !== undefined && o.country !== 'US' && o.country !== 'JP') throw new Error('country must be US or JP');
    if (o.default_currency !== undefined && o.default_currency !== 'usd' && o.default_currency !== 'jpy')
      throw new Error('default_currency must be usd or jpy');
    if (o.livemode !== undefined && typeof o.livemode !== 'boolean') throw new Error('livemode must be true or false');
    const a = state.createAccount(o.country ?? (o.default_currency === 'jpy' ? 'JP' : 'US'), o.default_currency, o.livemode ?? false);
    return { id: a.id, secret_key: a.secretKey, publishable_key: a.publishableKey };
  };
  const createPlatform: StripeSandbox['createPlatform'] = (o) => {
    if (typeof o?.name !== 'string' || !Array.isArray(o.redirect_uris) || o.redirect_uris.length === 0)
      throw new Error('name and redirect_uris (at least one) are required');
    const a = state.createAccount('US');
    const clientId = makePlatform(state, a, o.name, o.redirect_uris.map(String));
    return { id: a.id, secret_key: a.secretKey, publishable_key: a.publishableKey, client_id: clientId };
  };
  const revokeAccess = (account: string, clientId: string) => {
    const platform = state.platforms.get(clientId);
    if (!platform || !disconnect(state, hooks, platform, account)) throw new Error(`${account} is not connected to ${clientId}`);
  };
  const walletToken = (o: { publishable_key?: unknown; wallet?: unknown; card?: unknown }) => {
    const acct = state.accountForKey(String(o.publishable_key ?? ''));
    if (!acct || acct.publishableKey !== o.publishable_key) throw new Error('publishable_key must be an account’s publishable key');
    return createWalletToken(acct, state.now(), String(o.wallet), o.card === undefined ? undefined : String(o.card)) as ReturnType<StripeSandbox['walletToken']>;
  };
  const advance = (seconds: number) => {
    if (!Number.isFinite(seconds) || seconds < 0) throw new Error('seconds must be a non-negative number');
    const now = advanceClock(state, hooks, Math.floor(seconds));
    hooks.runDue(now); // webhook retries on Stripe's live schedule that have come due
    return { now };
  };
  const webhookEndpoints = (account: string): WebhookEndpointView[] => {
    const acct = state.accounts.get(account);
    if (!acct) throw new Error(`no such account: ${account}`);
    return [...acct.webhookEndpoints.values()].map((ep) => ({
      id: ep.id, url: String(ep.url), secret: String(ep.secret), enabled_events: ep.enabled_events as string[], status: String(ep.status),
    }));
  };
  const rollWebhookSecret = (endpointId: string) => {
    for (const acct of state.accounts.values()) {
      const ep = acct.webhookEndpoints.get(endpointId);
      if (!ep) continue;
      ep.secret = `whsec_${randomBytes(24).toString('hex')}`;
      return { id: endpointId, secret: String(ep.secret) };
    }
    throw new Error(`no such webhook endpoint: ${endpointId}`);
  };
  const setSwitches = (s: Partial<Switches>) => {
    const known = ['deliver_twice', 'hold_deliveries', 'out_of_order', 'delay_ms', ...FAULT_NAMES];
    for (const k of Object.keys(s)) if (!known.includes(k)) throw new Error(`unknown switch: ${k} (known: ${known.join(', ')})`);
    if (s.delay_ms !== undefined) {
      if (!Number.isInteger(s.delay_ms) || s.delay_ms < 0 || s.delay_ms > 120_000) throw new Error('delay_ms must be a whole number of milliseconds, 0..120000');
    }
    const faults = Object.fromEntries(FAULT_NAMES.filter((n) => n in s).map((n) => [n, parseFault(n, s[n])])) as Record<string, Fault | null>;
    Object.assign(state.switches, faults);
    if (s.delay_ms !== undefined) state.switches.delay_ms = s.delay_ms;
    if (s.out_of_order !== undefined) state.switches.out_of_order = Boolean(s.out_of_order);
    if (s.deliver_twice !== undefined) state.switches.deliver_twice = Boolean(s.deliver_twice);
    if (s.hold_deliveries !== undefined) {
      state.switches.hold_deliveries = Boolean(s.hold_deliveries);
      if (!state.switches.hold_deliveries) hooks.release(); // nothing held is ever lost
    }
    return structuredClone(state.switches);
  };

  const app = express();
  app.disable('x-powered-by');

  // Control endpoints: the "Stripe dashboard" of the sandbox; loopback callers only.
  const control = express.Router();
  control.use((req, res, next) => {
    if (!isLoopback(req.socket.remoteAddress)) return void res.status(403).json({ error: 'loopback only' });
    next();
  });
  control.use(express.json());
  const guard = (fn: (req: Request) => unknown) => (req: Request, res: Response) => {
    try {
      res.json(fn(req));
    } catch (e) {
      res.status(400).json({ error: e instanceof Error ? e.message : String(e) });
    }
  };
  control.post('/accounts', guard((req) => createAccount(req.body ?? {})));
  control.post('/platforms', guard((req) => createPlatform(req.body ?? {})));
  control.post('/accounts/:id/deauthorize', guard((req) => {
    revokeAccess(String(req.params.id), String(req.body?.client_id ?? ''));
    return { deauthorized: true };
  }));
  control.post('/wallet_tokens', guard((req) => walletToken(req.body ?? {})));
  control.post('/clock/advance', guard((req) => advance(Number(req.body?.seconds))));
  control.get('/deliveries', guard((req) => {
    const account = String(req.query.account ?? '');
    if (!state.accounts.has(account)) throw new Error(`no such account: ${account}`);
    return { data: hooks.deliveries(account) };
  }));
  control.get('/webhook_endpoints', guard((req) => ({ data: webhookEndpoints(String(req.query.account ?? '')) })));
  control.post('/switches', guard((req) => setSwitches(req.body ?? {})));
  control.post('/webhook_endpoints/:id/roll_secret', guard((req) => rollWebhookSecret(String(req.params.id))));
  control.post('/deliveries/release', guard((req) => ({ released: hooks.release({ reverse: req.body?.reverse === true }) })));
  control.get('/clock', guard(() => ({ now: state.now() })));
  // The bank's side, which no API call makes happen: a dispute decided, a payout returned.
  const holding = (kind: 'disputes' | 'payouts', id: string): [Account, StripeObject] => {
    for (const acct of state.accounts.values()) {
      const found = acct[kind].get(id);
      if (found) return [acct, found];
    }
    throw new Error(`no such ${kind === 'disputes' ? 'dispute' : 'payout'}: ${id}`);
  };
  control.post('/disputes/:id/decide', guard((req) => {
    const [acct, dispute] = holding('disputes', String(req.params.id));
    return decideDispute(acct, hooks, dispute, req.body?.outcome, state.now());
  }));
  control.post('/payouts/:id/fail', guard((req) => {
    const [acct, payout] = holding('payouts', String(req.params.id));
    return failPayout(state, hooks, acct, payout, req.body?.failure_code ?? 'account_closed');
  }));
  // The 3-D Secure challenge is the shopper's page (their browser opens it): not loopback-only.
  app.use('/_sandbox/3ds', threeDSecurePages(state, hooks));
  app.use('/_sandbox', control);
  // connect.stripe.com: the consent page (the user's browser) and the platform's OAuth calls.
  app.use(connectOAuth(state, hooks));

  // CORS for the browser calls (card data posted by the shopper's page on another origin).
  app.use('/v1', (req: Request, res: Response, next: NextFunction) => {
    res.setHeader('Access-Control-Allow-Origin', '*');
    res.setHeader('Access-Control-Allow-Methods', 'GET, POST, DELETE, OPTIONS');
    res.setHeader('Access-Control-Allow-Headers', 'Authorization, Content-Type, Stripe-Version, Idempotency-Key, Stripe-Account');
    res.setHeader('Access-Control-Max-Age', '300');
    if (req.method === 'OPTIONS') return void res.status(204).end();
    next();
  });
  // Bodies are kept raw: the bracket-notation decoder needs the original keys.
  app.use('/v1', express.text({ type: () => true, limit: '1mb' }));
  const router = express.Router();
  for (const r of routes) {
    const m = r.method === 'GET' ? router.get.bind(router) : r.method === 'POST' ? router.post.bind(router) : router.delete.bind(router);
    m(r.path, runRoute(state, hooks, r));
  }
  app.use(router);
  app.use((req: Request, res: Response) => {
    const err = new StripeApiError(404, 'invalid_request_error', `Unrecognized request URL (${req.method}: ${req.path}). Please see https://stripe.com/docs or we can help at https://support.stripe.com/.`);
    res.status(404).json(err.body());
  });

  const host = opts.host ?? '127.0.0.1';
  const server: Server = await new Promise((resolve, reject) => {
    const s = app.listen(opts.port ?? 0, host, (err?: Error) => (err ? reject(err) : resolve(s)));
  });
  const port = (server.address() as AddressInfo).port;
  const urlHost = host.includes(':') ? `[${host}]` : host;
  state.publicUrl = `http://${urlHost}:${port}`;

  return {
    url: `http://${urlHost}:${port}`,
    port,
    close: async () => {
      hooks.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
    createAccount,
    createPlatform,
    revokeAccess,
    advanceClock: advance,
    walletToken,
    deliveries: (account) => hooks.deliveries(account),
    webhookEndpoints,
    setSwitches,
    rollWebhookSecret,
    releaseDeliveries: (o = {}) => ({ released: hooks.release(o) }),
    now: () => state.now(),
    webhooksIdle: () => hooks.idle(),
  };
}
