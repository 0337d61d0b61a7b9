/**
 * `npm run bench:recon`: the three-way match (core/reconciliation/match.ts, the statement the sweep
 * runs) over 1,000,000 store orders and payments and 1,000,000 balance transactions in 5,000
 * payouts, on PostgreSQL, in a fresh schema dropped afterwards. The data is generated in the
 * database (recon-data.ts) with a sprinkling of planted mismatches; the match must find every one
 * of them and nothing else. Measured: the match's wall time, records per second (records = store
 * orders reconciled three ways), and the peak resident memory of this Node process (PostgreSQL's
 * own memory is separate and not counted). The match runs twice: the first run opens the
 * exceptions, the second (what every later sweep does) finds them again and changes nothing.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { createMerchant } from '../../core/merchants/merchants';
import { runThreeWayMatch, type MatchOutcome } from '../../core/reconciliation/match';
import { openPostgres } from '../../connectors/database/postgres';
import { migrate } from '../../core/storage/migrate';
import { TEST_DATABASE_URL } from '../../test/support/databases';
import { balanceTransactions, generationSteps, PLAN, plantingSteps } from './recon-data';
import { markdownTable, writeBenchmarksSection, writeResultJson } from './results';

const TARGET = { recordsPerS: 200_000, peakRssMb: 512 };
const url = process.env.DATABASE_URL ?? TEST_DATABASE_URL;
// --keep leaves the generated schema in place and --schema NAME runs the match again on one kept
// earlier (no generation): for studying the plan. Either way the figures are printed, not written.
const { values: args } = parseArgs({ options: { keep: { type: 'boolean' }, schema: { type: 'string' } } });
const reuse = args.schema !== undefined;
const schema = args.schema ?? `bench_recon_${randomBytes(4).toString('hex')}`;
if (!/^bench_recon_[a-z0-9]+$/.test(schema)) throw new Error('--schema takes a kept bench_recon_… schema');
const peakRssMb = () => Math.round(process.resourceUsage().maxRSS / 1024);
const seconds = (since: bigint) => Number(process.hrtime.bigint() - since) / 1e9;

async function dropSchema() {
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`).finally(() => admin.end());
}
process.once('SIGINT', () => void (args.keep || reuse ? Promise.resolve() : dropSchema()).finally(() => process.exit(130)));

// One connection: the match runs on one PostgreSQL backend, whose CPU time is read from /proc.
const db = await openPostgres({ url, schema, maxConnections: 1 });

/**
 * CPU seconds the PostgreSQL backend has used (user + system, from /proc when the database runs on
 * this machine, else NaN). Unlike wall time it does not grow when other work shares the CPUs.
 */
