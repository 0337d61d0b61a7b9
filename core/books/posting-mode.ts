import type { Queryable } from '../storage/database';
import type { Settle } from '../ports';
import { loadEntry, type EntryWithPostings } from '../ledger/journal';
import type { StoreOrder } from '../stores/store';
import { money, type Money } from '../money';
import { RetryableError } from '../errors';
import { booksDocumentsFor, payoutSummaryFor, type Part } from './documents';

/**
 * How the merchant's ledger reaches their books:
 * - per_transaction: every sale, fee, refund, dispute and payout is its own QuickBooks document;
 * - per_payout: one summarised journal entry per payout, matching the bank deposit; nothing per sale.
 */
export const POSTING_MODES = ['per_transaction', 'per_payout'] as const;
export type PostingMode = (typeof POSTING_MODES)[number];

export interface BooksSettings {
  postingMode: PostingMode;
  changedAt: Date | null;
}

export async function booksSettings(db: Queryable, merchantId: string): Promise<BooksSettings> {
  const [row] = await db.query<{ posting_mode: PostingMode; changed_at: Date | string }>(
    'SELECT posting_mode, changed_at FROM books_settings WHERE merchant_id = $1', [merchantId],
  );
  return row ? { postingMode: row.posting_mode, changedAt: new Date(row.changed_at) } : { postingMode: 'per_transaction', changedAt: null };
}

/**
 * Changes the mode from now on. It applies to every entry whose payout has not been posted yet:
 * a payout posted already keeps its documents, and a sale carried by it is posted the way its
 * payout was (see documentsToPost), so switching never posts an entry twice nor leaves one out.
 */
export async function setPostingMode(db: Queryable, merchantId: string, postingMode: PostingMode): Promise<BooksSettings> {
  await db.query(
    `INSERT INTO books_settings (merchant_id, posting_mode) VALUES ($1, $2)
     ON CONFLICT (merchant_id) DO UPDATE SET posting_mode = EXCLUDED.posting_mode,
       changed_at = CASE WHEN books_settings.posting_mode = EXCLUDED.posting_mode THEN books_settings.changed_at ELSE now() END`,
    [merchantId, postingMode],
  );
  return booksSettings(db, merchantId);
}

/**
 * Which documents a ledger entry becomes in the merchant's books, part by part.
 *
 * An entry a payout's summary already carries is in the books through it: nothing more. An entry
 * whose payout was posted per transaction (its transfer is in the books) is posted per transaction,
 * whatever the mode says now. Otherwise the mode decides: per transaction, the entry's own documents;
 * per payout, nothing for a sale, refund, fee or dispute (the payout's summary will carry it) and the
 * summary journal for the payout. A payout returned by the bank (payout_reversal) is posted on its
 * own in both modes, the day it happens, as the bank statement shows it; the payout that pays the
 * money out again leaves it out of its summary and takes the money out of clearing instead.
 */
export async function documentsToPost(settle: Settle, merchantId: string, entry: EntryWithPostings, order?: StoreOrder): Promise<Part[]> {
  const db = settle.db;
  const [state] = await db.query<{ posting_mode: PostingMode | null; summarised: boolean; payout_posted: boolean }>(
    `SELECT (SELECT posting_mode FROM books_settings WHERE merchant_id = $1) AS posting_mode,
            EXISTS (SELECT 1 FROM books_payout_summaries WHERE entry_id = $2) AS summarised,
            EXISTS (SELECT 1 FROM balance_movements m
                      JOIN balance_movements pm ON pm.merchant_id = m.merchant_id AND pm.source_id = m.payout_id AND pm.category = 'payout'
                      JOIN books_documents d ON d.entry_id = pm.entry_id
                     WHERE m.merchant_id = $1 AND m.entry_id = $2 AND pm.entry_id <> $2) AS payout_posted`,
    [merchantId, entry.id],
  );
  const mode = state?.posting_mode ?? 'per_transaction';
  if (state?.summarised) return [];
  const presented = await presentedAmount(db, merchantId, entry);
  const own = () => booksDocumentsFor(entry, order, presented);
  if (entry.kind === 'payout_reversal') return own();
  if (entry.kind !== 'payout') return state?.payout_posted || mode === 'per_transaction' ? own() : [];
  return payoutDocuments(db, merchantId, entry, mode, own);
}

/**
 * A payout's documents. Per payout: the summary of every entry it carries that is not in the books
 * on its own. Per transaction: the transfer from clearing to the bank, unless it carries entries
 * left out while the mode was per payout, which its summary then brings into the books.
 */
