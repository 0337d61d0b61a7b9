/**
 * Crash chaos: the full flow (checkout, the shopper paying at Stripe, the webhook's ingest, inbox
 * processing, ledger posting, the outbox's store and books work, the calls into each sandbox) runs
 * while Settle's server, its worker or both are killed with SIGKILL at a random moment and started
 * again at once, as a process supervisor would. After each kill the systems must come back to
 * "every paid order once in Stripe, the store, the ledger and QuickBooks" by themselves.
 */
import { startSettleStack, type SettleStack } from '../../test/support/stack';
import { startSettleProcess } from '../../test/support/settle-process';
import { confirmAsShopper, placeOrder, signUpAndConnect, startCheckout, type ConnectedMerchant } from '../../test/support/journey';
import { consistent, doubled, lost, PaymentModel, until, type Tally } from './model';

export interface CrashOptions {
  runs: number;
  /** A kill lands this long after the run's first checkout starts, at most (uniformly at random). */
  killWindowMs?: number;
  /** Checkouts started in each run, a little apart. */
  flowsPerRun?: number;
  /** How long the systems get to agree again after a kill before the run counts what is missing as lost. */
  recoveryTimeoutMs?: number;
  /** Settle's claim on a job (JOB_LOCK_MS): how soon a crashed worker's jobs are taken over. */
  jobLockMs?: number;
  log?: (line: string) => void;
}

export interface CrashRun {
  run: number;
  victim: 'server' | 'worker' | 'both';
  killAfterMs: number;
  recoverySeconds: number | null;
  restartSeconds: number;
}

export interface CrashResult {
  runs: number;
  lost: number;
  doubled: number;
  worstRecoverySeconds: number;
  medianRecoverySeconds: number;
  worstRestartSeconds: number;
  paidOrders: number;
  byVictim: Record<CrashRun['victim'], number>;
  final: Tally;
  details: CrashRun[];
}

const VICTIMS: CrashRun['victim'][] = ['server', 'worker', 'both'];

export async function runCrashChaos(options: CrashOptions): Promise<CrashResult> {
  const log = options.log ?? (() => undefined);
  const jobLockMs = options.jobLockMs ?? 4_000;
  const stack = await startSettleStack({ env: { JOB_LOCK_MS: String(jobLockMs) } });
  const initialStock = 1_000_000;
  let model: PaymentModel | undefined;
  try {
    const merchant = await signUpAndConnect(stack.settleUrl, stack.sandboxes, 'Chaos Crash Shop');
    const product = (await merchant.woo.post('products', { name: 'Chaos lamp', regular_price: '25.00', manage_stock: true, stock_quantity: initialStock })).data as { id: number };
    model = await PaymentModel.open(stack.sandboxes, merchant, stack.env.DATABASE_SCHEMA!, product.id, initialStock);
    const orders: number[] = [];
    const details: CrashRun[] = [];
    for (let run = 1; run <= options.runs; run++) {
      const victim = VICTIMS[(run - 1) % VICTIMS.length]!;
      const killAfterMs = Math.floor(Math.random() * (options.killWindowMs ?? 2_500));
      const flows = Array.from({ length: options.flowsPerRun ?? 2 }, (_, i) => delay(i * 300).then(() => payOnce(stack, merchant, product.id, orders)));
      await delay(killAfterMs);
      const killedAt = Date.now();
      await kill(stack, victim);
      const restartSeconds = (Date.now() - killedAt) / 1000;
      await Promise.all(flows);
      const recovered = await until(() => model!.tally(orders), consistent, options.recoveryTimeoutMs ?? 90_000);
      const recoverySeconds = recovered ? (Date.now() - killedAt) / 1000 : null;
      details.push({ run, victim, killAfterMs, recoverySeconds, restartSeconds });
      log(`run ${run}/${options.runs}: ${victim} killed ${killAfterMs} ms in, back in ${restartSeconds.toFixed(1)} s, ` +
        (recoverySeconds === null ? 'NOT consistent in time' : `consistent ${recoverySeconds.toFixed(1)} s after the kill`));
      if (recoverySeconds === null) break;
    }
    // Anything posted twice late (a retry after the run looked done) shows here.
    await delay(Math.max(2_000, jobLockMs));
    const final = await model.tally(orders);
    const recoveries = details.map((d) => d.recoverySeconds ?? Infinity).sort((a, b) => a - b);
    return {
      runs: details.length,
      lost: lost(final),
      doubled: doubled(final),
      worstRecoverySeconds: recoveries.at(-1) ?? 0,
      medianRecoverySeconds: recoveries[Math.floor(recoveries.length / 2)] ?? 0,
      worstRestartSeconds: Math.max(0, ...details.map((d) => d.restartSeconds)),
      paidOrders: final.paidOrders,
      byVictim: { server: details.filter((d) => d.victim === 'server').length, worker: details.filter((d) => d.victim === 'worker').length, both: details.filter((d) => d.victim === 'both').length },
      final,
      details,
    };
  } finally {
    await model?.close();
    await stack.stop();
  }
}

/** One shopper: an order in the store, the plugin asking Settle for the payment, the card at Stripe. */
export async function payOnce(stack: SettleStack, merchant: ConnectedMerchant, productId: number, orders: number[]): Promise<void> {
  const order = await placeOrder(merchant.woo, { productId, quantity: 1 });
  orders.push(order.id);
  // The store plugin and the payment page retry while Settle is down, as a shopper reloading would.
  const checkout = await retrying(() => startCheckout(stack.settleUrl, merchant.apiKey, order.id));
  const intent = await retrying(() => confirmAsShopper(stack.settleUrl, checkout.payment.id));
  if (intent.status !== 'succeeded') throw new Error(`order ${order.id}: the card was not taken (${intent.status ?? intent.error?.message})`);
}

async function kill(stack: SettleStack, victim: CrashRun['victim']): Promise<void> {
  const server = victim !== 'worker';
  const worker = victim !== 'server';
  await Promise.all([server ? stack.server.stop('SIGKILL') : undefined, worker ? stack.worker.stop('SIGKILL') : undefined]);
  const [s, w] = await Promise.all([
    server ? startSettleProcess([], stack.env) : undefined,
    worker ? startSettleProcess(['--worker-only'], stack.env) : undefined,
  ]);
  if (s) stack.server = s;
  if (w) stack.worker = w;
}

export async function retrying<T>(call: () => Promise<T>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await call();
    } catch (error) {
      // A refused or cut connection, or a 5xx, while Settle restarts; a 4xx is an answer, not an outage.
      const message = (error as Error).message;
      if (Date.now() > deadline || / → 4\d\d:/.test(message)) throw error;
      await delay(250);
    }
  }
}

const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
