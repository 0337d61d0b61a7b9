import type { Database } from '../storage/database';
import { THREE_WAY_MATCH_SQL } from './match-sql';
import { explain, type ExceptionDetails, type ExceptionKind } from './explain';

/** What one run of the match changed in the exceptions queue. */
export interface MatchOutcome {
  /** Exceptions seen for the first time. */
  opened: number;
  /** Exceptions found (new, still open, reopened or accepted): the disagreements that exist now. */
  found: number;
  /** Open exceptions no longer found: the systems agree again. */
  resolved: number;
}

/**
 * How long work may be in flight before a disagreement counts: a payment succeeded a moment ago
 * has its store and books steps still queued.
 */
export const IN_FLIGHT_GRACE_MS = 60_000;

/** PostgreSQL memory for each hash of the match (its own, not Settle's process memory). */
const MATCH_WORK_MEM = '64MB';

type Touched = { id: number; kind: ExceptionKind | null; details: ExceptionDetails | null; explanation: string | null; is_new: boolean; resolved: boolean };

/**
 * Runs the three-way match for one merchant (one statement, see match-sql.ts) and writes the
 * explanation of each exception it found whose figures changed.
 */
export async function runThreeWayMatch(db: Database, merchantId: string, options: { cutoff?: Date } = {}): Promise<MatchOutcome> {
  const cutoff = options.cutoff ?? new Date(Date.now() - IN_FLIGHT_GRACE_MS);
  // The explanations are written in the match's own transaction: an exception is never seen without one.
  const rows = await db.transaction(async (tx) => {
    // The hash joins over a merchant's every order and balance transaction fit in memory instead of
    // spilling to disk in batches; JIT compiling the plan costs more than the few rows it outputs save.
    if (db.kind === 'postgres') await tx.query(`SET LOCAL work_mem = '${MATCH_WORK_MEM}'; SET LOCAL jit = off`);
    const touched = await tx.query<Touched>(THREE_WAY_MATCH_SQL, [merchantId, cutoff]);
    const rewrite = touched
      .filter((r) => !r.resolved)
      .map((r) => ({ id: r.id, text: explain(r.kind!, r.details!), was: r.explanation }))
      .filter((r) => r.text !== r.was);
    if (rewrite.length > 0) {
      await tx.query(
        `UPDATE reconciliation_exceptions e SET explanation = x.text
           FROM unnest($2::bigint[], $3::text[]) AS x(id, text) WHERE e.merchant_id = $1 AND e.id = x.id`,
        [merchantId, rewrite.map((r) => r.id), rewrite.map((r) => r.text)],
      );
    }
    return touched;
  });
  const found = rows.filter((r) => !r.resolved);
  return { opened: found.filter((r) => r.is_new).length, found: found.length, resolved: rows.length - found.length };
}
