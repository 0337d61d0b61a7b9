import { RealmLimiter } from '../../connectors/quickbooks/limiter';
import type { Logger } from 'pino';
import type { Settle } from '../../core/ports';
import { ConnectionStore } from '../../core/merchants/connections';
import { SecretBox } from '../../core/secrets/secret-box';
import { openDatabase } from '../../connectors/database/open';
import { BullJobQueue, pingRedis, redisConnection } from '../../connectors/queue/bullmq';
import { platformDirectory } from '../../connectors/directory';
import { configureQuickBooksEndpoints } from '../../connectors/quickbooks/client';
import type { Config } from './config';
import type { QuickBooksApp } from '../../connectors/quickbooks/oauth';

/** Settle's Intuit app, when "Connect to QuickBooks" is set up. */
export function quickBooksApp(config: Config): QuickBooksApp | undefined {
  if (!config.QUICKBOOKS_CLIENT_ID || !config.QUICKBOOKS_CLIENT_SECRET) return undefined;
  return {
    clientId: config.QUICKBOOKS_CLIENT_ID, clientSecret: config.QUICKBOOKS_CLIENT_SECRET,
    authorizeUrl: config.QUICKBOOKS_AUTHORIZE_URL, tokenUrl: config.QUICKBOOKS_TOKEN_URL, revokeUrl: config.QUICKBOOKS_REVOKE_URL,
  };
}

export interface Services extends Settle {
  config: Config;
  connections: ConnectionStore;
  box: SecretBox;
  jobs: BullJobQueue;
  redisUrl: string;
  close(): Promise<void>;
}

export class RedisUnavailableError extends Error {
  constructor(url: string) {
    super(
      `Settle cannot reach Redis at ${url}. Start it, e.g.:\n` +
        `  redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no\n` +
        `or set REDIS_URL to a running Redis.`,
    );
  }
}

/** Opens the database and the queue and wires the platform adapters: what server and worker share. */
export async function openServices(config: Config, log: Logger): Promise<Services> {
  if (!(await pingRedis(config.REDIS_URL))) throw new RedisUnavailableError(config.REDIS_URL);
  configureQuickBooksEndpoints({ apiBase: config.QUICKBOOKS_API_BASE, tokenUrl: config.QUICKBOOKS_TOKEN_URL });
  const db = await openDatabase({ databaseUrl: config.DATABASE_URL, dataDir: config.dataDir, schema: config.DATABASE_SCHEMA });
  log.info({ database: db.kind }, db.kind === 'pglite' ? `embedded database in ${config.dataDir} (demo and trials; production runs on PostgreSQL)` : 'PostgreSQL database');
  const box = new SecretBox(config.encryptionKey, config.previousEncryptionKeys);
  const connections = new ConnectionStore(db, box);
  const redis = redisConnection(config.REDIS_URL);
  redis.on('error', (error) => log.warn({ err: error.message }, 'redis connection problem'));
  const jobs = new BullJobQueue(redis, config.QUEUE_PREFIX);
  return {
    config, db, box, connections, jobs, redisUrl: config.REDIS_URL,
    platforms: platformDirectory(db, connections, {
      stripeApiBase: config.STRIPE_API_BASE, stripePlatformKey: config.STRIPE_PLATFORM_SECRET_KEY, quickBooksTokenUrl: config.QUICKBOOKS_TOKEN_URL,
      quickBooksApp: quickBooksApp(config), quickBooksLimiter: new RealmLimiter(redis, config.QUEUE_PREFIX),
      shopify: { config, box },
    }),
    async close() {
      await jobs.close();
      redis.disconnect();
      await db.close();
    },
  };
}
