import type { Queryable } from '../storage/database';
import { SettleError } from '../errors';
import { toDecimal, type Money } from '../money';
import { documentTotal, type BooksDocument } from './books';

/**
 * The bookkeeper's approval gate: before a part of a ledger entry is posted, the merchant's rules say
 * whether it posts by itself or waits for the bookkeeper. Waiting is not failing: nothing is retried,
 * and approving runs the entry's books job again; a rejected part is never posted.
 */

/** The kinds of document a rule can approve by itself, in the bookkeeper's words. */
export const DOCUMENT_KINDS: Record<BooksDocument['kind'], string> = {
  sale_receipt: 'Sales',
  refund_receipt: 'Refunds',
  expense: 'Fees',
  transfer: 'Payouts',
  journal: 'Disputes and adjustments',
};
export type DocumentKind = BooksDocument['kind'];

/** What posts without the bookkeeper looking first; a part posts by itself when any rule that is on says so. */
export interface ApprovalRules {
  /** On by default: the no-manual-entry flow, where every document posts by itself. */
  everything: boolean;
  /** Documents below this amount (in its currency). */
  under: Money | null;
  /** Receipts for a customer Settle has posted for before. */
  knownCustomers: boolean;
  kinds: DocumentKind[];
}

export const DEFAULT_RULES: ApprovalRules = { everything: true, under: null, knownCustomers: false, kinds: [] };

export async function loadApprovalRules(db: Queryable, merchantId: string): Promise<ApprovalRules> {
  const rows = await db.query<{ everything: boolean; under_amount: string | null; under_currency: string | null; known_customers: boolean; kinds: DocumentKind[] }>(
    'SELECT everything, under_amount, under_currency, known_customers, kinds FROM books_approval_rules WHERE merchant_id = $1',
    [merchantId],
  );
  const r = rows[0];
  if (!r) return DEFAULT_RULES;
  return {
    everything: r.everything,
    under: r.under_amount === null || r.under_currency === null ? null : { amount: Number(r.under_amount), currency: r.under_currency },
    knownCustomers: r.known_customers,
    kinds: r.kinds,
  };
}

export async function saveApprovalRules(db: Queryable, merchantId: string, rules: ApprovalRules): Promise<void> {
  await db.query(
    `INSERT INTO books_approval_rules (merchant_id, everything, under_amount, under_currency, known_customers, kinds, updated_at)
     VALUES ($1, $2, $3, $4, $5, $6, now())
     ON CONFLICT (merchant_id) DO UPDATE SET everything = EXCLUDED.everything, under_amount = EXCLUDED.under_amount,
       under_currency = EXCLUDED.under_currency, known_customers = EXCLUDED.known_customers, kinds = EXCLUDED.kinds, updated_at = now()`,
    [merchantId, rules.everything, rules.under?.amount ?? null, rules.under?.currency ?? null, rules.knownCustomers, rules.kinds],
  );
}

/** A part that waits for the bookkeeper: the entry's books job stops here until they decide. */
export class BooksAwaitingApproval extends SettleError {
  constructor(reason: string) {
    super('books_awaiting_approval', `Waiting for the bookkeeper's approval: ${reason}`, 409);
  }
}

/** Post with this request id, or hold the part back (`hold` null: rejected or dismissed, never posted). */
export type ApprovalGate = { requestId: string } | { hold: BooksAwaitingApproval | null };

/**
 * May this part be posted now? The request id it answers derives from the entry and part, and names
 * the attempt after each decision to post the part anew (a refusal retried or its mapping fixed, an
 * undone document posted again): QuickBooks answers a request id it has seen with its first reply,
 * so the same id would get the old refusal, or the document already voided, back. The attempt count
 * only moves on a person's recorded decision, so a crash and replay still names the same attempt.
 */
export async function approvalGate(
  db: Queryable, part: { merchantId: string; entryId: string; part: string; document: BooksDocument },
): Promise<ApprovalGate> {
  const [state] = await db.query<{ status: string | null; reason: string | null; dismissed: boolean; attempts: number }>(
    `SELECT (SELECT status FROM books_approvals WHERE entry_id = $1 AND part = $2) AS status,
            (SELECT reason FROM books_approvals WHERE entry_id = $1 AND part = $2) AS reason,
            EXISTS (SELECT 1 FROM books_review_items WHERE entry_id = $1 AND part = $2 AND resolution = 'dismissed') AS dismissed,
            (SELECT count(*) FROM books_undone_documents WHERE entry_id = $1 AND part = $2)::int
              + (SELECT count(*) FROM books_review_items WHERE entry_id = $1 AND part = $2 AND resolution IN ('retried', 'mapping_fixed'))::int AS attempts`,
    [part.entryId, part.part],
  );
  const base = `${part.entryId}.${part.part}`;
  const requestId = state && state.attempts > 0 ? `${base}.again${state.attempts}` : base;
  if (state?.status === 'rejected' || state?.dismissed) return { hold: null };
  if (state?.status === 'approved') return { requestId };
  if (state?.status === 'waiting') return { hold: new BooksAwaitingApproval(state.reason ?? 'not approved yet') };

  const rules = await loadApprovalRules(db, part.merchantId);
  const waitReason = await whyItWaits(db, part.merchantId, part.document, rules);
  if (waitReason === undefined) return { requestId };
  const total = documentTotal(part.document);
  await db.query(
    `INSERT INTO books_approvals (merchant_id, entry_id, part, kind, amount, currency, reason, document)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (entry_id, part) DO NOTHING`,
    [part.merchantId, part.entryId, part.part, part.document.kind, total.amount, total.currency, waitReason, JSON.stringify(part.document)],
  );
  return { hold: new BooksAwaitingApproval(waitReason) };
}

