// In-memory state of the sandbox: accounts (one per merchant) and their objects, the
// shared sandbox clock, idempotency records and switches. Objects are stored in the exact
// Stripe shape they are returned in (JSON-like records), so responses are plain copies.
import { randomBytes } from 'node:crypto';
import type { TestCard } from './cards';

export type StripeObject = Record<string, unknown> & { id: string; object: string };

/** Stripe-looking ids: prefix + 24 base62-ish characters. */
export function newId(prefix: string, length = 24): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  const bytes = randomBytes(length);
  let out = '';
  for (const b of bytes) out += alphabet[b % alphabet.length];
  return `${prefix}_${out}`;
}

export interface IdempotencyRecord {
  fingerprint: string;
  status: number;
  body: unknown;
  createdAt: number; // sandbox seconds
}

export type WalletType = 'apple_pay' | 'google_pay';

/** A card token made for a wallet (wallets.ts). */
export interface WalletToken {
  token: StripeObject;
  wallet: WalletType;
  /** The card in the wallet; Stripe holds it, never the merchant or Settle. */
  number: string;
  expMonth: number;
  expYear: number;
  /** The device account number's last four, which the wallet shows instead of the card's. */
  dynamicLast4: string;
}

export interface Account {
  id: string;
  country: 'US' | 'JP';
  defaultCurrency: 'usd' | 'jpy';
  /** A live-mode account: its keys are sk_live_/pk_live_ and its objects say livemode: true. */
  livemode: boolean;
  secretKey: string;
  publishableKey: string;
  bankAccountId: string;
  paymentIntents: Map<string, StripeObject>;
  paymentMethods: Map<string, StripeObject>;
  /** per payment method: the test-card behaviour it carries (instead of the number) */
  cardBehaviour: Map<string, TestCard>;
  charges: Map<string, StripeObject>;
  balanceTransactions: Map<string, StripeObject>;
  /** balance transaction id -> payout id that carried it */
  paidOutBy: Map<string, string>;
  payouts: Map<string, StripeObject>;
  refunds: Map<string, StripeObject>;
  disputes: Map<string, StripeObject>;
  events: Map<string, StripeObject>;
  webhookEndpoints: Map<string, StripeObject>;
  /** Ids of this account's endpoints created with `connect=true` (events of connected accounts). */
  connectEndpoints: Set<string>;
  idempotency: Map<string, IdempotencyRecord>;
  /** Customers, their saved cards' setups, and Stripe Billing (billing.ts). */
  customers: Map<string, StripeObject>;
  setupIntents: Map<string, StripeObject>;
  products: Map<string, StripeObject>;
  prices: Map<string, StripeObject>;
  subscriptions: Map<string, StripeObject>;
  invoices: Map<string, StripeObject>;
  /** Set when this account is a Connect platform (see connect.ts). */
  platform?: Platform;
  /** Card tokens made for Apple Pay / Google Pay (wallets.ts), by token id. */
  walletTokens: Map<string, WalletToken>;
}

/** A Connect platform's settings and the Standard accounts connected to it through OAuth. */
export interface Platform {
  clientId: string;
  name: string;
  /** Where OAuth may send the user back; the first is the default (Stripe's Connect settings). */
  redirectUris: string[];
  /** connected account id -> what it granted */
  connected: Map<string, { scope: 'read_write' | 'read_only'; accessToken: string }>;
}

/** An authorization code the consent page handed out: single use, short-lived. */
export interface OAuthCode {
  clientId: string;
  accountId: string;
  scope: 'read_write' | 'read_only';
  createdAt: number; // sandbox seconds
  used: boolean;
}

/** One misbehaviour, as POST /_sandbox/switches takes it. */
export interface Fault {
  /** The next `count` matching requests misbehave; then the switch turns itself off. */
  count?: number;
  /** Instead of a count: this share (0..1) of matching requests misbehaves, until switched off. */
  ratio?: number;
  /** Only requests whose "METHOD /v1/path" starts with this, e.g. "POST /v1/refunds". */
  match?: string;
  /**
   * The request is carried out first and only the answer is lost (500 or dropped connection): the
   * real "outcome unknown". A 500 is then what its idempotency key replays, as Stripe documents.
   */
  after_apply?: boolean;
}

