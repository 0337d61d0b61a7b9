import type { Money } from '../money';
import type { AccountRole } from '../ledger/accounts';
import type { BooksNeedsReview } from './review';

/** One document to place in the merchant's books, in Settle's words; the connector maps it. */
export type BooksDocument =
  | {
      kind: 'sale_receipt';
      date: string;
      reference: string;
      customer: { name: string; email: string };
      /**
       * Amounts credited to each role (income, shipping, tax); their sum is what was deposited.
       * Income is split into one line per product of the order when the store says what was sold.
       */
      lines: { role: AccountRole; description: string; amount: Money; product?: { sku: string; quantity: number } }[];
      depositTo: AccountRole;
      memo: string;
      /** What the shopper paid in their own currency, when the sale settled in another. */
      presented?: Money;
    }
  | {
      kind: 'refund_receipt';
      date: string;
      reference: string;
      customer: { name: string; email: string };
      /** Amounts taken back from each role (income, …); their sum is what was paid back. */
      lines: { role: AccountRole; description: string; amount: Money }[];
      refundFrom: AccountRole;
      memo: string;
      /** What the shopper got back in their own currency, when the refund settled in another. */
      presented?: Money;
    }
  | { kind: 'expense'; date: string; reference: string; paidFrom: AccountRole; expense: AccountRole; amount: Money; memo: string }
  /** Debits (positive) and credits (negative) that sum to zero, as the ledger posted them. */
  | { kind: 'journal'; date: string; reference: string; lines: { role: AccountRole; amount: Money }[]; memo: string }
  | { kind: 'transfer'; date: string; reference: string; from: AccountRole; to: AccountRole; amount: Money; memo: string };

export interface PostedDocument {
  documentType: string;
  documentId: string;
  /** The books' version of the document (QuickBooks' SyncToken), which an update must name. */
  syncToken?: string;
}

/**
 * What a document would be in the books, without creating anything there: the books' own body (as
 * it would be sent) with each account, item and customer named, and the ones that do not exist yet
 * marked "(new) Name" (posting would create them).
 */
export interface BooksPreview {
  documentType: string;
  /** In the bookkeeper's words ("the sales receipt"). */
  what: string;
  body: Record<string, unknown>;
  /** The accounts, items and customers posting would create first ("(new) Stripe fees"). */
  wouldCreate: string[];
}

/** A posted document taken back: voided (it stays, with zero amounts) or deleted, as the books allow for its type. */
export interface UndoneDocument {
  operation: 'voided' | 'deleted';
  /** The books' version after a void; none after a delete. */
  syncToken?: string;
}

/** An account or item in the books the bookkeeper can choose when fixing a mapping. */
export interface BooksChoice {
  id: string;
  name: string;
}
/** A document as the books will receive it (references resolved), opaque to core: stored before it is sent. */
export interface PreparedDocument {
  /** The books' type for it (SalesReceipt, Purchase, …). */
  type: string;
  body: unknown;
  /** What it is, in the bookkeeper's words ("the sales receipt"), for a refusal's explanation. */
  what: string;
  /** The document's date and its lines' SKUs, so a refusal can name the closed period or the product. */
  explain?: { date: string; skus: (string | null)[] };
}

/** What became of one document of a batch. */
export type BatchOutcome =
  | { outcome: 'posted'; posted: PostedDocument }
  /** Refused for a reason a person must fix: it goes to the bookkeeper's review queue. */
  | { outcome: 'review'; refusal: BooksNeedsReview }
  /** Failed in the books for a reason of theirs: post it again, in a new batch. */
  | { outcome: 'retry'; reason: string };

/** The books port: one merchant's accounting company (QuickBooks Online). */
export interface Books {
  /**
   * Posts the document. `requestId` derives from the ledger entry: posting again with the same id
   * returns the document already created instead of a second one.
   */
  post(document: BooksDocument, requestId: string): Promise<PostedDocument>;
  /** Books that take several documents in one request: at most this many. */
  readonly batchLimit?: number;
  /** The exact request for one document of a batch (finds or creates what it refers to). */
  prepare?(document: BooksDocument): Promise<PreparedDocument>;
  /**
   * Posts prepared documents in one request, each under its key. `requestId` derives from Settle's
   * batch: sending the same batch again answers what the books did the first time.
   */
  postBatch?(requestId: string, items: { key: string; prepared: PreparedDocument }[]): Promise<Map<string, BatchOutcome>>;
  /**
   * The document's total as the books show it now (a bookkeeper may have edited it), in `currency`
   * unless the books say another; null when the books no longer have it (deleted); undefined for
   * a document type this adapter does not read back. The reconciliation sweep compares it with
   * what Settle posted.
   */
  readTotal?(documentType: string, documentId: string, currency: string): Promise<Money | null | undefined>;
  /** What posting the document would send, creating nothing (the review queue's preview). */
  preview?(document: BooksDocument): Promise<BooksPreview>;
  /**
   * Voids or deletes a posted document. `syncToken` is the version Settle knows; when the books have
   * a newer one (the bookkeeper edited it meanwhile) the document is read again and taken back once more.
   */
  undo?(documentType: string, documentId: string, syncToken?: string): Promise<UndoneDocument>;
  /** The active accounts or items in the books, for the bookkeeper to choose from. */
  choices?(kind: 'account' | 'item'): Promise<BooksChoice[]>;
}

/** The document's amount as the books show it: a receipt's total, a journal's debits. */
export function documentTotal(document: BooksDocument): Money {
  switch (document.kind) {
    case 'sale_receipt':
    case 'refund_receipt':
    case 'journal': {
      const counted = document.kind === 'journal' ? document.lines.filter((l) => l.amount.amount > 0) : document.lines;
      const currency = document.lines[0]?.amount.currency ?? 'USD';
      return { amount: counted.reduce((sum, l) => sum + l.amount.amount, 0), currency };
    }
    default:
      return document.amount;
  }
}
