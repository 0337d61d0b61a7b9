// QuickBooks Online sandbox: OAuth2 token endpoint, Accounting API v3 subset, and /_sandbox
// control endpoints, on loopback. Settle reaches it only via node-quickbooks' static
// V3_ENDPOINT_BASE_URL (= apiBaseUrl) and TOKEN_URL (= tokenUrl).
import express from 'express';
import type { AddressInfo } from 'node:net';
import { apiRouter, faultHandler, throttledRequests } from './api';
import { Books, type ContractViolation } from './books';
import { controlRouter } from './control';
import { oauthRouter } from './oauth';
import { SandboxStore } from './store';
import { WebhookSender, type Delivery } from './webhooks';
import { getXsdValidator } from './xsd-validator';

export { createXsdValidator, getXsdValidator, type XsdResult, type XsdValidator } from './xsd-validator';
export type { ContractViolation } from './books';

export interface SandboxCompany {
  realm_id: string;
  access_token: string;
  refresh_token: string;
  expires_in: number;
  x_refresh_token_expires_in: number;
}

export interface QuickBooksSandbox {
  url: string;
  apiBaseUrl: string;
  tokenUrl: string;
  /** Intuit's consent page (discovery.json authorization_endpoint). */
  authorizeUrl: string;
  revokeUrl: string;
  close(): Promise<void>;
  createApp(opts?: { redirect_uris?: string[] }): Promise<{ client_id: string; client_secret: string }>;
  /** The developer portal's Webhooks page: where the app's notifications go; answers the verifier token. */
  subscribeWebhooks(clientId: string, opts: { url: string; format?: 'legacy' | 'cloudevents'; enabled?: boolean }): Promise<{ verifier_token: string }>;
  webhookDeliveries(): Promise<Delivery[]>;
  /** The company's owner disconnects the app in QuickBooks: every token it held stops working. */
  disconnectApp(realmId: string): Promise<void>;
  /** Whether the app still holds a working refresh token for the company. */
  connected(realmId: string): Promise<boolean>;
  createCompany(opts: { client_id: string; home_currency?: string; company_name?: string }): Promise<SandboxCompany>;
  documents(realmId: string): Promise<{ realm_id: string; documents: Record<string, Record<string, unknown>[]> }>;
  advanceClock(seconds: number): Promise<void>;
  /** The bookkeeper closes the books up to `date` (YYYY-MM-DD) in the company's settings; null reopens them. */
  setBookCloseDate(realmId: string, date: string | null): Promise<void>;
  /** Crash tests: the next create of `entity` is stored, its reply held until released or the caller hangs up. */
  holdNextReply(entity: string): Promise<void>;
  heldReplies(): Promise<number>;
  /** Fault switch: the next `count` API requests fail with a 500 SystemFault. */
  failNextRequests(count: number): Promise<void>;
  releaseReplies(): Promise<void>;
  contractViolations(): Promise<ContractViolation[]>;
  /** How many of the company's requests were refused with 429 (throttled) so far. */
  throttledRequests(realmId: string): Promise<number>;
}

export async function startQuickBooksSandbox(opts: { port?: number; host?: string } = {}): Promise<QuickBooksSandbox> {
  const store = new SandboxStore();
  const books = new Books(store, getXsdValidator());
  const app = express();
  app.disable('x-powered-by');
  const webhooks = new WebhookSender(store);
  books.listeners.push((...change) => webhooks.send(...change));
  app.use('/_sandbox', controlRouter(store, books));
  app.use(oauthRouter(store, books));
  app.use('/v3/company/:realmId', apiRouter(store, books));
  app.use(faultHandler(store));

  const host = opts.host ?? '127.0.0.1';
  const server = await new Promise<ReturnType<typeof app.listen>>((resolve, reject) => {
    const s = app.listen(opts.port ?? 0, host, (err?: Error) => (err ? reject(err) : resolve(s)));
  });
  const { port } = server.address() as AddressInfo;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;

  const call = async <T>(method: string, path: string, body?: unknown): Promise<T> => {
    const res = await fetch(`${url}/_sandbox${path}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (!res.ok) throw new Error(`${method} /_sandbox${path} → ${res.status} ${await res.text()}`);
    return (await res.json()) as T;
  };

  return {
    url,
    apiBaseUrl: `${url}/v3/company/`,
    tokenUrl: `${url}/oauth2/v1/tokens/bearer`,
    authorizeUrl: `${url}/connect/oauth2`,
    revokeUrl: `${url}/v2/oauth2/tokens/revoke`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
      }),
    createApp: (o) => call('POST', '/apps', o ?? {}),
    subscribeWebhooks: (clientId, o) => call('PUT', `/apps/${encodeURIComponent(clientId)}/webhooks`, o),
    webhookDeliveries: () => webhooks.settled(),
    disconnectApp: async (realmId) => {
      await call('POST', `/companies/${encodeURIComponent(realmId)}/disconnect`, {});
    },
    connected: async (realmId) => [...store.refreshTokens.values()].some((t) => t.realmId === realmId && t.expiresAt > store.now()),
    createCompany: (o) => call('POST', '/companies', o),
    documents: (realmId) => call('GET', `/companies/${encodeURIComponent(realmId)}/documents`),
    advanceClock: async (seconds) => {
      await call('POST', '/clock/advance', { seconds });
    },
    setBookCloseDate: async (realmId, date) => {
      await call('PUT', `/companies/${encodeURIComponent(realmId)}/preferences/book-close-date`, { BookCloseDate: date });
    },
    holdNextReply: async (entity) => void (await call('POST', '/hold', { entity })),
    failNextRequests: async (count) => void (await call('POST', '/server-errors', { count })),
    heldReplies: async () => (await call<{ held: number }>('GET', '/hold')).held,
    releaseReplies: async () => void (await call('POST', '/hold/release', {})),
    throttledRequests: async (realmId) => throttledRequests(store, realmId),
    contractViolations: async () => (await call<{ violations: ContractViolation[] }>('GET', '/contract-violations')).violations,
  };
}
