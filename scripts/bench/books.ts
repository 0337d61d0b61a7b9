/**
 * `npm run bench:books`: how many documents a minute Settle puts in one QuickBooks company, within
 * Intuit's limits. 10,000 ledger entries of one merchant (70 % card sales with their Stripe fee: a sales
 * receipt and a fee expense each; 20 % refunds: a refund receipt; 10 % payouts: a transfer to the bank)
 * wait to be posted, as the worker finds them after an outage; Settle's real worker (a child process on
 * PostgreSQL, its Redis limiter on) drains them into the QuickBooks sandbox over HTTP, with the
 * sandbox's limits on (500 requests and 40 batch requests a minute, 10 at once; 429 past them).
 * Afterwards every entry must have exactly its documents in the sandbox and in Settle's records.
 * `--entries N` tries a smaller run (figures printed, results not written).
 */
import { loadavg, cpus } from 'node:os';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { startSettleStack, type SettleStack } from '../../test/support/stack';
import { startSettleProcess } from '../../test/support/settle-process';
import { signUpAndConnect } from '../../test/support/journey';
import { TEST_DATABASE_URL } from '../../test/support/databases';
import { BullJobQueue, redisConnection } from '../../connectors/queue/bullmq';
import { deleteQueueKeys, otherCpuBusyPercent } from './ingest-support';
import { markdownTable, textTable, writeBenchmarksSection, writeResultJson } from './results';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const { values: args } = parseArgs({ options: { entries: { type: 'string' }, 'max-minutes': { type: 'string' } } });
const FULL = 10_000;
const ENTRIES = Number(args.entries ?? FULL);
const partialRun = ENTRIES !== FULL;
const TARGET_PER_MIN = 1_000;
// Gives up when nothing is posted for this long (a stuck drain is a failure, not a slow run).
const STALL_MS = 5 * 60_000;
// And stops after this long, reporting what was posted by then (checks then fail: entries left waiting).
const MAX_MS = Number(args['max-minutes'] ?? 40) * 60_000;

type Kind = 'sale' | 'refund' | 'payout';
/** The documents each kind of entry becomes in QuickBooks (per-transaction posting). */
const EXPECTED: Record<Kind, Record<string, number>> = {
  sale: { SalesReceipt: 1, Purchase: 1 },
  refund: { RefundReceipt: 1 },
  payout: { Transfer: 1 },
};
const kindOf = (i: number): Kind => (i % 10 < 7 ? 'sale' : i % 10 < 9 ? 'refund' : 'payout');

/** Postings of entry i, in cents: a sale of $10–$110 less a 2.9 % + 30¢ fee; a refund; a payout. */
function postings(i: number): [string, number][] {
  const cents = 1_000 + ((i * 7_919) % 10_000);
  switch (kindOf(i)) {
    case 'sale': {
      const fee = Math.round(cents * 0.029) + 30;
      return [['stripe_clearing', cents - fee], ['processing_fees', fee], ['income', -cents]];
    }
    case 'refund':
      return [['income', cents], ['stripe_clearing', -cents]];
    case 'payout':
      return [['bank', cents * 5], ['stripe_clearing', -cents * 5]];
  }
}

