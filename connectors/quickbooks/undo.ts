import type QuickBooks from 'node-quickbooks';
import type { UndoneDocument } from '../../core/books/books';
import { BooksNeedsReview } from '../../core/books/review';
import { SettleError } from '../../core/errors';
import type { Send } from './references';

type Callback = (error: unknown, body?: unknown) => void;
type Version = { Id?: string; SyncToken?: string };

/**
 * Transactions QuickBooks voids (the document stays, every amount zeroed, "Voided" in its note):
 * a sparse update with include=void, per Intuit's SalesReceipt reference. The others Settle posts
 * (RefundReceipt, Purchase, Transfer, JournalEntry, Deposit) have no void in the API: they are deleted.
 */
const VOIDED = new Set(['SalesReceipt']);
const DELETED = new Set(['RefundReceipt', 'Purchase', 'Transfer', 'JournalEntry', 'Deposit']);

/**
 * Takes a posted document back in QuickBooks. Both operations name the document's SyncToken; when
 * QuickBooks has a newer one (5010 Stale Object: the bookkeeper edited it meanwhile) the document
 * is read again and the undo retried once with its current version.
 */
export async function undoInQuickBooks(qbo: QuickBooks, send: Send, documentType: string, documentId: string, syncToken?: string): Promise<UndoneDocument> {
  if (!VOIDED.has(documentType) && !DELETED.has(documentType)) {
    throw new SettleError('books_cannot_undo', `Settle cannot take back a ${documentType} in QuickBooks; change it there.`, 409);
  }
  const attempt = async (token: string): Promise<UndoneDocument> => {
    const what = `taking back ${documentType} ${documentId}`;
    if (VOIDED.has(documentType)) {
      const update = (qbo[`update${documentType}` as 'updateSalesReceipt']).bind(qbo) as (body: unknown, cb: Callback) => void;
      const voided = unwrap(documentType, await send<Version & Record<string, Version>>((cb) => update({ Id: documentId, SyncToken: token, sparse: true, void: true }, cb), what));
      return { operation: 'voided', ...(voided.SyncToken ? { syncToken: voided.SyncToken } : {}) };
    }
    const remove = (qbo[`delete${documentType}` as 'deleteJournalEntry']).bind(qbo) as (body: unknown, cb: Callback) => void;
    await send((cb) => remove({ Id: documentId, SyncToken: token }, cb), what);
    return { operation: 'deleted' };
  };
  try {
    try {
      return await attempt(syncToken ?? (await currentToken(qbo, send, documentType, documentId)));
    } catch (error) {
      if (!(error instanceof BooksNeedsReview && error.fault.code === '5010')) throw error;
      return await attempt(await currentToken(qbo, send, documentType, documentId));
    }
  } catch (error) {
    // Someone already deleted it in QuickBooks: it is out of the books, which is what undo asks.
    if (error instanceof SettleError && error.code === 'books_not_found') return { operation: 'deleted' };
    throw error;
  }
}

/** The document's version as QuickBooks has it now. */
async function currentToken(qbo: QuickBooks, send: Send, documentType: string, documentId: string): Promise<string> {
  const get = (qbo[`get${documentType}` as 'getSalesReceipt']).bind(qbo) as (id: string, cb: Callback) => void;
  const body = unwrap(documentType, await send<Version & Record<string, Version>>((cb) => get(documentId, cb), `reading ${documentType} ${documentId}`));
  if (!body.SyncToken) throw new Error(`QuickBooks answered ${documentType} ${documentId} without a SyncToken`);
  return body.SyncToken;
}

const unwrap = (type: string, body: Version & Record<string, Version>): Version => (body[type] && typeof body[type] === 'object' ? body[type] : body);
