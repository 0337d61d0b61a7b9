import type { BooksDocument } from '../../core/books/books';
import type { AccountRole } from '../../core/ledger/accounts';
import type { Money } from '../../core/money';
import { qbAmount, ref } from './mapping';

/** A QuickBooks entity ready to create: its type and the body QuickBooks receives (without requestid). */
export interface QuickBooksEntity {
  entity: 'SalesReceipt' | 'RefundReceipt' | 'JournalEntry' | 'Purchase' | 'Transfer';
  body: Record<string, unknown>;
  /** What the document is, in the bookkeeper's words, for errors ("the sales receipt"). */
  what: string;
}

/**
 * What a document refers to in the company: QuickBooksReferences finds or creates them; a preview
 * only names them.
 */
export interface DocumentReferences {
  account(role: AccountRole): Promise<string>;
  /** The item a receipt line is sold as: a product's item by SKU, otherwise the role's. */
  item(role: AccountRole, product?: { sku: string }): Promise<string>;
  customer(who: { name: string; email: string }): Promise<string>;
}

/**
 * The mapping from Settle's books document to the QuickBooks entity that records it. Pure apart from
 * the references (accounts, items, customers) it looks up or creates; the transport is QuickBooksBooks.
 */
export async function toQuickBooks(document: BooksDocument, refs: DocumentReferences): Promise<QuickBooksEntity> {
  switch (document.kind) {
    case 'sale_receipt':
    case 'refund_receipt': {
      const body = {
        TxnDate: document.date,
        PrivateNote: document.memo,
        CustomerRef: ref(await refs.customer(document.customer)),
        // A sales receipt deposits into this account; a refund receipt pays the money back out of it.
        DepositToAccountRef: ref(await refs.account(document.kind === 'sale_receipt' ? document.depositTo : document.refundFrom)),
        Line: await itemLines(document.lines, refs),
      };
      return document.kind === 'sale_receipt'
        ? { entity: 'SalesReceipt', body, what: 'the sales receipt' }
        : { entity: 'RefundReceipt', body, what: 'the refund receipt' };
    }
    case 'journal': {
      const lines = [];
      for (const line of document.lines) {
        lines.push({
          Amount: qbAmount({ ...line.amount, amount: Math.abs(line.amount.amount) }),
          Description: document.memo.slice(0, 4000),
          DetailType: 'JournalEntryLineDetail',
          JournalEntryLineDetail: { PostingType: line.amount.amount > 0 ? 'Debit' : 'Credit', AccountRef: ref(await refs.account(line.role)) },
        });
      }
      return { entity: 'JournalEntry', body: { TxnDate: document.date, PrivateNote: document.memo, Line: lines }, what: 'the journal entry' };
    }
    case 'expense':
      return {
        entity: 'Purchase',
        what: 'the fee expense',
        body: {
          TxnDate: document.date,
          PaymentType: 'Cash',
          PrivateNote: document.memo,
          AccountRef: ref(await refs.account(document.paidFrom)),
          Line: [{ Amount: qbAmount(document.amount), DetailType: 'AccountBasedExpenseLineDetail', AccountBasedExpenseLineDetail: { AccountRef: ref(await refs.account(document.expense)) } }],
        },
      };
    case 'transfer':
      return {
        entity: 'Transfer',
        what: 'the payout transfer',
        body: {
          TxnDate: document.date,
          PrivateNote: document.memo,
          FromAccountRef: ref(await refs.account(document.from)),
          ToAccountRef: ref(await refs.account(document.to)),
          Amount: qbAmount(document.amount),
        },
      };
  }
}

/**
 * Receipt lines: a product of the order is sold as the item mapped to its SKU (with its quantity);
 * shipping, tax and income without products as one service item per ledger role, so QuickBooks
 * books each to the role's account.
 */
async function itemLines(lines: { role: AccountRole; description: string; amount: Money; product?: { sku: string; quantity: number } }[], refs: DocumentReferences) {
  const result = [];
  for (const line of lines) {
    // Qty × UnitPrice must equal Amount: a total that does not divide evenly is one unit at the total.
    const qty = line.product && line.product.quantity > 0 && line.amount.amount % line.product.quantity === 0 ? line.product.quantity : 1;
    result.push({
      Amount: qbAmount(line.amount),
      Description: line.description,
      DetailType: 'SalesItemLineDetail',
      SalesItemLineDetail: { ItemRef: ref(await refs.item(line.role, line.product)), Qty: qty, UnitPrice: qbAmount({ ...line.amount, amount: line.amount.amount / qty }) },
    });
  }
  return result;
}
