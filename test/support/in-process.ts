import { randomBytes } from 'node:crypto';
import type { Server } from 'node:http';
import { pino } from 'pino';
import { loadConfig } from '../../web/server/config';
import { openServices, type Services } from '../../web/server/services';
import { createApp } from '../../web/server/app';
import { TEST_DATABASE_URL, freshSchemaName } from './databases';

/**
 * The real HTTP app and services on PostgreSQL in a fresh schema, listening on a free loopback port
 * (or on env.PORT, so a PUBLIC_URL naming it lets the sandboxes' webhooks reach it).
 */
export async function startSettleInProcess(env: Record<string, string> = {}): Promise<{ services: Services; url: string; close(): Promise<void> }> {
  const config = loadConfig({
    NODE_ENV: 'test',
    DATABASE_URL: TEST_DATABASE_URL,
    DATABASE_SCHEMA: freshSchemaName(),
    QUEUE_PREFIX: `test-${randomBytes(4).toString('hex')}`,
    SETTLE_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
    REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
    ...env,
  });
  const log = pino({ level: 'silent' });
  const services = await openServices(config, log);
  const server: Server = createApp(services, log).listen(env.PORT ? Number(env.PORT) : 0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  const address = server.address();
  const url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  return {
    services,
    url,
    async close() {
      await new Promise((resolve) => server.close(resolve));
      await services.close();
    },
  };
}
