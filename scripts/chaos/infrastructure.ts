/**
 * Infrastructure chaos: shoppers keep paying while Settle's Redis is restarted (losing every queued
 * job: it keeps nothing on disk), then its PostgreSQL (stopped at once, as a crash), then both are
 * unreachable together. While each lasts, readiness (/readyz) must say which is down; afterwards the
 * work resumes by itself and every paid order is in Stripe, the store, the ledger and QuickBooks once.
 */
import { freePort, settleEnv, startSettleProcess, type SettleProcess } from '../../test/support/settle-process';
import { signUpAndConnect, startSandboxes } from '../../test/support/journey';
import { consistent, doubled, lost, PaymentModel, until, type Tally } from './model';
import { payOnce } from './crash';
import { PrivatePostgres, PrivateRedis } from './services';

export interface OutageResult {
  outage: 'redis' | 'postgres' | 'both';
  /** What /readyz said while it lasted (the checks it named as down). */
  readinessDuringOutage: string;
  readinessAfter: string;
  secondsUntilReady: number;
}

export interface InfrastructureResult {
  outages: OutageResult[];
  paidOrders: number;
  lost: number;
  doubled: number;
  /** From the last service's return until every system agreed again. */
  recoverySeconds: number | null;
  final: Tally;
}

export async function runInfrastructureChaos(options: { outageMs?: number; log?: (line: string) => void } = {}): Promise<InfrastructureResult> {
  const log = options.log ?? (() => undefined);
  const outageMs = options.outageMs ?? 5_000;
  const pg = await PrivatePostgres.start();
  const redis = await PrivateRedis.start();
  const sandboxes = await startSandboxes();
  const processes: SettleProcess[] = [];
  let model: PaymentModel | undefined;
  let shopping = true;
  try {
    const env: Record<string, string> = {
      ...settleEnv({ port: await freePort(), databaseUrl: pg.url, schema: 'settle', stripeApiBase: sandboxes.stripe.url, quickBooksApiBase: sandboxes.quickbooks.apiBaseUrl, quickBooksTokenUrl: sandboxes.quickbooks.tokenUrl }),
      REDIS_URL: redis.url, JOB_LOCK_MS: '4000',
    };
    processes.push(await startSettleProcess([], env), await startSettleProcess(['--worker-only'], env));
    const settleUrl = env.PUBLIC_URL!;
    const stack = { settleUrl } as Parameters<typeof payOnce>[0];
    const merchant = await signUpAndConnect(settleUrl, sandboxes, 'Chaos Infrastructure Shop');
    const product = (await merchant.woo.post('products', { name: 'Outage lamp', regular_price: '40.00', manage_stock: true, stock_quantity: 100_000 })).data as { id: number };
    model = await PaymentModel.open(sandboxes, merchant, env.DATABASE_SCHEMA!, product.id, 100_000, pg.url);
    const orders: number[] = [];
    const shoppers = Array.from({ length: 2 }, async () => {
      while (shopping) await payOnce(stack, merchant, product.id, orders).catch((error: Error) => log(`a shopper gave up: ${error.message}`));
    });

    const readiness = async () => {
      const res = await fetch(`${settleUrl}/readyz`, { signal: AbortSignal.timeout(5_000) }).catch(() => undefined);
      if (!res) return 'no answer';
      const body = (await res.json()) as { checks: Record<string, string> };
      const down = Object.entries(body.checks).filter(([, v]) => v !== 'ok').map(([k]) => k).sort();
      return res.status === 200 ? 'ready' : `503: ${down.join(' and ')} down`;
    };
    const outages: OutageResult[] = [];
    const outage = async (which: OutageResult['outage']) => {
      await new Promise((resolve) => setTimeout(resolve, 3_000));
      if (which !== 'postgres') await redis.stop();
      if (which !== 'redis') pg.stop();
      await new Promise((resolve) => setTimeout(resolve, Math.min(2_000, outageMs)));
      const during = await readiness();
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, outageMs - 2_000)));
      if (which !== 'postgres') await redis.start();
      if (which !== 'redis') pg.start();
      const back = Date.now();
      const after = await until(readiness, (r) => r === 'ready', 60_000) ?? (await readiness());
      outages.push({ outage: which, readinessDuringOutage: during, readinessAfter: after, secondsUntilReady: (Date.now() - back) / 1000 });
      log(`${which}: during the outage /readyz said "${during}", then "${after}" ${((Date.now() - back) / 1000).toFixed(1)} s after it returned`);
    };
    await new Promise((resolve) => setTimeout(resolve, 5_000));
    log(`before any outage: ${JSON.stringify(await model.tally(orders))}`);
    await outage('redis');
    await outage('postgres');
    await outage('both');
    const returned = Date.now();
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    shopping = false;
    await Promise.all(shoppers);
    const agreed = await until(() => model!.tally(orders), consistent, 180_000);
    const recoverySeconds = agreed ? (Date.now() - returned) / 1000 : null;
    const final = await model.tally(orders);
    if (!agreed && process.env.CHAOS_OUTPUT) (await import('node:fs')).writeFileSync(process.env.CHAOS_OUTPUT, `${processes[0]!.output()}\n----- worker -----\n${processes[1]!.output()}`);
    log(`${final.paidOrders} orders paid; ${agreed ? `every system agreed ${recoverySeconds?.toFixed(1)} s after the last outage` : 'the systems did NOT agree within 180 s'}`);
    return { outages, paidOrders: final.paidOrders, lost: lost(final), doubled: doubled(final), recoverySeconds, final };
  } finally {
    shopping = false;
    await model?.close().catch(() => undefined);
    for (const p of processes) await p.stop('SIGKILL');
    await sandboxes.close();
    await redis.stop();
    pg.close();
  }
}
