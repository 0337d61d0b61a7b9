// In-memory state of the sandbox: Intuit apps, companies (realms) with their books, OAuth
// tokens, and a sandbox clock that tests can move forward (token expiry without waiting).
import { randomBytes, randomInt } from 'node:crypto';
import { ReplyHold } from './hold';

export const ACCESS_TOKEN_TTL_S = 3600;
export const REFRESH_TOKEN_TTL_S = 15552000; // 180 days, as x_refresh_token_expires_in says
/** Intuit's authorization codes are short-lived; the sandbox gives 5 minutes. */
export const CODE_TTL_S = 300;

export type Entity = Record<string, unknown> & { Id: string; SyncToken: string };

export interface Company {
  realmId: string;
  clientId: string;
  companyName: string;
  homeCurrency: string;
  /** Preferences CurrencyPrefs.MultiCurrencyEnabled: once on, it stays on (as in QuickBooks). */
  multiCurrency: boolean;
  /** entity name ("Account") → Id → stored (response-form) entity */
  entities: Map<string, Map<string, Entity>>;
  nextId: Map<string, number>;
  /** Account Id → CurrentBalance in cents, the only source of truth for balances. */
  balances: Map<string, number>;
  /** requestid → first response (status + body), replayed verbatim. A promise, so a retry
   * arriving while the first attempt still runs waits for it instead of writing twice. */
  requestIds: Map<string, Promise<{ status: number; body: unknown }>>;
  rate: { windowStart: number; count: number; inFlight: number };
  /** entity name → Id → when it was deleted (sandbox ms), for Change Data Capture. */
  deleted: Map<string, Map<string, number>>;
}

/** An authorization code from the consent page: once, within its lifetime, by its app, to its redirect URI. */
export interface AuthorizationCode {
  realmId: string;
  clientId: string;
  redirectUri: string;
  expiresAt: number;
  used: boolean;
}

/** Where an app's webhooks go (the developer portal's Webhooks page) and in which format. */
export interface WebhookSubscription {
  url: string;
  verifierToken: string;
  format: 'legacy' | 'cloudevents';
  enabled: boolean;
}

export interface Token {
  token: string;
  realmId: string;
  clientId: string;
  expiresAt: number; // sandbox ms
}

const secret = (prefix: string, bytes = 24): string => `${prefix}${randomBytes(bytes).toString('base64url')}`;

export class SandboxStore {
  /** Crash tests: the next create of an entity is stored, its reply held. */
  readonly hold = new ReplyHold();
  /** Fault switch: the next n API requests fail with Intuit's 500 SystemFault (after counting against the limits). */
  serverErrors = 0;
  readonly apps = new Map<string, string>(); // client_id → client_secret
  readonly companies = new Map<string, Company>();
  readonly accessTokens = new Map<string, Token>();
  readonly refreshTokens = new Map<string, Token>();
  /** client_id → the redirect URIs registered for it (the portal's Keys & credentials page). */
  readonly redirectUris = new Map<string, string[]>();
  readonly codes = new Map<string, AuthorizationCode>();
  readonly webhooks = new Map<string, WebhookSubscription>(); // client_id → subscription
  private clockOffsetMs = 0;

  now(): number {
    return Date.now() + this.clockOffsetMs;
  }
  advanceClock(seconds: number): number {
    this.clockOffsetMs += seconds * 1000;
    return this.now();
  }
  /** Intuit stamps responses with local-offset ISO times; UTC "Z" is an accepted xs:dateTime. */
  isoNow(): string {
    return new Date(this.now()).toISOString();
  }

  createApp(redirectUris: string[] = []): { client_id: string; client_secret: string } {
    const client_id = secret('AB', 30);
    const client_secret = secret('', 30);
    this.apps.set(client_id, client_secret);
    this.redirectUris.set(client_id, redirectUris);
    return { client_id, client_secret };
  }

  issueCode(realmId: string, clientId: string, redirectUri: string): string {
    const code = secret('AB11', 30);
    this.codes.set(code, { realmId, clientId, redirectUri, expiresAt: this.now() + CODE_TTL_S * 1000, used: false });
    return code;
  }

  /** Ends every token the app holds for the company (revocation, or the company disconnecting the app). */
  revokeAll(realmId: string, clientId: string): void {
    for (const tokens of [this.accessTokens, this.refreshTokens]) {
      for (const [key, t] of tokens) if (t.realmId === realmId && t.clientId === clientId) tokens.delete(key);
    }
  }

  createCompany(clientId: string, companyName: string, homeCurrency: string, multiCurrency = false): Company {
    // Realm ids are long decimal strings (e.g. 9130 3570 ...); never numbers in JSON.
    let realmId: string;
    do realmId = `9130${String(randomInt(1e9, 1e10 - 1))}${String(randomInt(1000, 9999))}`;
    while (this.companies.has(realmId));
    const company: Company = {
      realmId,
      clientId,
      companyName,
      homeCurrency,
      multiCurrency,
      entities: new Map(),
      nextId: new Map(),
      balances: new Map(),
      requestIds: new Map(),
      rate: { windowStart: this.now(), count: 0, inFlight: 0 },
      deleted: new Map(),
    };
    this.companies.set(realmId, company);
    return company;
  }

  issueTokens(realmId: string, clientId: string): { access: Token; refresh: Token } {
    const access: Token = { token: secret('eyJ', 48), realmId, clientId, expiresAt: this.now() + ACCESS_TOKEN_TTL_S * 1000 };
    const refresh: Token = { token: secret('AB11', 36), realmId, clientId, expiresAt: this.now() + REFRESH_TOKEN_TTL_S * 1000 };
    this.accessTokens.set(access.token, access);
    this.refreshTokens.set(refresh.token, refresh);
    return { access, refresh };
  }

  nextId(company: Company, entity: string): string {
    const n = (company.nextId.get(entity) ?? 0) + 1;
    company.nextId.set(entity, n);
    return String(n);
  }

  table(company: Company, entity: string): Map<string, Entity> {
    let t = company.entities.get(entity);
    if (!t) company.entities.set(entity, (t = new Map()));
    return t;
  }
}
