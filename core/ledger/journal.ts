import type { Queryable } from '../storage/database';
import { newId } from '../ids';
import type { Money } from '../money';
import { ACCOUNT_ROLES, type AccountRole } from './accounts';

/** One line of a journal entry: a debit (positive) or a credit (negative) to an account role. */
export interface Posting {
  role: AccountRole;
  amount: Money;
}

/** What a journal entry records, by the balance movement behind it. */
export type JournalKind = 'sale' | 'refund' | 'refund_failure' | 'dispute' | 'dispute_reversal' | 'payout' | 'payout_reversal' | 'fee' | 'adjustment';

export interface NewJournalEntry {
  merchantId: string;
  kind: JournalKind;
  /** The fact this entry records (e.g. "stripe:txn_…"); the same fact can be posted only once. */
  sourceRef: string;
  paymentId?: string;
  description: string;
  occurredAt: Date;
  postings: Posting[];
}

export const debit = (role: AccountRole, amount: Money): Posting => ({ role, amount });
export const credit = (role: AccountRole, amount: Money): Posting => ({ role, amount: { ...amount, amount: -amount.amount } });

/**
 * A row that records what an entry is about (the balance movement behind it), written in the same
 * statement as the entry: `insert` is an `INSERT … SELECT … FROM entry`, where `entry.id` is the
 * entry's id, with placeholders `$1`, `$2`… for `params`. Its text must be fixed (it is prepared).
 */
export interface BesideEntry {
  insert: string;
  params: readonly unknown[];
}

/** The entry's own parameters come first; a BesideEntry's placeholders are moved after them. */
const ENTRY_PARAMS = 10;
const shiftPlaceholders = (sql: string, by: number) => sql.replace(/\$(\d+)/g, (_, n: string) => `$${Number(n) + by}`);

/**
 * Posts a balanced entry inside the caller's transaction. Returns the entry id and whether it was
 * new; an entry for the same source is left as it was (exactly once, by the unique merchant and
 * source). The entry, all its postings and the `beside` row go in one statement, one round trip;
 * the database checks at the end of that statement that the postings balance (migration 004), so
 * no code path can write an unbalanced entry, and refuses to change or delete them afterwards.
 * The `beside` row is written also when the entry was already there (beside that entry).
 *
 * When another transaction is posting the same source at the same moment, this one waits for it:
 * if it commits, this answers as for an entry already there; if it rolls back, this one posts.
 */
export async function postEntry(tx: Queryable, entry: NewJournalEntry, beside?: BesideEntry): Promise<{ entryId: string; created: boolean }> {
  const sums = new Map<string, number>();
  for (const p of entry.postings) sums.set(p.amount.currency, (sums.get(p.amount.currency) ?? 0) + p.amount.amount);
  if ([...sums.values()].some((s) => s !== 0)) throw new Error(`journal entry for ${entry.sourceRef} does not balance`);

  const lines = entry.postings.filter((p) => p.amount.amount !== 0);
  const inserted = await tx.query<{ id: string }>(
    `WITH entry AS (
       INSERT INTO ledger_entries (id, merchant_id, kind, source_ref, payment_id, description, occurred_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7)
       ON CONFLICT (merchant_id, source_ref) DO NOTHING
       RETURNING id
     ), postings AS (
       INSERT INTO ledger_postings (entry_id, line, account_role, amount, currency)
       SELECT entry.id, p.line, p.account_role, p.amount, p.currency
         FROM entry, unnest($8::text[], $9::bigint[], $10::text[]) WITH ORDINALITY AS p(account_role, amount, currency, line)
     )${beside ? `, beside AS (${shiftPlaceholders(beside.insert, ENTRY_PARAMS)})` : ''}
     SELECT id FROM entry`,
    [
      newId('le'), entry.merchantId, entry.kind, entry.sourceRef, entry.paymentId ?? null, entry.description, entry.occurredAt.toISOString(),
      lines.map((p) => p.role), lines.map((p) => p.amount.amount), lines.map((p) => p.amount.currency),
      ...(beside?.params ?? []),
    ],
    { prepare: true }, // every movement Settle records comes this way
  );
  if (inserted[0]) return { entryId: inserted[0].id, created: true };
  // Only a fact already posted gets here: by this transaction, or by another that has committed (the insert waited for it).
  const existing = await tx.query<{ id: string }>(
    `WITH entry AS (SELECT id FROM ledger_entries WHERE merchant_id = $1 AND source_ref = $2)${beside ? `, beside AS (${shiftPlaceholders(beside.insert, 2)})` : ''}
     SELECT id FROM entry`,
    [entry.merchantId, entry.sourceRef, ...(beside?.params ?? [])],
  );
  if (!existing[0]) throw new Error(`journal entry for ${entry.sourceRef} was neither posted nor found`);
  return { entryId: existing[0].id, created: false };
}