export interface Switches {
  /** Every webhook delivery is made twice (tests of idempotent receivers). */
  deliver_twice: boolean;
  /** Queue deliveries instead of sending them, until released (possibly reversed). */
  hold_deliveries: boolean;
  /** Webhook deliveries made close together are sent newest first (Stripe does not promise order). */
  out_of_order: boolean;
  /** Every /v1 answer is held back this long (a slow Stripe; SDK timeouts). */
  delay_ms: number;
  /** Stripe answers 500 api_error (see faults.ts). */
  fail_with_500: Fault | null;
  /** Stripe answers 429 rate_limit. */
  throttle_429: Fault | null;
  /** The connection is cut without an answer. */
  drop_connection: Fault | null;
}

export const NO_FAULTS: Switches = {
  deliver_twice: false, hold_deliveries: false, out_of_order: false, delay_ms: 0, fail_with_500: null, throttle_429: null, drop_connection: null,
};

export class SandboxState {
  readonly accounts = new Map<string, Account>();
  private readonly byKey = new Map<string, Account>();
  /** Connect platforms by their OAuth client id (ca_...). */
  readonly platforms = new Map<string, Account>();
  readonly oauthCodes = new Map<string, OAuthCode>();
  /** Seconds added to the wall clock by /_sandbox/clock/advance. */
  private offsetSeconds = 0;
  readonly switches: Switches = { ...NO_FAULTS };
  /** Where the sandbox listens, for URLs it hands out (the 3-D Secure challenge page). */
  publicUrl = 'http://127.0.0.1';

  now(): number {
    return Math.floor(Date.now() / 1000) + this.offsetSeconds;
  }

  advance(seconds: number): number {
    this.offsetSeconds += seconds;
    return this.now();
  }

  createAccount(country: 'US' | 'JP' = 'US', currency?: 'usd' | 'jpy', livemode = false): Account {
    const id = newId('acct', 16);
    const acct: Account = {
      id,
      country,
      defaultCurrency: currency ?? (country === 'JP' ? 'jpy' : 'usd'),
      livemode,
      secretKey: newId(livemode ? 'sk_live' : 'sk_test', 32),
      publishableKey: newId(livemode ? 'pk_live' : 'pk_test', 32),
      bankAccountId: newId('ba'),
      paymentIntents: new Map(),
      paymentMethods: new Map(),
      cardBehaviour: new Map(),
      charges: new Map(),
      balanceTransactions: new Map(),
      paidOutBy: new Map(),
      payouts: new Map(),
      refunds: new Map(),
      disputes: new Map(),
      events: new Map(),
      webhookEndpoints: new Map(),
      connectEndpoints: new Set(),
      idempotency: new Map(),
      customers: new Map(),
      setupIntents: new Map(),
      products: new Map(),
      prices: new Map(),
      subscriptions: new Map(),
      invoices: new Map(),
      walletTokens: new Map(),
    };
    this.accounts.set(id, acct);
    this.byKey.set(acct.secretKey, acct);
    this.byKey.set(acct.publishableKey, acct);
    return acct;
  }

  accountForKey(key: string): Account | undefined {
    return this.byKey.get(key);
  }

  /** An extra secret key for `acct` (the OAuth access token of a connected account). */
  addKey(key: string, acct: Account): void {
    this.byKey.set(key, acct);
  }

  removeKey(key: string): void {
    this.byKey.delete(key);
  }

  /** The platforms `acct` is connected to. */
  platformsOf(acct: Account): Account[] {
    return [...this.platforms.values()].filter((p) => p.platform?.connected.has(acct.id));
  }
}

/** Deep copy, so snapshots (events, idempotent replays) do not change with later updates. */
export const snapshot = <T>(o: T): T => structuredClone(o);
