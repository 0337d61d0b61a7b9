import type { EntryWithPostings } from '../ledger/journal';
import type { StoreOrder } from '../stores/store';
import { ACCOUNT_ROLES } from '../ledger/accounts';
import { money } from '../money';
import type { BooksDocument } from './books';

/**
 * What one ledger entry becomes in the merchant's books, part by part. Each part is posted with its
 * own request id, so a crash between two parts resumes at the part that is missing.
 */
export function booksDocumentsFor(entry: EntryWithPostings, order?: StoreOrder): { part: string; document: BooksDocument }[] {
  const date = entry.occurredAt.toISOString().slice(0, 10);
  const reference = entry.sourceRef.replace(/^stripe:/, '');
  if (entry.kind === 'sale') {
    const fee = entry.postings.find((p) => p.role === 'processing_fees');
    const credits = entry.postings.filter((p) => p.amount.amount < 0);
    const parts: { part: string; document: BooksDocument }[] = [
      {
        part: 'receipt',
        document: {
          kind: 'sale_receipt',
          date,
          reference,
          customer: order?.customer ?? { name: 'Online shopper', email: '' },
          lines: credits.map((p) => ({ role: p.role, description: ACCOUNT_ROLES[p.role].name, amount: money(-p.amount.amount, p.amount.currency) })),
          depositTo: 'stripe_clearing',
          memo: `${entry.description} (${reference})`,
        },
      },
    ];
    if (fee) {
      parts.push({
        part: 'fee',
        document: { kind: 'expense', date, reference, paidFrom: 'stripe_clearing', expense: 'processing_fees', amount: fee.amount, memo: `Stripe fee on ${entry.description.toLowerCase()} (${reference})` },
      });
    }
    return parts;
  }
  if (entry.kind === 'payout') {
    const bank = entry.postings.find((p) => p.role === 'bank');
    if (!bank) return [];
    return [{ part: 'transfer', document: { kind: 'transfer', date, reference, from: 'stripe_clearing', to: 'bank', amount: bank.amount, memo: entry.description } }];
  }
  return [];
}
