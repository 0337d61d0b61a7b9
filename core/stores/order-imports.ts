import type { Settle } from '../ports';
import type { Queryable } from '../storage/database';
import { newId } from '../ids';
import { SettleError } from '../errors';

/** How far back a store's orders are read on connecting: the orders a merchant still works on. */
export const IMPORT_DAYS = 30;
/** The furthest back a merchant may ask for: a year of orders. */
export const MAX_IMPORT_DAYS = 365;

/**
 * A reading of the store's recent orders into Settle (their snapshots), done by the worker a page
 * at a time. The counts are the store's own (X-WP-Total), so the admin shows "312 of 1,240 orders".
 */
export interface OrderImport {
  id: string;
  modifiedAfter: Date;
  reason: 'connected' | 'requested';
  status: 'queued' | 'running' | 'done' | 'failed';
  pagesDone: number;
  pagesTotal: number | null;
  ordersDone: number;
  ordersTotal: number | null;
  /** What went wrong, in words, for a failed run. */
  error: string | null;
  createdAt: Date;
  startedAt: Date | null;
  finishedAt: Date | null;
}

type ImportRow = {
  id: string; merchant_id: string; modified_after: Date | string; reason: OrderImport['reason']; status: OrderImport['status'];
  pages_done: number; pages_total: number | null; orders_done: number; orders_total: number | null; error: string | null;
  created_at: Date | string; started_at: Date | string | null; finished_at: Date | string | null;
};
const COLUMNS = 'id, merchant_id, modified_after, reason, status, pages_done, pages_total, orders_done, orders_total, error, created_at, started_at, finished_at';
const date = (d: Date | string | null) => (d === null ? null : new Date(d));

const importFrom = (r: ImportRow): OrderImport => ({
  id: r.id, modifiedAfter: new Date(r.modified_after), reason: r.reason, status: r.status, pagesDone: r.pages_done, pagesTotal: r.pages_total,
  ordersDone: r.orders_done, ordersTotal: r.orders_total, error: r.error, createdAt: new Date(r.created_at), startedAt: date(r.started_at), finishedAt: date(r.finished_at),
});

/** The job id the worker knows an import by (the same import enqueued twice is one job). */
export const orderImportJobId = (importId: string) => `order-import:${importId}`;

/** A second import asked for while one is still reading the store. */
export class ImportAlreadyRunningError extends SettleError {
  constructor(readonly running: OrderImport) {
    super('import_already_running', 'Settle is already importing this store\'s orders; wait for it to finish before starting another.', 409);
  }
}

/**
 * Records an import of the orders modified in the last `days` days and hands it to the worker.
 * One import runs at a time per store (the database's unique index decides between two at once):
 * on connecting, a run already going is kept; a merchant's own request gets ImportAlreadyRunningError.
 */
export async function startOrderImport(
  settle: Settle, merchantId: string, reason: OrderImport['reason'], options: { days?: number; now?: Date } = {},
): Promise<OrderImport> {
  const since = new Date((options.now ?? new Date()).getTime() - (options.days ?? IMPORT_DAYS) * 86_400_000);
  const [row] = await settle.db.query<ImportRow>(
    `INSERT INTO woo_order_imports (id, merchant_id, modified_after, reason, status) VALUES ($1, $2, $3, $4, 'queued')
     ON CONFLICT (merchant_id) WHERE status IN ('queued', 'running') DO NOTHING RETURNING ${COLUMNS}`,
    [newId('oi'), merchantId, since, reason],
  );
  if (!row) {
    const running = await latestOrderImport(settle.db, merchantId);
    // It finished between the two statements: the store is free again.
    if (!running || running.status === 'done' || running.status === 'failed') return startOrderImport(settle, merchantId, reason, options);
    if (reason === 'requested') throw new ImportAlreadyRunningError(running);
    return running;
  }
  const run = importFrom(row);
  await settle.jobs.enqueue('imports', orderImportJobId(run.id), { importId: run.id });
  return run;
}

/** This merchant's latest import, or undefined (another merchant's imports are never read). */
export async function latestOrderImport(db: Queryable, merchantId: string): Promise<OrderImport | undefined> {
  const [row] = await db.query<ImportRow>(`SELECT ${COLUMNS} FROM woo_order_imports WHERE merchant_id = $1 ORDER BY created_at DESC, id LIMIT 1`, [merchantId]);
  return row && importFrom(row);
}

/**
 * The worker's first step: the import to run and whose store, marked running. A finished import
 * (the job delivered again after it was done) is returned as it is and not run again.
 */
export async function beginOrderImport(db: Queryable, importId: string): Promise<{ merchantId: string; run: OrderImport } | undefined> {
  const [row] = await db.query<ImportRow>(
    `UPDATE woo_order_imports SET status = CASE WHEN status = 'queued' THEN 'running' ELSE status END,
            started_at = coalesce(started_at, now()), updated_at = now()
      WHERE id = $1 RETURNING ${COLUMNS}`,
    [importId],
  );
  return row && { merchantId: row.merchant_id, run: importFrom(row) };
}

/**
 * Counts a page read. The counts are set, not added to: a run read again from the start after a
 * crash shows the store's counts, never twice them.
 */
export async function recordImportProgress(
  db: Queryable, importId: string, p: { pagesDone: number; pagesTotal: number; ordersDone: number; ordersTotal: number },
): Promise<void> {
  const finished = p.pagesDone >= p.pagesTotal;
  await db.query(
    `UPDATE woo_order_imports SET pages_done = $2, pages_total = $3, orders_done = $4, orders_total = $5, status = $6,
            finished_at = CASE WHEN $6 = 'done' THEN now() END, updated_at = now()
      WHERE id = $1 AND status = 'running'`,
    [importId, p.pagesDone, p.pagesTotal, p.ordersDone, Math.max(p.ordersTotal, p.ordersDone), finished ? 'done' : 'running'],
  );
}

/** A run that could not finish: its reason is kept for the merchant, who can start another. */
export async function failOrderImport(db: Queryable, importId: string, reason: string): Promise<void> {
  await db.query(
    `UPDATE woo_order_imports SET status = 'failed', error = $2, finished_at = now(), updated_at = now() WHERE id = $1 AND status IN ('queued', 'running')`,
    [importId, reason],
  );
}

/** Imports not finished, oldest first: the worker's sweep enqueues them again in case their enqueue was lost. */
export async function unfinishedOrderImports(db: Queryable, limit: number): Promise<string[]> {
  const rows = await db.query<{ id: string }>(`SELECT id FROM woo_order_imports WHERE status IN ('queued', 'running') ORDER BY created_at LIMIT $1`, [limit]);
  return rows.map((r) => r.id);
}
