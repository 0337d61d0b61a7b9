import type { BooksDocument } from '../../core/books/books';
import type { AccountRole } from '../../core/ledger/accounts';
import { toDecimal, type Money } from '../../core/money';
import { ACCOUNT_ROLES } from '../../core/ledger/accounts';
import { foreignReceipt, qbAmount, ref } from './mapping';

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
  /** `currency` names a customer in another currency than the company's (QuickBooks keeps one per currency). */
  customer(who: { name: string; email: string }, currency?: string): Promise<string>;
  /** The company's home currency and whether multicurrency is on (Preferences); absent where unknown (a preview). */
  companyCurrency?(): Promise<{ homeCurrency: string; multiCurrency: boolean }>;
}

/**
 * The mapping from Settle's books document to the QuickBooks entity that records it. Pure apart from
 * the references (accounts, items, customers) it looks up or creates; the transport is QuickBooksBooks.
 */
export async function toQuickBooks(document: BooksDocument, refs: DocumentReferences): Promise<QuickBooksEntity> {
  switch (document.kind) {
    case 'sale_receipt':
    case 'refund_receipt': {
      const foreign = await inShoppersCurrency(document, refs);
      const body = {
        TxnDate: document.date,
        PrivateNote: foreign ? `${document.memo}; ${foreign.note}` : document.memo,
        CustomerRef: ref(await refs.customer(document.customer, foreign?.currency)),
        // A sales receipt deposits into this account; a refund receipt pays the money back out of it.
        DepositToAccountRef: ref(await refs.account(document.kind === 'sale_receipt' ? document.depositTo : document.refundFrom)),
        Line: await itemLines(foreign?.lines ?? document.lines, refs),
        ...(foreign ? { CurrencyRef: ref(foreign.currency), ExchangeRate: Number(foreign.exchangeRate) } : {}),
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

type Receipt = Extract<BooksDocument, { kind: 'sale_receipt' | 'refund_receipt' }>;
type ReceiptLine = Receipt['lines'][number];

/**
 * A receipt the shopper paid in another currency than the ledger's goes into a multicurrency
 * company in the shopper's currency, at the rate Stripe settled it (the ledger's): the customer
 * sees what they paid, and the home-currency amount deposited into clearing is the ledger's to
 * the cent (foreignReceipt, with a rounding line when QuickBooks' conversion differs). Without
 * multicurrency, or when the ledger is not in the home currency, it stays in the ledger's currency.
 */
async function inShoppersCurrency(document: Receipt, refs: DocumentReferences) {
  const presented = document.presented;
  const settled = document.lines[0]?.amount.currency;
  if (!presented || !settled || presented.currency === settled || !refs.companyCurrency) return undefined;
  const company = await refs.companyCurrency();
  if (!company.multiCurrency || company.homeCurrency !== settled) return undefined;
  const receipt = foreignReceipt(document.lines, presented);
  const described = (role: AccountRole) => document.lines.find((l) => l.role === role)?.description ?? ACCOUNT_ROLES[role].name;
  const lines: ReceiptLine[] = receipt.lines.map((l) => ({ role: l.role, description: described(l.role), amount: l.amount }));
  if (receipt.rounding) lines.push({ role: 'currency_rounding', description: `Currency rounding (${settled} at ${receipt.exchangeRate})`, amount: receipt.rounding });
  const total = document.lines.reduce((sum, l) => sum + l.amount.amount, 0);
  const note = `${toDecimal(presented)} ${presented.currency} at ${receipt.exchangeRate} ${settled}/${presented.currency} = ${toDecimal({ amount: total, currency: settled })} ${settled} (Stripe's conversion)`;
  return { currency: presented.currency, exchangeRate: receipt.exchangeRate, lines, note };
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
