/** The payments benchmark's figures: its BENCHMARKS.md section and results/payments.json. */
import { cpus } from 'node:os';
import { markdownTable, textTable, writeBenchmarksSection, writeResultJson } from './results';

export interface PaymentsRun {
  concurrency: number;
  durationS: number;
  payments: number;
  failures: number;
  /** Times a shopper found no order made ahead and waited for one (not counted in any latency). */
  emptyShelf: number;
  paymentsPerS: number;
  p50: number;
  p99: number;
  max: number;
  createP99: number;
  confirmP99: number;
}

export interface PaymentsResult {
  measured: PaymentsRun;
  sweep: PaymentsRun[];
  busyBefore: number;
  check: string;
  checkPassed: boolean;
  ordersMade: number;
  /** CPU time of Settle's server and worker over the whole run (warm-up to settled), per confirmed payment. */
  settleCpu: { serverMs: number | undefined; workerMs: number | undefined; payments: number };
}

const header = ['Shoppers', 'Payments', 'Payments/s', 'p50 ms', 'p99 ms', 'Max ms', 'Create p99 ms', 'Confirm p99 ms', 'Failures'];
const row = (r: PaymentsRun) => [r.concurrency, r.payments, r.paymentsPerS, r.p50, r.p99, r.max, r.createP99, r.confirmP99, r.failures];

export function printPaymentsTable(result: PaymentsResult): void {
  console.log(`\n${textTable([header, ...result.sweep.map(row), row(result.measured)])}`);
}

export function writePaymentsReport(result: PaymentsResult, plan: { warmupS: number; sweepS: number; sweep: number[]; durationS: number }, date: Date): void {
  const m = result.measured;
  writeResultJson('payments', date, {
    payments_per_s: m.paymentsPerS, p99_ms: m.p99, p50_ms: m.p50, max_ms: m.max, create_p99_ms: m.createP99, confirm_p99_ms: m.confirmP99,
    concurrency: m.concurrency, payments: m.payments,
    ...(result.settleCpu.serverMs === undefined ? {} : { server_cpu_ms_per_payment: result.settleCpu.serverMs }),
    ...(result.settleCpu.workerMs === undefined ? {} : { worker_cpu_ms_per_payment: result.settleCpu.workerMs }), failures: m.failures, cpu_busy_before_pct: result.busyBefore, check_passed: result.checkPassed ? 1 : 0,
  });
  const cpu = cpus()[0]?.model.split(' ').slice(0, 2).join(' ') ?? 'unknown CPU';
  writeBenchmarksSection('payments', `
## Card payments: create + confirm (\`npm run bench:payments\`)

One payment is what the store plugin and the shopper do, over HTTP: \`POST /api/checkouts\` (Settle reads the
WooCommerce order and creates the Stripe payment intent with its idempotency key), then the shopper's page reads it
(\`GET /api/pay/:id\`, Settle reads the intent's client secret) and sends the card straight to Stripe (payment method,
confirm), never through Settle. Settle's real server and \`--worker-only\` worker run as child processes on PostgreSQL
(fresh schema, dropped afterwards) against the in-process Stripe, WooCommerce and QuickBooks sandboxes; the worker
settles each payment from Stripe's signed webhooks meanwhile (ledger, order marked paid, books). Orders are made ahead
and not timed. Each shopper pays one order after another; a payment's time runs from the checkout call to the confirmed
intent. A ${plan.warmupS} s warm-up, a sweep of ${plan.sweep.join('/')} shoppers (${plan.sweepS} s each), then ${plan.durationS} s at the
level with the best throughput.

- Command: \`npm run bench:payments\`
- Date: ${date.toISOString()}
- Machine: ${cpus().length} cores (${cpu}), Node ${process.version}. The shoppers, the sandboxes, PostgreSQL, Redis and
  Settle's two processes all share these cores.
- CPUs busy with other work just before the run: ${result.busyBefore} %${result.busyBefore >= 50
    ? '. **Taken while other work kept the CPUs busy: these figures say more about the machine than about Settle; run again on a quiet one.**'
    : ''}

${markdownTable([header, row(m)])}

Settle's own CPU time per payment, over the whole run (warm-up to every payment settled, ${result.settleCpu.payments} payments): server
${result.settleCpu.serverMs ?? '?'} ms (checkout, payment page, webhooks in), worker ${result.settleCpu.workerMs ?? '?'} ms (settling: ledger, store, books).
These hold on a busy machine, where the clock-time figures above do not.

Sweep: ${result.sweep.map((r) => `${r.concurrency} → ${r.paymentsPerS}/s at p99 ${r.p99} ms`).join('; ')}.

Checked afterwards (${result.checkPassed ? 'ok' : '**FAILED**'}): ${result.check}.

To try one setting: \`npm run bench:payments -- --concurrency 8 --duration 5\`. Such partial runs print their figures but
leave this section and the JSON as they were.
`);
}