/** Undefined when a rule approves the document; otherwise why it waits, for the bookkeeper. */
async function whyItWaits(db: Queryable, merchantId: string, document: BooksDocument, rules: ApprovalRules): Promise<string | undefined> {
  if (rules.everything || rules.kinds.includes(document.kind)) return undefined;
  const total = documentTotal(document);
  if (rules.under && rules.under.currency === total.currency && total.amount < rules.under.amount) return undefined;
  const customer = 'customer' in document ? document.customer : undefined;
  if (rules.knownCustomers && customer && (await isKnownCustomer(db, merchantId, customer))) return undefined;

  const reasons = [`${DOCUMENT_KINDS[document.kind].toLowerCase()} are not approved automatically`];
  if (rules.under) reasons.push(`${amountText(total)} is not under ${amountText(rules.under)}`);
  if (rules.knownCustomers && customer) reasons.push(`${customer.name} is a new customer`);
  return reasons.join('; ');
}

/** A customer Settle has already posted for (or matched) in the books: the mapping knows them. */
async function isKnownCustomer(db: Queryable, merchantId: string, who: { name: string; email: string }): Promise<boolean> {
  const rows = await db.query('SELECT 1 FROM books_mapping WHERE merchant_id = $1 AND key = $2', [merchantId, `customer:${(who.email || who.name).toLowerCase()}`]);
  return rows.length > 0;
}

const amountText = (m: Money) => `${toDecimal(m)} ${m.currency}`;

/** A part waiting for the bookkeeper, with the document as Settle would post it. */
export interface WaitingApproval {
  id: number;
  entryId: string;
  entryDescription: string;
  part: string;
  kind: DocumentKind;
  amount: Money;
  reason: string;
  document: BooksDocument;
  waitingSince: Date;
}

/** The merchant's parts waiting for approval, oldest first (the order they happened in). */
export async function waitingApprovals(db: Queryable, merchantId: string, limit = 200): Promise<WaitingApproval[]> {
  const rows = await db.query<{
    id: string; entry_id: string; description: string; part: string; kind: DocumentKind; amount: string; currency: string; reason: string;
    document: BooksDocument | string; created_at: Date;
  }>(
    `SELECT a.id, a.entry_id, e.description, a.part, a.kind, a.amount, a.currency, a.reason, a.document, a.created_at
       FROM books_approvals a JOIN ledger_entries e ON e.id = a.entry_id
      WHERE a.merchant_id = $1 AND a.status = 'waiting' ORDER BY a.created_at, a.id LIMIT $2`,
    [merchantId, limit],
  );
  return rows.map((r) => ({
    id: Number(r.id), entryId: r.entry_id, entryDescription: r.description, part: r.part, kind: r.kind,
    amount: { amount: Number(r.amount), currency: r.currency }, reason: r.reason,
    document: typeof r.document === 'string' ? (JSON.parse(r.document) as BooksDocument) : r.document, waitingSince: r.created_at,
  }));
}

/**
 * The bookkeeper approves (the part posts when the entry's books job runs again) or rejects (never
 * posted; the entry's books work closes without it). Answers the entry whose books job must run again.
 */
export async function decideApproval(
  db: Queryable, merchantId: string, id: number, decision: 'approved' | 'rejected', by: string, note: string | null,
): Promise<{ entryId: string }> {
  const rows = await db.query<{ entry_id: string }>(
    `UPDATE books_approvals SET status = $3, decided_by = $4, decided_at = now(), note = $5
      WHERE id = $1 AND merchant_id = $2 AND status = 'waiting' RETURNING entry_id`,
    [id, merchantId, decision, by, note],
  );
  if (rows[0]) return { entryId: rows[0].entry_id };
  const existing = await db.query<{ status: string }>('SELECT status FROM books_approvals WHERE id = $1 AND merchant_id = $2', [id, merchantId]);
  if (!existing[0]) throw new SettleError('approval_not_found', `There is no document ${id} waiting for approval.`, 404);
  throw new SettleError('approval_already_decided', `This document was already ${existing[0].status}.`, 409);
}

/**
 * The entry's books work (its outbox item), opened again if it was closed, so running its job posts
 * what is now allowed. Undefined when the entry has no books work.
 */
export async function reopenBooksWork(db: Queryable, merchantId: string, entryId: string): Promise<string | undefined> {
  const rows = await db.query<{ id: string }>(
    `UPDATE outbox SET done_at = NULL WHERE merchant_id = $1 AND topic = 'books.post_entry' AND payload->>'entryId' = $2 RETURNING id`,
    [merchantId, entryId],
  );
  return rows[0]?.id;
}
