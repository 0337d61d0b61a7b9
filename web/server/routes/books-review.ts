import { json, Router, type Request, type RequestHandler } from 'express';
import { z } from 'zod';
import type { Services } from '../services';
import { SettleError } from '../../../core/errors';
import { BooksMapping } from '../../../core/books/mapping';
import {
  DOCUMENT_KINDS, decideApproval, loadApprovalRules, reopenBooksWork, saveApprovalRules, waitingApprovals, type ApprovalRules, type WaitingApproval,
} from '../../../core/books/approval';
import { findOpenReviewItem, openReviewItems, resolveReviewItem, type ReviewItem } from '../../../core/books/review';
import { postAgain, syncLog, undoPostedDocument, type SyncLogRow } from '../../../core/books/sync-log';
import { currencyCode } from '../../../core/money';
import { formatMoney } from '../format';
import { parseBody, parseQuery, route } from '../http';

/** Where each QuickBooks document opens in QuickBooks' web app (its transaction pages take ?txnId=). */
const APP_PAGE: Record<string, string> = {
  SalesReceipt: 'salesreceipt', RefundReceipt: 'refundreceipt', Purchase: 'expense', JournalEntry: 'journal', Transfer: 'transfer', Deposit: 'deposit',
};

const KIND = z.enum(Object.keys(DOCUMENT_KINDS) as [keyof typeof DOCUMENT_KINDS, ...(keyof typeof DOCUMENT_KINDS)[]]);
/** Who acted, as the bookkeeper signs the decision; otherwise how they signed in. */
const BY = z.string().trim().min(1).max(100).optional();
const RULES = z.object({
  everything: z.boolean(),
  under: z.object({ amount: z.number().int().positive().max(Number.MAX_SAFE_INTEGER), currency: z.string().regex(/^[A-Za-z]{3}$/, 'a three-letter currency code') }).nullable(),
  knownCustomers: z.boolean(),
  kinds: z.array(KIND).max(5),
}).strict();
const DECIDE = z.object({ by: BY, note: z.string().trim().min(1).max(1000).optional() }).strict();
/** Approve, reject, retry and undo take an optional body. */
const decision = (req: Request) => parseBody(DECIDE.optional(), req) ?? {};
const DISMISS = z.object({ by: BY, note: z.string().trim().min(1, 'say why it is dismissed').max(1000) }).strict();
const MAPPING = z.object({ by: BY, externalId: z.string().trim().min(1).max(100) }).strict();
const LOG = z.object({
  status: z.enum(['posted', 'undone']).optional(),
  page: z.coerce.number().int().min(1).max(100_000).default(1),
  perPage: z.coerce.number().int().min(1).max(100).default(25),
});

/** Review ids name what waits: "approval-12" (a rule did not approve it) or "refusal-7" (QuickBooks refused it). */
function reviewId(raw: unknown): { type: 'approval' | 'refusal'; id: number } {
  const m = /^(approval|refusal)-(\d{1,15})$/.exec(String(raw));
  if (!m) throw new SettleError('review_item_not_found', 'There is no such item in the review queue.', 404);
  return { type: m[1] as 'approval' | 'refusal', id: Number(m[2]) };
}

const who = (req: Request, by: string | undefined) => by ?? (req.headers.authorization ? 'API key' : 'Settle admin');

const approvalView = (a: WaitingApproval) => ({
  id: `approval-${a.id}`, entryId: a.entryId, entryDescription: a.entryDescription, part: a.part, kind: a.kind, kindLabel: DOCUMENT_KINDS[a.kind],
  amount: a.amount, amountFormatted: formatMoney(a.amount), date: a.document.date, reference: a.document.reference, reason: a.reason,
  waitingSince: a.waitingSince.toISOString(),
});
const refusalView = (r: ReviewItem) => ({
  id: `refusal-${r.id}`, entryId: r.entryId, entryDescription: r.entryDescription, part: r.part, faultCode: r.faultCode, faultElement: r.faultElement,
  explanation: r.explanation, detail: r.detail, foundAt: r.foundAt.toISOString(), fix: r.fix,
});
const rulesView = (r: ApprovalRules) => ({ ...r, underFormatted: r.under ? formatMoney(r.under) : null });

