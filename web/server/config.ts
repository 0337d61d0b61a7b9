import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { z } from 'zod';

/** What the Shopify app asks a shop for (the same list as plugins/shopify/shopify.app.toml). */
const SHOPIFY_SCOPES = 'read_orders,write_orders,read_products,read_inventory,write_inventory,read_customers,write_customers,write_payment_gateways,write_payment_sessions';

/**
 * Every setting Settle reads, from environment variables (documented in .env.example and the
 * README). An invalid value stops start-up with a message naming the variable.
 */
const schema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  HOST: z.string().min(1).default('127.0.0.1'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  PUBLIC_URL: z.url().optional(),
  DATABASE_URL: z.string().regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL').optional(),
  DATABASE_SCHEMA: z.string().regex(/^[a-z_][a-z0-9_]*$/, 'must be a lower-case SQL identifier').optional(),
  SETTLE_DATA_DIR: z.string().min(1).default('./.settle'),
  REDIS_URL: z.string().regex(/^rediss?:\/\//, 'must be a redis:// URL').default('redis://127.0.0.1:6379'),
  QUEUE_PREFIX: z.string().regex(/^[A-Za-z0-9_-]+$/, 'letters, digits, - and _ only').default('settle'),
  SETTLE_ENCRYPTION_KEY: z
    .string()
    .refine((v) => Buffer.from(v, 'base64').length === 32, 'must be 32 random bytes in base64 (openssl rand -base64 32)')
    .optional(),
  /** Keys sealed with before a rotation (comma-separated, base64): read, never written; drop them after `npm run secrets:rotate`. */
  SETTLE_PREVIOUS_ENCRYPTION_KEYS: z
    .string()
    .refine((v) => v.split(',').every((k) => Buffer.from(k.trim(), 'base64').length === 32), 'each must be 32 random bytes in base64, comma-separated')
    .optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** How long a SIGTERM waits for requests in flight before cutting their connections. */
  SHUTDOWN_GRACE_MS: z.coerce.number().int().min(0).max(120_000).default(10_000),
  /** When set, /metrics answers only `Authorization: Bearer <METRICS_TOKEN>` (it is open otherwise). */
  METRICS_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
  /** Where the worker serves its own /metrics (the server serves /metrics on PORT); 0 = the worker serves none. */
  METRICS_PORT: z.coerce.number().int().min(0).max(65535).default(0),
  /** Alert emails go out through this mail server (smtp://user:pass@host:587 or smtps://…:465); unset = alerts show in the admin only. */
  SMTP_URL: z.string().regex(/^smtps?:\/\/[^\s]+$/, 'must be an smtp:// or smtps:// URL').optional(),
  /** The From of alert emails, e.g. "Settle <alerts@example.com>". */
  ALERT_FROM: z.string().min(3).default('Settle <alerts@settle.invalid>'),
  /** How often the worker checks every merchant for alerts (a repeatable job on the 'alerts' queue); 0 = never. */
  ALERTS_CHECK_MS: z.coerce.number().int().min(0).default(5 * 60_000),
  /** Books work waiting longer than this raises "Your books are falling behind". */
  ALERT_BOOKS_BACKLOG_MINUTES: z.coerce.number().int().min(1).default(60),
  /** Payments taken but no Stripe webhook for this many hours raises "Stripe's messages are not reaching Settle". */
  ALERT_QUIET_WEBHOOK_HOURS: z.coerce.number().int().min(1).default(24),
  STRIPE_API_BASE: z.url().default('https://api.stripe.com'),
  /** Stripe Connect (merchants connect their Standard accounts through OAuth): Settle's platform settings. */
  STRIPE_CONNECT_CLIENT_ID: z.string().regex(/^ca_\w+$/, 'must be a Connect client id (ca_...)').optional(),
  STRIPE_PLATFORM_SECRET_KEY: z.string().regex(/^sk_(test|live)_\w+$/, 'must be a secret key (sk_test_... or sk_live_...)').optional(),
  STRIPE_CONNECT_WEBHOOK_SECRET: z.string().regex(/^whsec_\w+$/, "must be the Connect webhook endpoint's signing secret (whsec_...)").optional(),
  STRIPE_CONNECT_BASE: z.url().default('https://connect.stripe.com'),
  QUICKBOOKS_API_BASE: z.url().default('https://quickbooks.api.intuit.com/v3/company/'),
  QUICKBOOKS_TOKEN_URL: z.url().default('https://oauth.platform.intuit.com/oauth2/v1/tokens/bearer'),
  /** QuickBooks' web app, where the sync log links each posted document (app.sandbox.qbo.intuit.com for Intuit's sandbox companies). */
  QUICKBOOKS_APP_URL: z.url().default('https://app.qbo.intuit.com/app/'),
  /** "Connect to QuickBooks": Settle's app at Intuit (Keys & credentials); QuickBooks is pasted-tokens only when unset. */
  QUICKBOOKS_CLIENT_ID: z.string().min(8, "must be the Intuit app's client id").optional(),
  QUICKBOOKS_CLIENT_SECRET: z.string().min(8, "must be the Intuit app's client secret").optional(),
  QUICKBOOKS_AUTHORIZE_URL: z.url().default('https://appcenter.intuit.com/connect/oauth2'),
  QUICKBOOKS_REVOKE_URL: z.url().default('https://developer.api.intuit.com/v2/oauth2/tokens/revoke'),
  /** The app's webhook verifier token (Intuit developer portal, Webhooks): /webhooks/quickbooks refuses everything when unset. */
  QUICKBOOKS_WEBHOOK_VERIFIER_TOKEN: z.string().min(8).optional(),
  /** How often the worker asks QuickBooks what changed (Change Data Capture), for webhooks missed; 0 = never. */
  QUICKBOOKS_CATCH_UP_MS: z.coerce.number().int().min(0).default(15 * 60_000),
  /** The Shopify app (client id and secret from the Partner Dashboard); Shopify is off when unset. */
  SHOPIFY_API_KEY: z.string().regex(/^\w{8,}$/, 'must be the app\'s client id').optional(),
  SHOPIFY_API_SECRET: z.string().min(8, "must be the app's client secret").optional(),
  SHOPIFY_SCOPES: z.string().regex(/^[a-z_]+(,[a-z_]+)*$/, 'comma-separated access scopes').default(SHOPIFY_SCOPES),
  /** Where a shop is reached: `https://{shop}` in production, the sandbox's `/shops/{shop}` in tests. */
  SHOPIFY_SHOP_URL: z.string().regex(/^https?:\/\/[^\s]*\{shop\}/, 'must be a URL template containing {shop}').default('https://{shop}'),
  /** Shopify admin's origin: with the shop itself, the only page allowed to frame the embedded admin. */
  SHOPIFY_ADMIN_ORIGIN: z.string().url().default('https://admin.shopify.com'),
  WEBHOOK_BODY_LIMIT: z.string().regex(/^\d+(b|kb|mb)$/).default('512kb'),
  API_BODY_LIMIT: z.string().regex(/^\d+(b|kb|mb)$/).default('64kb'),
  /** How often the self-healing reconciliation sweep runs for every merchant (0: never). */
  // How often the worker checks WooCommerce webhooks (re-enables, re-creates, back-fills); 0 = never.
  WOO_WEBHOOK_CHECK_MS: z.coerce.number().int().min(0).default(10 * 60_000),
  RECONCILIATION_SWEEP_MS: z.coerce.number().int().min(0).default(15 * 60_000),
  /** How long a disagreement may be work still in flight before the sweep calls it an exception. */
  RECONCILIATION_GRACE_MS: z.coerce.number().int().min(0).default(60_000),
  /** Store orders the sweep re-reads per run (0: rely on store webhooks alone). */
  RECONCILIATION_STORE_READS: z.coerce.number().int().min(0).default(200),
  /**
   * How long a job stays claimed by a worker that stopped answering (it renews the claim every half of
   * this while it runs). A worker that crashed holds its jobs this long, plus at most half again for
   * the next stalled-job check, before another worker takes them over.
   */
  JOB_LOCK_MS: z.coerce.number().int().min(2_000).default(30_000),
});

