/**
 * The whole system as the end-to-end and browser tests run it: the Stripe, WooCommerce and
 * QuickBooks sandboxes, Settle's server and a separate `--worker-only` worker on PostgreSQL (as in
 * production), in a schema and queue prefix of their own so test files can run side by side.
 */
import { freePort, settleEnv, startSettleProcess, type SettleProcess } from './settle-process';
import { TEST_DATABASE_URL, freshSchemaName } from './databases';
import { startSandboxes, type Sandboxes } from './journey';
import type { Switches } from '../sandbox/stripe/store';

export interface SettleStack {
  sandboxes: Sandboxes;
  server: SettleProcess;
  worker: SettleProcess;
  /** Settle's public URL (the API, the admin and the payment page). */
  settleUrl: string;
  /** The environment both processes run with (to start another one alike). */
  env: Record<string, string>;
  stop(): Promise<void>;
}

export interface StackOptions {
  /** Stripe sandbox switches set before Settle starts (e.g. every webhook delivered twice). */
  stripeSwitches?: Partial<Switches>;
  /**
   * Extra environment for Settle (e.g. Stripe Connect settings); a function is given the sandboxes
   * and Settle's public URL first (to set up a Connect platform that redirects to it).
   */
  env?: Record<string, string> | ((sandboxes: Sandboxes, settleUrl: string) => Promise<Record<string, string>>);
}

export async function startSettleStack(options: StackOptions = {}): Promise<SettleStack> {
  const sandboxes = await startSandboxes();
  if (options.stripeSwitches) sandboxes.stripe.setSwitches(options.stripeSwitches);
  const port = await freePort();
  const base = settleEnv({
    port, databaseUrl: TEST_DATABASE_URL, schema: freshSchemaName(),
    stripeApiBase: sandboxes.stripe.url, quickBooksApiBase: sandboxes.quickbooks.apiBaseUrl, quickBooksTokenUrl: sandboxes.quickbooks.tokenUrl,
  });
  const extra = typeof options.env === 'function' ? await options.env(sandboxes, base.PUBLIC_URL!) : options.env;
  const env = { ...base, ...extra };
  const server = await startSettleProcess([], env);
  const worker = await startSettleProcess(['--worker-only'], env);
  return {
    sandboxes, server, worker, env, settleUrl: env.PUBLIC_URL!,
    stop: async () => {
      // SHOW_SETTLE_OUTPUT=1 prints what Settle logged, for a failing test's story.
      if (process.env.SHOW_SETTLE_OUTPUT) console.log(server.output(), worker.output());
      await server.stop();
      await worker.stop();
      await sandboxes.close();
    },
  };
}