function backendCpuSeconds(pid: number): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100; // utime, stime in clock ticks (USER_HZ = 100)
  } catch {
    return Number.NaN;
  }
}
try {
  await migrate(db);
  const merchantId = reuse ? await keptMerchant() : await generate();
  if (reuse) await db.query('DELETE FROM reconciliation_audit; DELETE FROM reconciliation_exceptions');

  const [{ pid } = { pid: 0 }] = await db.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
  const runs: { seconds: number; cpuSeconds: number; load: number; outcome: MatchOutcome }[] = [];
  for (let run = 0; run < 2; run++) {
    const cpuBefore = backendCpuSeconds(pid);
    const started = process.hrtime.bigint();
    const outcome = await runThreeWayMatch(db, merchantId);
    runs.push({ seconds: seconds(started), cpuSeconds: backendCpuSeconds(pid) - cpuBefore, load: loadavg()[0]!, outcome });
    console.log(`match run ${run + 1}: ${runs[run]!.seconds.toFixed(2)} s wall, ${runs[run]!.cpuSeconds.toFixed(2)} s PostgreSQL CPU, load ${runs[run]!.load.toFixed(1)}`, outcome);
  }

  const [check] = await db.query<{ planted: number; found: number; false_positives: number }>(
    `SELECT (SELECT count(*) FROM bench_planted)::int AS planted,
            (SELECT count(*) FROM bench_planted p JOIN reconciliation_exceptions e ON e.merchant_id = $1 AND e.kind = p.kind AND e.subject = p.subject)::int AS found,
            (SELECT count(*) FROM reconciliation_exceptions e WHERE e.merchant_id = $1
                AND NOT EXISTS (SELECT 1 FROM bench_planted p WHERE p.kind = e.kind AND p.subject = e.subject))::int AS false_positives`,
    [merchantId],
  );
  const byKind = await db.query<{ kind: string; planted: number; found: number }>(
    `SELECT p.kind, count(*)::int AS planted, count(e.id)::int AS found FROM bench_planted p
       LEFT JOIN reconciliation_exceptions e ON e.merchant_id = $1 AND e.kind = p.kind AND e.subject = p.subject GROUP BY p.kind ORDER BY p.kind`,
    [merchantId],
  );
  const first = runs[0]!;
  const metrics = {
    records: PLAN.orders,
    balance_transactions: balanceTransactions(),
    payouts: PLAN.payouts,
    seconds: Number(first.seconds.toFixed(3)),
    records_per_s: Math.round(PLAN.orders / first.seconds),
    repeat_seconds: Number(runs[1]!.seconds.toFixed(3)),
    postgres_cpu_seconds: Number(first.cpuSeconds.toFixed(2)),
    records_per_cpu_s: Math.round(PLAN.orders / first.cpuSeconds),
    load_average: Number(first.load.toFixed(1)),
    peak_rss_mb: peakRssMb(),
    planted: check!.planted,
    found: check!.found,
    false_positives: check!.false_positives,
  };
  console.log(metrics);
  const date = new Date();
  if (args.keep || reuse) {
    console.log(`schema ${schema} kept; results not written`);
    await db.close();
    process.exit(0);
  }
  writeResultJson('recon', date, metrics);
  const meets = (ok: boolean) => (ok ? 'met' : '**not met**');
  writeBenchmarksSection(
    'recon',
    `## Three-way reconciliation (\`npm run bench:recon\`)

${date.toISOString().slice(0, 10)}, PostgreSQL at ${new URL(url).host}, ${cpus().length} CPU cores shared with other work. One merchant with
${PLAN.orders.toLocaleString('en-US')} store orders and payments (${(PLAN.orders - PLAN.unpaid).toLocaleString('en-US')} paid), ${balanceTransactions().toLocaleString('en-US')} balance
transactions (sales, ${PLAN.refunded.toLocaleString('en-US')} refunds, ${PLAN.payouts.toLocaleString('en-US')} payouts), every sale and refund in the books; generated
in the database with generate_series, then ${metrics.planted} mismatches planted (${PLAN.perKind} of each kind, ${PLAN.perKind} payouts off by a cent).
The match is the one statement the sweep runs (core/reconciliation/match-sql.ts): hash joins in PostgreSQL, nothing
matched row by row in Node. Records = store orders reconciled against Stripe and the books.

${markdownTable([
  ['figure', 'value', 'target'],
  ['match time (first run, opens the exceptions)', `${metrics.seconds} s`, '≤ 5 s'],
  ['records/s', metrics.records_per_s.toLocaleString('en-US'), `≥ ${TARGET.recordsPerS.toLocaleString('en-US')} (${meets(metrics.records_per_s >= TARGET.recordsPerS)})`],
  ['match time (second run, finds them again)', `${metrics.repeat_seconds} s`, ''],
  ['PostgreSQL CPU for the first run (one backend)', `${metrics.postgres_cpu_seconds} s`, ''],
  ['records per PostgreSQL CPU-second', metrics.records_per_cpu_s.toLocaleString('en-US'), `≥ ${TARGET.recordsPerS.toLocaleString('en-US')} (${meets(metrics.records_per_cpu_s >= TARGET.recordsPerS)})`],
  ['load average (1 min) during the run', `${metrics.load_average} on ${cpus().length} cores`, ''],
  ['peak RSS of the Node process', `${metrics.peak_rss_mb} MB`, `≤ ${TARGET.peakRssMb} MB (${meets(metrics.peak_rss_mb <= TARGET.peakRssMb)})`],
  ['planted / found / false positives', `${metrics.planted} / ${metrics.found} / ${metrics.false_positives}`, `all found, none other (${meets(metrics.found === metrics.planted && metrics.false_positives === 0)})`],
])}

${markdownTable([['kind', 'planted', 'found'], ...byKind.map((k) => [k.kind, k.planted, k.found])])}

PostgreSQL's memory is its own and not in the Node figure: the match gives each hash 64 MB of work_mem (SET LOCAL),
so a merchant's million orders hash in memory instead of spilling to disk in batches, and turns JIT off (compiling the
plan cost more than it saved). Wall time depends on what else the machine runs; PostgreSQL CPU time (the backend's
user + system time from /proc) does not, and on an idle machine the two are about equal (the statement runs on one
backend: a data-modifying statement gets no parallel workers).`,
  );
} finally {
  await db.close();
  if (!args.keep && !reuse) await dropSchema();
}

async function generate(): Promise<string> {
  const merchantId = (await createMerchant(db, 'Bench Recon Shop')).merchant.id;
  const generating = process.hrtime.bigint();
  for (const step of generationSteps(merchantId)) {
    const started = process.hrtime.bigint();
    await db.query(step.sql);
    console.log(`generated ${step.label} (${seconds(started).toFixed(1)} s)`);
  }
  for (const sql of plantingSteps(merchantId)) await db.query(sql);
  // Fresh statistics, as autovacuum would have them for tables that grew over months.
  await db.query('ANALYZE');
  console.log(`generated and planted in ${seconds(generating).toFixed(1)} s; matching…`);
  return merchantId;
}

async function keptMerchant(): Promise<string> {
  const [row] = await db.query<{ id: string }>('SELECT id FROM merchants LIMIT 1');
  if (!row) throw new Error(`schema ${schema} holds no benchmark data`);
  return row.id;
}