export type Config = z.infer<typeof schema> & { publicUrl: string; dataDir: string; encryptionKey: Buffer; previousEncryptionKeys: Buffer[] };

export class ConfigError extends Error {}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`Settle cannot start: invalid configuration\n${lines.join('\n')}\nSee .env.example for every variable.`);
  }
  const c = parsed.data;
  if (Boolean(c.STRIPE_CONNECT_CLIENT_ID) !== Boolean(c.STRIPE_PLATFORM_SECRET_KEY)) {
    throw new ConfigError('Settle cannot start: STRIPE_CONNECT_CLIENT_ID and STRIPE_PLATFORM_SECRET_KEY go together (Stripe Connect needs both).');
  }
  if (Boolean(c.QUICKBOOKS_CLIENT_ID) !== Boolean(c.QUICKBOOKS_CLIENT_SECRET)) {
    throw new ConfigError('Settle cannot start: QUICKBOOKS_CLIENT_ID and QUICKBOOKS_CLIENT_SECRET go together ("Connect to QuickBooks" needs both).');
  }
  if (Boolean(c.SHOPIFY_API_KEY) !== Boolean(c.SHOPIFY_API_SECRET)) {
    throw new ConfigError('Settle cannot start: SHOPIFY_API_KEY and SHOPIFY_API_SECRET go together (the Shopify app needs both).');
  }
  const dataDir = resolve(c.SETTLE_DATA_DIR);
  return { ...c, dataDir, publicUrl: c.PUBLIC_URL ?? `http://${c.HOST}:${c.PORT}`, encryptionKey: encryptionKey(c.SETTLE_ENCRYPTION_KEY, c.NODE_ENV, dataDir),
    previousEncryptionKeys: (c.SETTLE_PREVIOUS_ENCRYPTION_KEYS ?? '').split(',').filter((k) => k.trim()).map((k) => Buffer.from(k.trim(), 'base64')) };
}

/**
 * Production must be given its key. Elsewhere (demo, trials) one is made once and kept beside the
 * embedded database, readable only by this user, so restarts can still read stored secrets.
 */
function encryptionKey(configured: string | undefined, nodeEnv: string, dataDir: string): Buffer {
  if (configured) return Buffer.from(configured, 'base64');
  if (nodeEnv === 'production') throw new ConfigError('Settle cannot start: SETTLE_ENCRYPTION_KEY is required in production (openssl rand -base64 32).');
  const file = join(dataDir, 'encryption.key');
  if (!existsSync(file)) {
    mkdirSync(dataDir, { recursive: true });
    writeFileSync(file, randomBytes(32).toString('base64'), { mode: 0o600, flag: 'wx' });
  }
  return Buffer.from(readFileSync(file, 'utf8').trim(), 'base64');
}
