import type QuickBooks from 'node-quickbooks';
import type { BooksDocument } from '../../core/books/books';
import { BooksNeedsReview } from '../../core/books/review';
import type { Send } from './mapping';

/** How long a company's closing date is trusted before QuickBooks is asked again. */
export const CLOSING_DATE_TTL_MS = 5 * 60_000;

/** realmId → the closing date read (null: the books are open) and when; shared by the process's jobs. */
const known = new Map<string, { closedUpTo: string | null; readAt: number }>();

/**
 * QuickBooks' "Close the books" date (Preferences AccountingInfoPrefs.BookCloseDate). A document
 * dated on or before it would be refused (fault 6200), and posting into a closed period is the
 * bookkeeper's decision: it goes to the review queue instead. Read at most every few minutes per
 * company, not per document; a refusal from QuickBooks (the date moved since) reads it again.
 */
export class ClosingDate {
  constructor(
    private readonly qbo: QuickBooks,
    private readonly send: Send,
    private readonly now: () => number = Date.now,
  ) {}

  private get realmId(): string {
    return String((this.qbo as unknown as { realmId?: string }).realmId ?? '');
  }

  async closedUpTo(): Promise<string | null> {
    const cached = known.get(this.realmId);
    if (cached && this.now() - cached.readAt < CLOSING_DATE_TTL_MS) return cached.closedUpTo;
    type Prefs = { AccountingInfoPrefs?: { BookCloseDate?: string }; Preferences?: Prefs };
    const body = await this.send<Prefs>((cb) => this.qbo.getPreferences(cb), 'reading the closing date');
    const date = (body.Preferences ?? body).AccountingInfoPrefs?.BookCloseDate;
    const closedUpTo = typeof date === 'string' && date !== '' ? date.slice(0, 10) : null;
    known.set(this.realmId, { closedUpTo, readAt: this.now() });
    return closedUpTo;
  }

  /** Forgets the cached date (QuickBooks refused a document as in a closed period). */
  forget(): void {
    known.delete(this.realmId);
  }

  /** Throws the review item for a document dated in the closed period; nothing is sent then. */
  async check(document: BooksDocument): Promise<void> {
    const closedUpTo = await this.closedUpTo();
    if (closedUpTo && document.date <= closedUpTo) throw closedPeriod(closedUpTo, document.date);
  }
}

/** The review item for a document dated `date` in books closed up to `closedUpTo`. */
export function closedPeriod(closedUpTo: string, date: string): BooksNeedsReview {
  return new BooksNeedsReview(
    `QuickBooks' books are closed up to ${closedUpTo}; approve to post it dated ${dayAfter(closedUpTo)}, ` +
      'or post it in the closed period after the bookkeeper reopens it.',
    { code: '6200', element: 'TxnDate', detail: `Dated ${date}, on or before QuickBooks' closing date ${closedUpTo}.` },
  );
}

/** The first open day after the closing date (YYYY-MM-DD, calendar arithmetic in UTC). */
export function dayAfter(date: string): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + 1);
  return d.toISOString().slice(0, 10);
}