/**
 * The bookkeeper's review queue: parts waiting for approval (with a preview of what would be posted),
 * documents QuickBooks refused (fix the mapping, retry, dismiss), the rules that approve by themselves,
 * the sync log with links into QuickBooks, and undo. Merchant-scoped: another merchant's item reads
 * exactly like one that does not exist.
 */
export function booksReviewRoutes(services: Services, auth: RequestHandler): Router {
  const router = Router();
  const body = json({ limit: services.config.API_BODY_LIMIT });
  const link = (documentType: string, documentId: string) =>
    APP_PAGE[documentType] ? `${services.config.QUICKBOOKS_APP_URL.replace(/\/?$/, '/')}${APP_PAGE[documentType]}?txnId=${encodeURIComponent(documentId)}` : null;
  const logView = (d: SyncLogRow) => ({
    id: d.id, date: d.date.toISOString(), documentType: d.documentType, documentId: d.documentId, amount: d.amount, amountFormatted: formatMoney(d.amount),
    entryId: d.entryId, entryKind: d.entryKind, entryDescription: d.entryDescription, paymentId: d.paymentId, status: d.status, canPostAgain: d.canPostAgain,
    undone: d.undone && { ...d.undone, at: d.undone.at.toISOString() }, link: link(d.documentType, d.documentId),
  });
  /**
   * The entry's books job runs again (its outbox item, reopened if closed): what is now allowed posts.
   * The job is named after the decision: the entry's first job may still be running (the decision
   * came while it posted the other parts) or be kept as completed, and BullMQ adds nothing under an
   * id it still holds. Two runs for one entry are safe: each part posts under its own request id.
   */
  const postEntryAgain = async (merchantId: string, entryId: string, decision: string) => {
    const outboxId = await reopenBooksWork(services.db, merchantId, entryId);
    if (outboxId) await services.jobs.requeue('books', `${outboxId}.${decision}`, { outboxId });
  };
  const booksOf = (merchantId: string) => services.platforms.booksFor(merchantId);

  router.get('/api/books/review', auth, route(async (req, res) => {
    const merchantId = req.merchant!.id;
    const [waiting, refused, rules] = await Promise.all([waitingApprovals(services.db, merchantId), openReviewItems(services.db, merchantId), loadApprovalRules(services.db, merchantId)]);
    res.json({ waiting: waiting.map(approvalView), refused: refused.map(refusalView), rules: rulesView(rules) });
  }));

  // The preview is asked for when the bookkeeper opens an item: it reads names from QuickBooks (never creates).
  router.get('/api/books/review/:id/preview', auth, route(async (req, res) => {
    const { type, id } = reviewId(req.params.id);
    const item = type === 'approval' ? (await waitingApprovals(services.db, req.merchant!.id, 1000)).find((a) => a.id === id) : undefined;
    if (!item) throw new SettleError('review_item_not_found', 'There is no such document waiting for approval.', 404);
    const books = await booksOf(req.merchant!.id);
    if (!books.preview) throw new SettleError('books_cannot_preview', 'The connected books cannot show a preview.', 409);
    res.json({ id: `approval-${id}`, preview: await books.preview(item.document) });
  }));

  router.post('/api/books/review/:id/approve', auth, body, route(async (req, res) => {
    const { type, id } = reviewId(req.params.id);
    if (type !== 'approval') throw new SettleError('not_waiting_for_approval', 'QuickBooks refused this document: fix the mapping or retry it.', 409);
    const input = decision(req);
    const { entryId } = await decideApproval(services.db, req.merchant!.id, id, 'approved', who(req, input.by), input.note ?? null);
    await postEntryAgain(req.merchant!.id, entryId, String(req.params.id));
    res.json({ id: req.params.id, status: 'approved' });
  }));

  // Reject a waiting document (never posted), or dismiss a refused one with a note (Settle leaves it to the bookkeeper).
  router.post('/api/books/review/:id/reject', auth, body, route(async (req, res) => {
    const { type, id } = reviewId(req.params.id);
    const merchantId = req.merchant!.id;
    if (type === 'approval') {
      const input = decision(req);
      const { entryId } = await decideApproval(services.db, merchantId, id, 'rejected', who(req, input.by), input.note ?? null);
      await postEntryAgain(merchantId, entryId, String(req.params.id));
      return res.json({ id: req.params.id, status: 'rejected' });
    }
    const input = parseBody(DISMISS, req);
    const { entryId } = await resolveReviewItem(services.db, merchantId, id, 'dismissed', who(req, input.by), input.note);
    await postEntryAgain(merchantId, entryId, String(req.params.id));
    res.json({ id: req.params.id, status: 'dismissed' });
  }));

  router.post('/api/books/review/:id/retry', auth, body, route(async (req, res) => {
    const { type, id } = reviewId(req.params.id);
    if (type !== 'refusal') throw new SettleError('not_refused', 'This document is waiting for approval: approve or reject it.', 409);
    const input = decision(req);
    const { entryId } = await resolveReviewItem(services.db, req.merchant!.id, id, 'retried', who(req, input.by), input.note ?? null);
    await postEntryAgain(req.merchant!.id, entryId, String(req.params.id));
    res.json({ id: req.params.id, status: 'retried' });
  }));

  // The accounts or items to choose from when fixing a mapping.
  router.get('/api/books/choices/:kind', auth, route(async (req, res) => {
    const kind = z.enum(['account', 'item']).safeParse(req.params.kind);
    if (!kind.success) throw new SettleError('invalid_request', 'kind: account or item', 400);
    const books = await booksOf(req.merchant!.id);
    res.json({ kind: kind.data, choices: books.choices ? await books.choices(kind.data) : [] });
  }));

  // Fix the mapping a refusal named (e.g. the item deleted in QuickBooks → its replacement), then post again.
  router.put('/api/books/review/:id/mapping', auth, body, route(async (req, res) => {
    const { type, id } = reviewId(req.params.id);
    if (type !== 'refusal') throw new SettleError('not_refused', 'This document is waiting for approval: approve or reject it.', 409);
    const input = parseBody(MAPPING, req);
    const merchantId = req.merchant!.id;
    const item = await findOpenReviewItem(services.db, merchantId, id);
    if (!item.fix || item.fix.keys.length === 0 || item.fix.kind === 'customer') {
      throw new SettleError('mapping_not_fixable', 'Settle has no mapping to change for this refusal: fix it in QuickBooks, then retry.', 409);
    }
    const books = await booksOf(merchantId);
    const choices = books.choices ? await books.choices(item.fix.kind) : [];
    if (!choices.some((c) => c.id === input.externalId)) {
      throw new SettleError('unknown_books_reference', `QuickBooks has no active ${item.fix.kind} ${input.externalId}: choose one from the list.`, 422);
    }
    const mapping = new BooksMapping(services.db, merchantId);
    for (const key of item.fix.keys) await mapping.set(key, input.externalId);
    const { entryId } = await resolveReviewItem(services.db, merchantId, id, 'mapping_fixed', who(req, input.by), `${item.fix.keys.join(', ')} → ${input.externalId}`);
    await postEntryAgain(merchantId, entryId, String(req.params.id));
    res.json({ id: req.params.id, status: 'mapping_fixed', keys: item.fix.keys, externalId: input.externalId });
  }));

  router.get('/api/books/rules', auth, route(async (req, res) => {
    res.json({ rules: rulesView(await loadApprovalRules(services.db, req.merchant!.id)) });
  }));

  router.put('/api/books/rules', auth, body, route(async (req, res) => {
    const input = parseBody(RULES, req);
    const rules: ApprovalRules = { ...input, under: input.under && { amount: input.under.amount, currency: currencyCode(input.under.currency.toUpperCase()) } };
    await saveApprovalRules(services.db, req.merchant!.id, rules);
    res.json({ rules: rulesView(rules) });
  }));

  router.get('/api/books/log', auth, route(async (req, res) => {
    const query = parseQuery(LOG, req);
    const { rows, total } = await syncLog(services.db, req.merchant!.id, query);
    res.json({ documents: rows.map(logView), page: query.page, perPage: query.perPage, total });
  }));

  router.post('/api/books/documents/:id/undo', auth, body, route(async (req, res) => {
    const input = decision(req);
    res.json({ document: logView(await undoPostedDocument(services, req.merchant!.id, String(req.params.id), who(req, input.by))) });
  }));

  // After an undo and a fix: the part is posted again as a new document.
  router.post('/api/books/documents/:id/post-again', auth, body, route(async (req, res) => {
    const merchantId = req.merchant!.id;
    const { entryId } = await postAgain(services.db, merchantId, String(req.params.id));
    await postEntryAgain(merchantId, entryId, String(req.params.id));
    res.json({ id: req.params.id, status: 'posting_again' });
  }));
  return router;
}