/** The waiting entries and their outbox rows, written straight into the run's schema, a chunk per transaction. */
async function writeEntries(client: pg.Client, merchantId: string, n: number): Promise<string[]> {
  const outboxIds: string[] = [];
  for (let start = 0; start < n; start += 500) {
    const ids = Array.from({ length: Math.min(500, n - start) }, (_, k) => start + k);
    await client.query('BEGIN');
    await client.query(
      `INSERT INTO ledger_entries (id, merchant_id, kind, source_ref, description, occurred_at)
       SELECT 'le_bench' || i, $1, k, 'stripe:bench_' || i, d, now() - interval '1 day' FROM unnest($2::int[], $3::text[], $4::text[]) AS t(i, k, d)`,
      [merchantId, ids, ids.map(kindOf), ids.map((i) => ({ sale: 'Card sale', refund: 'Refund', payout: 'Payout to bank' })[kindOf(i)])],
    );
    const rows = ids.flatMap((i) => postings(i).map(([role, amount], line) => ({ i, line: line + 1, role, amount })));
    // One statement: the ledger checks every entry balances when its postings are written.
    await client.query(
      `INSERT INTO ledger_postings (entry_id, line, account_role, amount, currency)
       SELECT 'le_bench' || i, l, r, a, 'USD' FROM unnest($1::int[], $2::int[], $3::text[], $4::bigint[]) AS t(i, l, r, a)`,
      [rows.map((r) => r.i), rows.map((r) => r.line), rows.map((r) => r.role), rows.map((r) => r.amount)],
    );
    // clock_timestamp(): each waits from its own moment, as entries arriving one after another do.
    await client.query(
      `INSERT INTO outbox (id, merchant_id, topic, payload, created_at)
       SELECT 'books:le_bench' || i, $1, 'books.post_entry', jsonb_build_object('entryId', 'le_bench' || i), clock_timestamp() FROM unnest($2::int[]) AS t(i)`,
      [merchantId, ids],
    );
    await client.query('COMMIT');
    outboxIds.push(...ids.map((i) => `books:le_bench${i}`));
  }
  return outboxIds;
}

async function main() {
  const busyBefore = await otherCpuBusyPercent();
  console.log(`books bench: ${ENTRIES} entries; other work on the CPUs before: ${busyBefore} %`);
  const stack: SettleStack = await startSettleStack();
  const client = new pg.Client({ connectionString: TEST_DATABASE_URL });
  await client.connect();
  const schema = stack.env.DATABASE_SCHEMA!;
  await client.query(`SET search_path TO "${schema}"`);
  try {
    const m = await signUpAndConnect(stack.settleUrl, stack.sandboxes, 'Bench Books Co');
    // The sandbox checks every entity against Intuit's XSDs: compile them before the clock starts.
    await warmUp(stack);
    await stack.worker.stop();
    const outboxIds = await writeEntries(client, m.merchantId, ENTRIES);
    const expectedEntities = Array.from({ length: ENTRIES }, (_, i) => Object.values(EXPECTED[kindOf(i)]).reduce((a, b) => a + b, 0)).reduce((a, b) => a + b, 0);

    // Each entry's job, as the server enqueues it after its commit.
    const jobs = new BullJobQueue(redisConnection(REDIS_URL), stack.env.QUEUE_PREFIX!);
    for (let i = 0; i < outboxIds.length; i += 1_000) {
      await jobs.enqueueMany('books', outboxIds.slice(i, i + 1_000).map((id) => ({ jobId: id, data: { outboxId: id } })));
    }
    await jobs.close();

    const started = performance.now();
    stack.worker = await startSettleProcess(['--worker-only'], stack.env);
    const pending = async () => Number((await client.query<{ n: string }>(`SELECT count(*) AS n FROM outbox WHERE merchant_id = $1 AND done_at IS NULL`, [m.merchantId])).rows[0]?.n);
    let left = ENTRIES;
    let lastProgress = performance.now();
    let lastPrint = 0;
    while (left > 0 && performance.now() - lastProgress < STALL_MS && performance.now() - started < MAX_MS) {
      await new Promise((r) => setTimeout(r, 2_000));
      const now = await pending();
      if (now < left) lastProgress = performance.now();
      left = now;
      if (performance.now() - lastPrint > 30_000) {
        lastPrint = performance.now();
        console.log(`  ${((performance.now() - started) / 60_000).toFixed(1)} min: ${ENTRIES - left}/${ENTRIES} entries posted`);
      }
    }
    const minutes = (performance.now() - started) / 60_000;
    if (process.env.BENCH_DEBUG) console.log(stack.worker.output().slice(-30_000));
    const loadAfter = loadavg()[0] ?? 0;

    const books = (await stack.sandboxes.quickbooks.documents(m.realmId)).documents;
    const throttled = await stack.sandboxes.quickbooks.throttledRequests(m.realmId);
    const checks = await check(client, m.merchantId, books, ENTRIES, expectedEntities);
    const batchRows = (await client.query<{ batches: string; items: string; sends: string }>(
      `SELECT count(*) AS batches, (SELECT count(*) FROM books_batch_items WHERE merchant_id = $1) AS items, coalesce(sum(sends), 0) AS sends
       FROM books_batches WHERE merchant_id = $1`, [m.merchantId])).rows[0];
    const entities = ['SalesReceipt', 'Purchase', 'RefundReceipt', 'Transfer'].reduce((sum, t) => sum + (books[t]?.length ?? 0), 0);
    const batches = Number(batchRows?.batches ?? 0);
    const metrics = {
      entries: ENTRIES - left,
      entities,
      minutes: round(minutes, 2),
      entities_per_min: Math.round(entities / minutes),
      throttled_429: throttled,
      batches,
      documents_per_batch: round(Number(batchRows?.items ?? 0) / Math.max(1, batches), 1),
      batch_sends: Number(batchRows?.sends ?? 0),
      other_cpu_busy_percent_before: busyBefore,
      load_average_after: round(loadAfter, 2),
      checks_failed: checks.filter((c) => !c.ok).length,
    };
    const rows: (string | number)[][] = [['Metric', 'Value'], ...Object.entries(metrics).map(([k, v]) => [k, v])];
    console.log(textTable(rows));
    for (const c of checks) console.log(`  ${c.ok ? 'ok' : 'FAILED'}: ${c.text}`);
    if (!partialRun) writeReport(metrics, checks);
    if (checks.some((c) => !c.ok)) process.exitCode = 1;
  } finally {
    await client.end();
    await stack.stop();
    await deleteQueueKeys(REDIS_URL, stack.env.QUEUE_PREFIX!);
    const drop = new pg.Client({ connectionString: TEST_DATABASE_URL });
    await drop.connect();
    await drop.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await drop.end();
  }
}