export interface AccountBalance {
  role: AccountRole;
  name: string;
  currency: string;
  /** In the account's normal direction: income shows sales as positive, clearing shows money held. */
  balance: number;
}

export async function accountBalances(db: Queryable, merchantId: string): Promise<AccountBalance[]> {
  const rows = await db.query<{ account_role: AccountRole; currency: string; total: number }>(
    `SELECT p.account_role, p.currency, sum(p.amount)::bigint AS total
       FROM ledger_postings p JOIN ledger_entries e ON e.id = p.entry_id
      WHERE e.merchant_id = $1 GROUP BY p.account_role, p.currency ORDER BY p.account_role, p.currency`,
    [merchantId],
  );
  return rows.map((r) => {
    const role = ACCOUNT_ROLES[r.account_role];
    return { role: r.account_role, name: role.name, currency: r.currency, balance: role.normal === 'credit' ? -r.total : r.total };
  });
}

export interface EntryWithPostings {
  id: string;
  kind: string;
  sourceRef: string;
  paymentId: string | null;
  description: string;
  occurredAt: Date;
  postings: Posting[];
}

export async function loadEntry(db: Queryable, merchantId: string, entryId: string): Promise<EntryWithPostings | undefined> {
  const [entry] = await db.query<{ id: string; kind: string; source_ref: string; payment_id: string | null; description: string; occurred_at: Date | string }>(
    'SELECT id, kind, source_ref, payment_id, description, occurred_at FROM ledger_entries WHERE merchant_id = $1 AND id = $2',
    [merchantId, entryId],
  );
  if (!entry) return undefined;
  const postings = await db.query<{ account_role: AccountRole; amount: number; currency: string }>(
    'SELECT account_role, amount, currency FROM ledger_postings WHERE entry_id = $1 ORDER BY line',
    [entryId],
  );
  return {
    id: entry.id, kind: entry.kind, sourceRef: entry.source_ref, paymentId: entry.payment_id, description: entry.description,
    occurredAt: new Date(entry.occurred_at),
    postings: postings.map((p) => ({ role: p.account_role, amount: { amount: p.amount, currency: p.currency } })),
  };
}

/** The merchant's journal, newest first, each entry with its postings: what the bookkeeper reads. */
export async function listEntries(db: Queryable, merchantId: string, limit = 100): Promise<EntryWithPostings[]> {
  const entries = await db.query<{ id: string; kind: string; source_ref: string; payment_id: string | null; description: string; occurred_at: Date | string }>(
    `SELECT id, kind, source_ref, payment_id, description, occurred_at FROM ledger_entries
      WHERE merchant_id = $1 ORDER BY occurred_at DESC, created_at DESC LIMIT $2`,
    [merchantId, limit],
  );
  if (entries.length === 0) return [];
  const postings = await db.query<{ entry_id: string; account_role: AccountRole; amount: number; currency: string }>(
    'SELECT entry_id, account_role, amount, currency FROM ledger_postings WHERE entry_id = ANY($1::text[]) ORDER BY entry_id, line',
    [entries.map((e) => e.id)],
  );
  return entries.map((e) => ({
    id: e.id, kind: e.kind, sourceRef: e.source_ref, paymentId: e.payment_id, description: e.description, occurredAt: new Date(e.occurred_at),
    postings: postings.filter((p) => p.entry_id === e.id).map((p) => ({ role: p.account_role, amount: { amount: p.amount, currency: p.currency } })),
  }));
}
