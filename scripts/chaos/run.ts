/**
 * `npm run chaos`: the fault suites with figures. Crash: Settle's server, worker or both SIGKILLed at
 * random points of the full flow and restarted; duplicates: a flood of repeated, reordered webhook
 * deliveries. Writes scripts/bench/results/chaos.json (merging with other suites' keys) and the
 * `chaos` section of BENCHMARKS.md.
 *
 *   npm run chaos                          # 1,000 crash runs, 100,000 deliveries (hours on 2 cores)
 *   npm run chaos -- --runs 30 --deliveries 20000
 *   npm run chaos -- --only crash          # or duplicates
 */
import { cpus, loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { runCrashChaos, type CrashResult } from './crash';
import { runDuplicateFlood, type DuplicatesResult } from './duplicates';
import { mergeChaosMetrics } from '../bench/chaos-results';
import { markdownTable, writeBenchmarksSection } from '../bench/results';

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '1000' },
    deliveries: { type: 'string', default: '100000' },
    only: { type: 'string' },
    'job-lock-ms': { type: 'string', default: '4000' },
  },
});
const log = (line: string) => console.log(`[chaos] ${line}`);
const date = new Date();
const loadBefore = loadavg()[0]!;
let crash: CrashResult | undefined;
let flood: DuplicatesResult | undefined;
if (values.only !== 'duplicates') crash = await runCrashChaos({ runs: Number(values.runs), jobLockMs: Number(values['job-lock-ms']), log });
if (values.only !== 'crash') flood = await runDuplicateFlood({ deliveries: Number(values.deliveries), payments: 40, log });
const loadAfter = loadavg()[0]!;

const metrics: Record<string, number> = {};
if (crash) Object.assign(metrics, { 'crash.runs': crash.runs, 'crash.lost': crash.lost, 'crash.doubled': crash.doubled, 'crash.worst_recovery_s': round(crash.worstRecoverySeconds), 'crash.median_recovery_s': round(crash.medianRecoverySeconds), 'crash.worst_restart_s': round(crash.worstRestartSeconds) });
if (flood) Object.assign(metrics, { 'duplicates.deliveries': flood.deliveries, 'duplicates.double_postings': flood.doublePostings, 'duplicates.lost': flood.lost, 'duplicates.deliveries_per_s': flood.deliveriesPerSecond });
console.log(JSON.stringify(metrics, null, 2));
mergeChaosMetrics(metrics, date);

const rows: (string | number)[][] = [['suite', 'figure', 'value', 'goal']];
if (crash) {
  rows.push(['crash', 'runs (each: one SIGKILL of server, worker or both, then restart)', crash.runs, '1,000'],
    ['crash', 'paid orders checked in Stripe, store, ledger and QuickBooks', crash.paidOrders, ''],
    ['crash', 'lost', crash.lost, '0'], ['crash', 'doubled', crash.doubled, '0'],
    ['crash', 'worst time from the kill until every system agrees again', `${round(crash.worstRecoverySeconds)} s`, '≤ 10 s'],
    ['crash', 'median of the same', `${round(crash.medianRecoverySeconds)} s`, ''],
    ['crash', 'worst restart (kill → process ready again)', `${round(crash.worstRestartSeconds)} s`, '']);
}
if (flood) {
  rows.push(['duplicates', 'webhook deliveries (repeats of real events, freshly signed, random order, 32 at once)', flood.deliveries, '100,000'],
    ['duplicates', 'distinct events among them', flood.distinctEvents, ''],
    ['duplicates', 'double postings', flood.doublePostings, '0'], ['duplicates', 'lost', flood.lost, '0'],
    ['duplicates', 'deliveries answered 2xx / other', `${flood.answered2xx} / ${flood.answeredOther}`, ''],
    ['duplicates', 'inbox rows kept', flood.inboxRows, ''],
    ['duplicates', 'deliveries per second', flood.deliveriesPerSecond, '']);
}
writeBenchmarksSection('chaos', [
  '## Chaos (`npm run chaos`)',
  '',
  `- Command: \`npm run chaos -- --runs ${values.runs} --deliveries ${values.deliveries}${values.only ? ` --only ${values.only}` : ''}\``,
  `- Date: ${date.toISOString()}`,
  `- Machine: ${cpus().length} cores, Node ${process.version}; 1-minute load average ${loadBefore.toFixed(1)} before, ${loadAfter.toFixed(1)} after (other work shares these cores; restart and recovery times grow with it).`,
  `- Settle ran as separate server and worker processes on PostgreSQL with JOB_LOCK_MS=${values['job-lock-ms']} (a crashed worker's jobs are taken over within that plus half again; the default, 30 s, trades that for fewer false takeovers under load). A restarted server asks Stripe for the events it missed.`,
  '',
  markdownTable(rows),
].join('\n'));

function round(n: number): number {
  return Math.round(n * 10) / 10;
}
