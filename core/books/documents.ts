import type { EntryWithPostings } from '../ledger/journal';
import type { StoreOrder } from '../stores/store';
import { ACCOUNT_ROLES, type AccountRole } from '../ledger/accounts';
import { money, type Money } from '../money';
import type { BooksDocument } from './books';
import { productLines } from './product-lines';

/** One document of an entry, posted under its own request id (`<entry id>.<part>`). */
export type Part = { part: string; document: BooksDocument };

/**
 * What one ledger entry becomes in the merchant's books, part by part (per-transaction posting):
 * a sale is a sales receipt into clearing plus the fee as an expense; a refund a refund receipt
 * out of clearing; a payout a transfer from clearing to the bank; anything else (failed refunds,
 * disputes, adjustments) a journal entry with exactly the ledger's lines. Each part is posted with
 * its own request id, so a crash between two parts resumes at the part that is missing.
 * `presented` is what the shopper paid in their own currency when it differs from the settlement
 * currency: the receipts carry it, and the connector may post them in it (multi-currency books).
 */
export function booksDocumentsFor(entry: EntryWithPostings, order?: StoreOrder, presented?: Money): Part[] {
  const date = entry.occurredAt.toISOString().slice(0, 10);
  const reference = entry.sourceRef.replace(/^stripe:/, '');
  const memo = `${entry.description} (${reference})`;
  const customer = order?.customer ?? { name: 'Online shopper', email: '' };
  const lines = (sign: 1 | -1) =>
    entry.postings
      .filter((p) => p.role !== 'stripe_clearing' && p.role !== 'processing_fees' && Math.sign(p.amount.amount) === sign)
      .map((p) => ({ role: p.role, description: ACCOUNT_ROLES[p.role].name, amount: money(sign * p.amount.amount, p.amount.currency) }));
  const fee = entry.postings.find((p) => p.role === 'processing_fees' && p.amount.amount > 0);
  const feePart = (): Part[] =>
    fee ? [{ part: 'fee', document: { kind: 'expense', date, reference, paidFrom: 'stripe_clearing', expense: 'processing_fees', amount: fee.amount, memo: `Stripe fee: ${memo}` } }] : [];

  switch (entry.kind) {
    case 'sale': {
      // The income line becomes one line per product the order lists (its item found by SKU).
      type ReceiptLine = Extract<BooksDocument, { kind: 'sale_receipt' }>['lines'][number];
      const receiptLines = lines(-1).flatMap((line): ReceiptLine[] => {
        const products = line.role === 'income' && order ? productLines(line.amount, order.lines) : [];
        return products.length === 0 ? [line] : products.map((p) => ({ role: line.role, description: p.name, amount: p.amount, product: { sku: p.sku, quantity: p.quantity } }));
      });
      return [{ part: 'receipt', document: { kind: 'sale_receipt', date, reference, customer, lines: receiptLines, depositTo: 'stripe_clearing', memo, ...(presented ? { presented } : {}) } }, ...feePart()];
    }
    case 'refund':
      if (lines(-1).length > 0 || lines(1).length === 0) break; // not the plain shape: post it as a journal
      return [{ part: 'refund', document: { kind: 'refund_receipt', date, reference, customer, lines: lines(1), refundFrom: 'stripe_clearing', memo, ...(presented ? { presented } : {}) } }, ...feePart()];
    case 'payout': {
      const bank = entry.postings.find((p) => p.role === 'bank');
      if (!bank || bank.amount.amount <= 0 || entry.postings.length !== 2) break;
      return [{ part: 'transfer', document: { kind: 'transfer', date, reference, from: 'stripe_clearing', to: 'bank', amount: bank.amount, memo } }];
    }
    case 'payout_reversal': {
      // The bank returned a payout: the money goes back the way it came, a transfer the other way.
      const clearing = entry.postings.find((p) => p.role === 'stripe_clearing');
      if (!clearing || clearing.amount.amount <= 0 || entry.postings.length !== 2) break;
      return [{ part: 'transfer', document: { kind: 'transfer', date, reference, from: 'bank', to: 'stripe_clearing', amount: clearing.amount, memo } }];
    }
  }
  return [{ part: 'journal', document: { kind: 'journal', date, reference, lines: entry.postings.map((p) => ({ role: p.role, amount: p.amount })), memo } }];
}

/**
 * Per-payout posting: one journal entry for the whole payout, matching the bank deposit. The
 * postings of every entry the summary carries and of the payout itself, added up by role (income,
 * shipping, tax, fees, refunds netted into income, dispute losses and fees, adjustments), with the
 * bank line equal to the payout. Each entry balances, so the sum does; Stripe clearing nets out,
 * except for money that reached the books on its own (a sale posted before the switch, a returned
 * payout): that is taken out of clearing here. The sums are the ledger's own, to the cent.
 */
export function payoutSummaryFor(payout: EntryWithPostings, carried: EntryWithPostings[]): Part[] {
  const totals = new Map<AccountRole, Money>();
  for (const { role, amount } of [...carried, payout].flatMap((e) => e.postings)) {
    totals.set(role, money((totals.get(role)?.amount ?? 0) + amount.amount, amount.currency));
  }
  const lines = (Object.keys(ACCOUNT_ROLES) as AccountRole[]).flatMap((role) => {
    const amount = totals.get(role);
    return amount && amount.amount !== 0 ? [{ role, amount }] : [];
  });
  if (lines.length === 0) return [];
  const reference = payout.sourceRef.replace(/^stripe:/, '');
  const count = carried.length;
  const memo = `${payout.description}, summarising ${count} Stripe transaction${count === 1 ? '' : 's'} (${reference})`;
  return [{ part: 'summary', document: { kind: 'journal', date: payout.occurredAt.toISOString().slice(0, 10), reference, lines, memo } }];
}