async function payoutDocuments(db: Queryable, merchantId: string, payout: EntryWithPostings, mode: PostingMode, own: () => Part[]): Promise<Part[]> {
  if (!(await summaryMembers(db, merchantId, payout.id))) {
    const carried = await db.query<{ entry_id: string; kind: string; own_documents: boolean; outbox_done: boolean; summarised: boolean; net: number; complete: boolean }>(
      `SELECT m.entry_id, e.kind,
              EXISTS (SELECT 1 FROM books_documents d WHERE d.entry_id = m.entry_id) AS own_documents,
              EXISTS (SELECT 1 FROM outbox o WHERE o.id = 'books:' || m.entry_id AND o.done_at IS NOT NULL) AS outbox_done,
              EXISTS (SELECT 1 FROM books_payout_summaries s WHERE s.entry_id = m.entry_id) AS summarised,
              sum(m.net) OVER ()::bigint AS net, bool_or(m.entry_id = $2) OVER () AS complete
         FROM balance_movements m JOIN ledger_entries e ON e.id = m.entry_id
        WHERE m.merchant_id = $1
          AND m.payout_id = (SELECT source_id FROM balance_movements WHERE merchant_id = $1 AND entry_id = $2 AND category = 'payout' LIMIT 1)
        ORDER BY m.occurred_at, m.id`,
      [merchantId, payout.id],
    );
    const candidates = carried.filter(
      (c) => c.entry_id !== payout.id && c.kind !== 'payout_reversal' && !c.own_documents && !c.summarised,
    );
    if (mode === 'per_payout') {
      // Every movement the payout paid out must be in the ledger first: the summary is the deposit, to the cent.
      if (!carried[0]?.complete || Number(carried[0].net) !== 0) {
        throw new RetryableError(`payout entry ${payout.id}: the payout's balance transactions are not all recorded yet`, 5_000);
      }
      await claim(db, merchantId, payout.id, candidates.map((c) => c.entry_id));
    } else {
      const skipped = candidates.filter((c) => c.outbox_done);
      if (skipped.length === 0) return own();
      await claim(db, merchantId, payout.id, skipped.map((c) => c.entry_id));
    }
  }
  const entries: EntryWithPostings[] = [];
  for (const id of (await summaryMembers(db, merchantId, payout.id)) ?? []) {
    const member = await loadEntry(db, merchantId, id);
    if (member) entries.push(member);
  }
  return payoutSummaryFor(payout, entries);
}

/**
 * The entries the payout's summary carries; undefined until that is decided. The payout itself is
 * always listed, so a summary with nothing else in it (every sale in the books on its own) is too.
 */
async function summaryMembers(db: Queryable, merchantId: string, payoutEntryId: string): Promise<string[] | undefined> {
  const rows = await db.query<{ entry_id: string }>(
    'SELECT entry_id FROM books_payout_summaries WHERE merchant_id = $1 AND payout_entry_id = $2 AND entry_id <> $2 ORDER BY entry_id',
    [merchantId, payoutEntryId],
  );
  const decided = await db.query('SELECT 1 FROM books_payout_summaries WHERE entry_id = $1', [payoutEntryId]);
  return decided.length > 0 ? rows.map((r) => r.entry_id) : undefined;
}

/** Fixes the summary's members once; an entry another summary took first stays with that one. */
async function claim(db: Queryable, merchantId: string, payoutEntryId: string, entryIds: string[]): Promise<void> {
  await db.query(
    `INSERT INTO books_payout_summaries (entry_id, merchant_id, payout_entry_id)
     SELECT id, $1, $2 FROM unnest($3::text[]) AS id ON CONFLICT (entry_id) DO NOTHING`,
    [merchantId, payoutEntryId, [payoutEntryId, ...entryIds]],
  );
}

/**
 * What the shopper paid, in their currency, when that is not the currency the sale settled in (a
 * EUR card paying a USD merchant): a sale's captured amount, or a refund's amount. The books
 * connector may then post the receipt in the shopper's currency at the ledger's rate.
 */
async function presentedAmount(db: Queryable, merchantId: string, entry: EntryWithPostings): Promise<Money | undefined> {
  if (entry.kind !== 'sale' && entry.kind !== 'refund') return undefined;
  const settled = entry.postings[0]?.amount.currency;
  const [row] =
    entry.kind === 'sale'
      ? await db.query<{ amount: number; currency: string }>(
          'SELECT coalesce(amount_captured, amount)::bigint AS amount, currency FROM payments WHERE merchant_id = $1 AND id = $2', [merchantId, entry.paymentId],
        )
      : await db.query<{ amount: number; currency: string }>(
          `SELECT r.amount::bigint AS amount, r.currency FROM balance_movements m JOIN refunds r ON r.processor_ref = m.source_id AND r.merchant_id = m.merchant_id
            WHERE m.merchant_id = $1 AND m.entry_id = $2`, [merchantId, entry.id],
        );
  if (!row || row.currency === settled) return undefined;
  return money(Number(row.amount), row.currency);
}