const round = (n: number, places: number) => Math.round(n * 10 ** places) / 10 ** places;

/** One batch into a company of its own: the sandbox compiles Intuit's XSDs on first use. */
async function warmUp(stack: SettleStack) {
  const qb = stack.sandboxes.quickbooks;
  const app = await qb.createApp();
  const company = await qb.createCompany({ client_id: app.client_id, company_name: 'Warm-up' });
  const res = await fetch(`${qb.apiBaseUrl}${company.realm_id}/batch?minorversion=75`, {
    method: 'POST',
    headers: { authorization: `Bearer ${company.access_token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ BatchItemRequest: [{ bId: '1', operation: 'create', Account: { Name: 'Warm-up', AccountType: 'Bank' } }] }),
  });
  await res.json();
}

type Check = { ok: boolean; text: string };

/** Every entry has exactly its documents in QuickBooks (none twice, none missing), and Settle's record names them. */
async function check(client: pg.Client, merchantId: string, books: Record<string, Record<string, unknown>[]>, n: number, expectedEntities: number): Promise<Check[]> {
  const checks: Check[] = [];
  const found = new Map<string, Record<string, number>>();
  let unmatched = 0;
  for (const type of ['SalesReceipt', 'Purchase', 'RefundReceipt', 'Transfer']) {
    for (const doc of books[type] ?? []) {
      const i = /\(bench_(\d+)\)/.exec(String(doc.PrivateNote ?? ''))?.[1];
      if (i === undefined) {
        unmatched++;
        continue;
      }
      const counts = found.get(i) ?? {};
      counts[type] = (counts[type] ?? 0) + 1;
      found.set(i, counts);
    }
  }
  let doubled = 0;
  let missing = 0;
  for (let i = 0; i < n; i++) {
    const want = EXPECTED[kindOf(i)];
    const got = found.get(String(i)) ?? {};
    for (const type of new Set([...Object.keys(want), ...Object.keys(got)])) {
      const w = want[type] ?? 0;
      const g = got[type] ?? 0;
      if (g > w) doubled += g - w;
      if (g < w) missing += w - g;
    }
  }
  checks.push({ ok: doubled === 0 && missing === 0 && unmatched === 0, text: `${n} entries, each with exactly its documents in QuickBooks: ${doubled} doubled, ${missing} missing, ${unmatched} not Settle's` });
  const recorded = (await client.query<{ rows: string; documents: string; pending: string }>(
    `SELECT count(*) AS rows, count(DISTINCT document_type || '/' || document_id) AS documents,
       (SELECT count(*) FROM outbox WHERE merchant_id = $1 AND done_at IS NULL) AS pending
     FROM books_documents WHERE merchant_id = $1`, [merchantId])).rows[0];
  checks.push({
    ok: Number(recorded?.rows) === expectedEntities && Number(recorded?.documents) === expectedEntities && Number(recorded?.pending) === 0,
    text: `Settle recorded ${recorded?.rows} documents (${expectedEntities} expected), ${recorded?.documents} distinct; ${recorded?.pending} entries left waiting`,
  });
  const review = (await client.query<{ n: string }>('SELECT count(*) AS n FROM books_review_items WHERE merchant_id = $1', [merchantId])).rows[0];
  checks.push({ ok: Number(review?.n) === 0, text: `${review?.n} documents sent to the review queue` });
  return checks;
}

function writeReport(metrics: Record<string, number>, checks: Check[]) {
  const date = new Date();
  writeResultJson('books', date, metrics);
  const met = metrics.entities_per_min! >= TARGET_PER_MIN && metrics.throttled_429 === 0;
  writeBenchmarksSection('books', `## QuickBooks posting (\`npm run bench:books\`)

${FULL.toLocaleString('en-US')} ledger entries of one merchant waiting to be posted (70 % card sales with their Stripe fee:
a sales receipt and a fee expense each; 20 % refunds: a refund receipt; 10 % payouts: a transfer to the bank), drained
by Settle's real worker (a child process on PostgreSQL, BullMQ and its Redis limiter) into the QuickBooks sandbox
over HTTP, the sandbox's limits on (500 requests and 40 batch requests a minute per company, 10 at once, 429 past
them) and every entity checked against Intuit's XSDs. Settle posts in batch requests of up to 30 documents, each
written down before it is sent (exactly once across a crash). Timed from the worker's start to the last entry posted.

- Command: \`npm run bench:books\`
- Date: ${date.toISOString()}
- Machine: ${cpus().length} cores (${cpus()[0]?.model.split(' ').slice(0, 2).join(' ')}), Node ${process.version}; the sandbox runs in the benchmark process, Settle's worker and server beside it
- CPUs busy with other work just before the run: ${metrics.other_cpu_busy_percent_before} %; 1-minute load average after: ${metrics.load_average_after}

${markdownTable([
    ['Entries', 'Entities', 'Minutes', 'Entities/min', '429s', 'Batches', 'Documents/batch', 'Batch sends'],
    [metrics.entries!, metrics.entities!, metrics.minutes!, `**${metrics.entities_per_min}**`, metrics.throttled_429!, metrics.batches!, metrics.documents_per_batch!, metrics.batch_sends!],
  ])}

Target: ≥ ${TARGET_PER_MIN.toLocaleString('en-US')} entities/min per company with zero 429s: **${met ? 'met' : 'not met'}**. The ceiling is Intuit's
40 batch requests a minute × 30 documents = 1,200 a minute per company and app; Settle's limiter keeps under it
with a second of margin on each minute.

Checked afterwards:
${checks.map((c) => `- ${c.ok ? 'ok' : 'FAILED'}: ${c.text}`).join('\n')}

To try a smaller run: \`npm run bench:books -- --entries 500\`. Such partial runs print their figures but leave this
section and the JSON as they were.`);
}

await main();
