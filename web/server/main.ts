import { createServer, type Server } from 'node:http';
import { loadConfig, ConfigError } from './config';
import { createLogger } from './logger';
import { openServices, RedisUnavailableError } from './services';
import { createApp } from './app';
import { startWorker } from './worker';
import { catchUpJobId } from './reconciliation-jobs';

/**
 * Starts Settle. `--with-worker` runs the worker in the same process: required on the embedded
 * database (PGlite serves one process), optional on PostgreSQL, where `npm run start:worker` runs
 * it separately. `--worker-only` runs just the worker.
 */
async function main(): Promise<void> {
  const args = new Set(process.argv.slice(2));
  const withServer = !args.has('--worker-only');
  const withWorker = args.has('--with-worker') || args.has('--worker-only');
  const config = loadConfig();
  const log = createLogger(config.LOG_LEVEL, withServer ? 'settle' : 'settle-worker');
  if (!config.DATABASE_URL && !(withServer && withWorker)) {
    throw new ConfigError(
      'The embedded database (no DATABASE_URL) serves one process: run `npm start` (server and worker together), ' +
        'or set DATABASE_URL to PostgreSQL to run the server and the worker separately.',
    );
  }
  const services = await openServices(config, log);
  const worker = withWorker ? startWorker(services, log) : undefined;
  const server = withServer ? createServer(createApp(services, log)) : undefined;
  if (server) {
    await new Promise<void>((resolve) => server.listen(config.PORT, config.HOST, resolve));
    const address = server.address();
    const port = typeof address === 'object' && address ? address.port : config.PORT;
    log.info({ port }, `Settle listening on http://${config.HOST}:${port}`);
    // Webhooks sent while this server was down come back only on the platforms' retry schedules
    // (Stripe's first retry is an hour later): the worker asks Stripe for what was missed now.
    await services.jobs.enqueue('reconciliation', catchUpJobId(Date.now()), { catchUp: true }).catch((error: Error) =>
      log.warn({ err: error.message }, 'could not queue the catch-up of missed webhooks'));
    process.send?.({ ready: true, port });
  } else {
    log.info('Settle worker running');
    process.send?.({ ready: true });
  }

  const stop = async (signal: string) => {
    log.info({ signal }, 'shutting down');
    // Requests already being answered finish (a shopper's checkout is not cut off mid-way); new
    // connections are refused, so the load balancer moves on to another instance.
    if (server) await closeGracefully(server, config.SHUTDOWN_GRACE_MS);
    await worker?.close();
    await services.close();
    process.exit(0);
  };
  process.once('SIGTERM', () => void stop('SIGTERM'));
  process.once('SIGINT', () => void stop('SIGINT'));
}

/** Stops accepting connections, lets in-flight requests finish, and cuts what is left after `graceMs`. */
function closeGracefully(server: Server, graceMs: number): Promise<void> {
  return new Promise((resolve) => {
    const deadline = setTimeout(() => server.closeAllConnections(), graceMs);
    server.close(() => {
      clearTimeout(deadline);
      resolve();
    });
    // Keep-alive connections with no request in flight would otherwise hold close() open.
    server.closeIdleConnections();
  });
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError || error instanceof RedisUnavailableError) {
    process.stderr.write(`${error.message}\n`);
    process.exit(78); // EX_CONFIG: nothing to retry until the environment changes.
  }
  process.stderr.write(`Settle failed to start: ${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
