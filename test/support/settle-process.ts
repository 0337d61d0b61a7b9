import { fork, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';

const MAIN = fileURLToPath(new URL('../../web/server/main.ts', import.meta.url));

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

export interface SettleProcess {
  child: ChildProcess;
  output: () => string;
  stop(signal?: NodeJS.Signals): Promise<void>;
}

/** Starts Settle's real entry point (`web/server/main.ts`) as a child process and waits until it is ready. */
export async function startSettleProcess(args: string[], env: Record<string, string>): Promise<SettleProcess> {
  let output = '';
  const child = fork(MAIN, args, {
    execArgv: ['--import', 'tsx'],
    env: { ...process.env, NODE_ENV: 'test', LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`Settle did not start in 60 s:\n${output}`)), 60_000);
    child.once('message', () => (clearTimeout(timer), resolve()));
    child.once('exit', (code) => (clearTimeout(timer), reject(new Error(`Settle exited with ${code}:\n${output}`))));
  });
  return {
    child,
    output: () => output,
    stop: (signal = 'SIGTERM') =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill(signal);
      }),
  };
}

/** Environment for a Settle that talks to the given sandboxes, isolated in its own schema and queues. */
export function settleEnv(options: { port: number; databaseUrl?: string; schema?: string; stripeApiBase: string; quickBooksApiBase: string; quickBooksTokenUrl: string; dataDir?: string }): Record<string, string> {
  const env: Record<string, string> = {
    HOST: '127.0.0.1',
    PORT: String(options.port),
    PUBLIC_URL: `http://127.0.0.1:${options.port}`,
    QUEUE_PREFIX: `test-${randomBytes(4).toString('hex')}`,
    SETTLE_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
    STRIPE_API_BASE: options.stripeApiBase,
    QUICKBOOKS_API_BASE: options.quickBooksApiBase,
    QUICKBOOKS_TOKEN_URL: options.quickBooksTokenUrl,
  };
  if (options.databaseUrl) env.DATABASE_URL = options.databaseUrl;
  if (options.schema) env.DATABASE_SCHEMA = options.schema;
  if (options.dataDir) env.SETTLE_DATA_DIR = options.dataDir;
  return env;
}

/** Polls `read` until `done` holds (a person watching a page refresh), or fails with the last value. */
export async function eventually<T>(read: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: T | undefined;
  while (Date.now() < deadline) {
    last = await read();
    if (done(last)) return last;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`condition not reached in ${timeoutMs} ms; last value: ${JSON.stringify(last)}`);
}
