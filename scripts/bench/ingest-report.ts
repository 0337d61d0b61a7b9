/** The ingest benchmark's figures: a table on stdout, `results/ingest.json` and its BENCHMARKS.md section. */
import { cpus } from 'node:os';
import type { LoadFigures } from './load';
import { markdownTable, textTable, writeBenchmarksSection, writeResultJson } from './results';

export const TARGET = { eventsPerS: 2000, p99Ms: 50 };

/** The figures before the ingest path was reworked, measured with this script, for comparison. */
const HISTORY = [
  'History: before the webhook path batched its inbox INSERTs and BullMQ adds (group commit), kept signing secrets in',
  'memory and stopped building a per-request pino-http logger above info, each event cost a connection lookup, an',
  'INSERT with its own commit and a Redis round trip; measured the same way on 2026-11-25 (CPUs idle beforehand):',
  '691 events/s on PostgreSQL (10 connections, p50 12 ms, p99 47 ms, server CPU 904 µs/event).',
];

export interface DatabaseResult {
  database: 'postgres' | 'pglite';
  processes: string;
  figures: LoadFigures;
  sweep: LoadFigures[];
  busyBefore: number; // % of the CPUs busy with other work just before the run: it skews the figures
  serverCpuUsPerEvent?: number;
  check: string;
  checkPassed: boolean;
  inboxRows: number;
}

export interface RunPlan {
  warmupS: number;
  sweepS: number;
  sweepConnections: number[];
  durationS: number;
}

const serverCpu = (r: DatabaseResult) => r.serverCpuUsPerEvent ?? 'n/a';

function figuresTable(results: DatabaseResult[]): (string | number)[][] {
  return [
    ['Database', 'Processes', 'Connections', 'Events/s', 'p50 ms', 'p99 ms', 'Non-2xx', 'Errors', 'Server CPU µs/event'],
    ...results.map((r) => {
      const f = r.figures;
      return [r.database, r.processes, f.connections, f.eventsPerS, f.p50, f.p99, f.non2xx, f.errors, serverCpu(r)];
    }),
  ];
}

export function printTable(results: DatabaseResult[]): void {
  console.log(`\n${textTable(figuresTable(results))}\n`);
}

export function targetMet(results: DatabaseResult[]): boolean | undefined {
  const f = results.find((r) => r.database === 'postgres')?.figures;
  return f && f.eventsPerS >= TARGET.eventsPerS && f.p99 <= TARGET.p99Ms && f.non2xx === 0 && f.errors === 0;
}

export function writeReport(results: DatabaseResult[], plan: RunPlan, date: Date): void {
  const metrics: Record<string, number> = {};
  for (const { database: db, figures: f, ...r } of results) {
    Object.assign(metrics, {
      [`${db}.events_per_s`]: f.eventsPerS, [`${db}.p50_ms`]: f.p50, [`${db}.p90_ms`]: f.p90, [`${db}.p99_ms`]: f.p99, [`${db}.max_ms`]: f.max,
      [`${db}.connections`]: f.connections, [`${db}.non2xx`]: f.non2xx, [`${db}.errors`]: f.errors, [`${db}.inbox_rows`]: r.inboxRows,
      [`${db}.cpu_busy_before_pct`]: r.busyBefore,
      ...(r.serverCpuUsPerEvent === undefined ? {} : { [`${db}.server_cpu_us_per_event`]: r.serverCpuUsPerEvent }),
    });
  }
  console.log(`wrote ${writeResultJson('ingest', date, metrics)}`);

  const met = targetMet(results);
  const cpu = cpus();
  const sweep = (r: DatabaseResult) => r.sweep.map((f) => `${f.connections} → ${f.eventsPerS}/s at p99 ${f.p99} ms`).join('; ');
  const section = [
    '## Webhook ingest (`npm run bench:ingest`)',
    '',
    'Signed Stripe webhooks posted over loopback by autocannon to `POST /webhooks/stripe/:merchantId` of the real',
    'server entry point (a child process, `LOG_LEVEL=warn`): signature verified on the raw body, inbox row committed,',
    'BullMQ job enqueued, 200 answered. Every request carries a new event id and a freshly computed `Stripe-Signature`.',
    'On PostgreSQL the server runs alone, with no worker, so the queue just fills. On PGlite it runs with `--with-worker`',
    '(PGlite serves one process), so the worker drains the queue in the same process meanwhile.',
    `Each database: a ${plan.warmupS} s warm-up, a sweep of ${plan.sweepConnections.join('/')} connections (${plan.sweepS} s each), then ${plan.durationS} s at the`,
    `connection count with the best throughput within p99 ≤ ${TARGET.p99Ms} ms (if none is within, the one with the lowest p99).`,
    '',
    '- Command: `npm run bench:ingest`',
    `- Date: ${date.toISOString()}`,
    `- Machine: ${cpu.length} cores (${cpu[0]?.model.trim() ?? 'unknown CPU'}), Node ${process.version}. The load generator, PostgreSQL`,
    '  and Redis share these cores with Settle.',
    `- CPUs busy with other work just before each run: ${results.map((r) => `${r.database} ${r.busyBefore} %`).join(', ')}`,
    '',
    markdownTable(figuresTable(results)),
    '',
    'Server CPU µs/event: CPU time of the Settle process during the measured run, divided by the events it accepted.',
    '',
    `Target: ≥ ${TARGET.eventsPerS.toLocaleString('en-US')} events/s with p99 ≤ ${TARGET.p99Ms} ms on PostgreSQL: ` +
      `${met === undefined ? 'not measured' : met ? '**met**' : '**not met**'}.`,
    '',
    'Sweeps (connections → events/s at p99):',
    ...results.map((r) => `- ${r.database}: ${sweep(r)}`),
    '',
    'Checked after each run: every event answered 2xx as new has its inbox row; requests autocannon stopped waiting for',
    'at the end of a run may have one too; no non-2xx answers.',
    ...results.map((r) => `- ${r.database}: ${r.checkPassed ? 'ok' : 'FAILED'}. ${r.check}`),
    '',
    ...HISTORY,
    '',
    'To try one setting: `npm run bench:ingest -- --connections 20 --duration 5` (or `--only postgres`). Such partial',
    'runs print their figures but leave this section and the JSON as they were.',
  ].join('\n');
  console.log(`wrote ${writeBenchmarksSection('ingest', section)}`);
}
