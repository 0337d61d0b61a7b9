import type QuickBooks from 'node-quickbooks';
import type { BatchOutcome, Books, BooksChoice, BooksDocument, BooksPreview, PostedDocument, PreparedDocument, UndoneDocument } from '../../core/books/books';
import type { BooksMapping } from '../../core/books/mapping';
import { fromDecimal, type Money } from '../../core/money';
import { call } from './client';
import type { RealmLimiter } from './limiter';
import { SettleError } from '../../core/errors';
import { BooksNeedsReview } from '../../core/books/review';
import { toQuickBooks } from './documents';
import { missingId, QuickBooksReferences, type Created } from './references';
import { choicesInQuickBooks, previewInQuickBooks } from './preview';
import { undoInQuickBooks } from './undo';
import { batchOutcomes, QUICKBOOKS_BATCH_LIMIT, sendBatch, type BatchItemResponse } from './batch';

/** One merchant's QuickBooks Online company as core's Books port. */
export class QuickBooksBooks implements Books {
  /** The accounts, items and customers documents refer to (the merchant's mapping). */
  private readonly refs: QuickBooksReferences;

  constructor(
    private readonly qbo: QuickBooks,
    private readonly mapping: BooksMapping,
    /** Intuit's per-company limits, shared by all of the worker's jobs; absent in one-off tools. */
    private readonly limiter?: { realmId: string; limiter: RealmLimiter },
  ) {
    this.refs = new QuickBooksReferences(qbo, remembered(mapping), (run, doing) => this.send(run, doing));
  }

  private send<T>(run: Parameters<typeof call>[0], doing: string): Promise<T> {
    const limit = this.limiter;
    return limit ? limit.limiter.run(limit.realmId, () => call<T>(run, doing)) : call<T>(run, doing);
  }

  async post(document: BooksDocument, requestId: string): Promise<PostedDocument> {
    await this.refs.closingDate.check(document); // a closed period: the bookkeeper's review queue, nothing sent
    const { entity, body, what } = await toQuickBooks(document, this.refs);
    const create = this.qbo[`create${entity}`].bind(this.qbo) as (body: unknown, cb: (error: unknown, body?: unknown) => void) => void;
    return this.created(entity, await this.send<Created>((cb) => create({ ...body, requestId }, cb), what).catch((e: unknown) => this.refs.explainRefusal(e, document)));
  }

  readonly batchLimit = QUICKBOOKS_BATCH_LIMIT;

  async prepare(document: BooksDocument): Promise<PreparedDocument> {
    await this.refs.closingDate.check(document); // a closed period: the bookkeeper's review queue, nothing sent
    const { entity, body, what } = await toQuickBooks(document, this.refs);
    const skus = 'lines' in document ? document.lines.map((l) => ('product' in l ? l.product?.sku ?? null : null)) : [];
    return { type: entity, body, what, explain: { date: document.date, skus } };
  }

  /** One batch request, within the company's batch limits; a 429 or a failure fails the whole batch (sent again later). */
  async postBatch(requestId: string, items: { key: string; prepared: PreparedDocument }[]): Promise<Map<string, BatchOutcome>> {
    const doing = `posting ${items.length} documents in one batch`;
    const run = (): Promise<{ BatchItemResponse?: BatchItemResponse[] }> => call(sendBatch(this.qbo, requestId, items), doing);
    const limit = this.limiter;
    const answer = await (limit ? limit.limiter.runBatch(limit.realmId, run) : run());
    const outcomes = batchOutcomes(items, answer.BatchItemResponse ?? []);
    // A refusal Settle can say better (a product's item gone, a closed period), as a single post would.
    for (const { key, prepared } of items) {
      const outcome = outcomes.get(key);
      if (outcome?.outcome !== 'review' || !prepared.explain) continue;
      const { date, skus } = prepared.explain;
      const document = { kind: 'sale_receipt', date, lines: skus.map((sku) => (sku ? { product: { sku } } : {})) } as unknown as BooksDocument;
      const refusal = await this.refs.explainRefusal(outcome.refusal, document).catch((refined: unknown) => refined);
      if (refusal instanceof BooksNeedsReview) outcomes.set(key, { ...outcome, refusal });
    }
    return outcomes;
  }

  async readTotal(documentType: string, documentId: string, currency: string): Promise<Money | null | undefined> {
    type Receipt = { TotalAmt?: number; HomeTotalAmt?: number; CurrencyRef?: { value?: string }; SalesReceipt?: Receipt; RefundReceipt?: Receipt };
    const read =
      documentType === 'SalesReceipt' ? (cb: (e: unknown, b?: unknown) => void) => this.qbo.getSalesReceipt(documentId, cb)
      : documentType === 'RefundReceipt' ? (cb: (e: unknown, b?: unknown) => void) => this.qbo.getRefundReceipt(documentId, cb)
      : undefined;
    if (!read) return undefined;
    try {
      const body = await this.send<Receipt>(read, `reading ${documentType} ${documentId}`);
      const receipt = body.SalesReceipt ?? body.RefundReceipt ?? body;
      // A receipt in the shopper's currency: Settle posted (and compares) its home-currency amount.
      if (receipt.CurrencyRef?.value && receipt.CurrencyRef.value !== currency && receipt.HomeTotalAmt !== undefined) return fromDecimal(String(receipt.HomeTotalAmt), currency);
      return fromDecimal(String(receipt.TotalAmt ?? 0), receipt.CurrencyRef?.value ?? currency);
    } catch (error) {
      if (error instanceof SettleError && error.code === 'books_not_found') return null;
      throw error;
    }
  }

  private created(type: string, body: Created): PostedDocument {
    return { documentType: type, documentId: body.Id ?? missingId(type), ...(body.SyncToken ? { syncToken: body.SyncToken } : {}) };
  }

  // The review queue's operations (connectors/quickbooks/preview.ts, undo.ts), sent within the same limits.
  preview(document: BooksDocument): Promise<BooksPreview> {
    return previewInQuickBooks(this.qbo, this.mapping, (run, doing) => this.send(run, doing), document);
  }

  undo(documentType: string, documentId: string, syncToken?: string): Promise<UndoneDocument> {
    return undoInQuickBooks(this.qbo, (run, doing) => this.send(run, doing), documentType, documentId, syncToken);
  }

  choices(kind: 'account' | 'item'): Promise<BooksChoice[]> {
    return choicesInQuickBooks(this.qbo, (run, doing) => this.send(run, doing), kind);
  }
}

/**
 * The mapping, read once per key for this instance (one job): a batch of 30 documents names the same
 * few accounts and items over and over. A change the bookkeeper makes meanwhile applies from the next job.
 */
function remembered(mapping: BooksMapping): BooksMapping {
  const known = new Map<string, string | undefined>();
  return Object.assign(Object.create(mapping) as BooksMapping, {
    async get(key: string) {
      if (!known.has(key) || known.get(key) === undefined) known.set(key, await mapping.get(key));
      return known.get(key);
    },
    async set(key: string, externalId: string) {
      await mapping.set(key, externalId);
      known.set(key, externalId);
    },
  });
}
