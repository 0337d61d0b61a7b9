/**
 * `npm run chaos`: the fault suites with figures. Crash: Settle's server, worker or both SIGKILLed at
 * random points of the full flow and restarted; duplicates: a flood of repeated, reordered webhook
 * deliveries. Writes scripts/bench/results/chaos.json (merging with other suites' keys) and the
 * `chaos` section of BENCHMARKS.md.
 *
 *   npm run chaos                          # 1,000 crash runs, 100,000 deliveries (hours on 2 cores)
 *   npm run chaos -- --runs 30 --deliveries 20000
 *   npm run chaos -- --only crash          # or duplicates, or infrastructure
 */
import { cpus, loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { runCrashChaos, type CrashResult } from './crash';
import { runDuplicateFlood, type DuplicatesResult } from './duplicates';
import { runInfrastructureChaos, type InfrastructureResult } from './infrastructure';
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
let infra: InfrastructureResult | undefined;
const suite = (name: string) => !values.only || values.only === name;
if (suite('crash')) crash = await runCrashChaos({ runs: Number(values.runs), jobLockMs: Number(values['job-lock-ms']), log });
if (suite('duplicates')) flood = await runDuplicateFlood({ deliveries: Number(values.deliveries), payments: 40, log });
if (suite('infrastructure')) infra = await runInfrastructureChaos({ log });
const loadAfter = loadavg()[0]!;

const metrics: Record<string, number> = {};
if (crash) Object.assign(metrics, { 'crash.runs': crash.runs, 'crash.lost': crash.lost, 'crash.doubled': crash.doubled, 'crash.worst_recovery_s': round(crash.worstRecoverySeconds), 'crash.median_recovery_s': round(crash.medianRecoverySeconds), 'crash.worst_restart_s': round(crash.worstRestartSeconds) });
if (flood) Object.assign(metrics, { 'duplicates.deliveries': flood.deliveries, 'duplicates.double_postings': flood.doublePostings, 'duplicates.lost': flood.lost, 'duplicates.deliveries_per_s': flood.deliveriesPerSecond });
if (infra) Object.assign(metrics, { 'infrastructure.lost': infra.lost, 'infrastructure.doubled': infra.doubled, 'infrastructure.recovery_s': round(infra.recoverySeconds ?? -1) });
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
if (infra) {
  for (const o of infra.outages) rows.push(['infrastructure', `${o.outage === 'both' ? 'PostgreSQL and Redis' : o.outage === 'redis' ? 'Redis' : 'PostgreSQL'} down 5 s mid-load: /readyz said`, `"${o.readinessDuringOutage}", then "${o.readinessAfter}"`, '503 naming it']);
  rows.push(['infrastructure', 'paid orders while it happened', infra.paidOrders, ''], ['infrastructure', 'lost / doubled', `${infra.lost} / ${infra.doubled}`, '0 / 0'],
    ['infrastructure', 'from the last outage until every system agreed', infra.recoverySeconds === null ? 'did not agree' : `${round(infra.recoverySeconds)} s`, '']);
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
