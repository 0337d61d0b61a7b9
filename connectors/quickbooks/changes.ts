import type QuickBooks from 'node-quickbooks';
import type { Queryable } from '../../core/storage/database';
import { findPostedDocument, flagBooksChange, type ChangeSeen } from '../../core/books/flags';
import { fromDecimal } from '../../core/money';
import { call } from './client';

/** The documents Settle posts; only changes to these can touch what Settle put in the books. */
export const POSTED_ENTITIES = ['SalesReceipt', 'RefundReceipt', 'Purchase', 'Transfer', 'JournalEntry', 'Deposit'];

const CDC_LOOKBACK_MS = 29 * 86_400_000;

type Document = { Id: string; SyncToken?: string; status?: string; TotalAmt?: number; Amount?: number };

/**
 * Looks at one change in QuickBooks and flags it when it edits, voids or deletes a document Settle
 * posted. `document` is the changed entity when the caller has it (Change Data Capture); otherwise it
 * is read from QuickBooks. Creations, and documents Settle did not post, are ignored.
 */
export async function noteQuickBooksChange(
  db: Queryable, qbo: () => Promise<QuickBooks>, merchantId: string,
  change: { entity: string; id: string; operation: string; document?: Document }, foundBy: ChangeSeen['foundBy'],
): Promise<boolean> {
  if (!POSTED_ENTITIES.includes(change.entity) || change.operation === 'Create') return false;
  const posted = await findPostedDocument(db, merchantId, change.entity, change.id);
  if (!posted) return false;
  const base = { merchantId, documentType: change.entity, documentId: change.id, foundBy };
  if (change.operation === 'Delete' || change.document?.status === 'Deleted') {
    return flagBooksChange(db, posted, { ...base, change: 'deleted', changeKey: 'deleted', currentAmount: null });
  }
  const document = change.document ?? (await read(await qbo(), change.entity, change.id));
  if (!document) return flagBooksChange(db, posted, { ...base, change: 'deleted', changeKey: 'deleted', currentAmount: null });
  // Version 0 is the document as Settle created it: nothing was changed since.
  if (!document.SyncToken || document.SyncToken === '0') return false;
  const total = document.TotalAmt ?? document.Amount;
  return flagBooksChange(db, posted, {
    ...base, change: change.operation === 'Void' ? 'voided' : 'edited', changeKey: `sync:${document.SyncToken}`,
    currentAmount: total === undefined ? null : fromDecimal(String(total), posted.currency).amount,
  });
}

async function read(qbo: QuickBooks, entity: string, id: string): Promise<Document | undefined> {
  const get = (qbo as unknown as Record<string, (id: string, cb: (e: unknown, b?: unknown) => void) => void>)[`get${entity}`]?.bind(qbo);
  if (!get) return undefined;
  try {
    const body = await call<Document & Record<string, Document | undefined>>((cb) => get(id, cb), `reading ${entity} ${id}`);
    return body[entity] ?? body;
  } catch (error) {
    if ((error as { code?: string }).code === 'books_not_found') return undefined;
    throw error;
  }
}

/** Where the catch-up starts for a company just connected (an existing cursor is kept). */
export async function startCatchUpFrom(db: Queryable, merchantId: string, realmId: string, at: Date): Promise<void> {
  await db.query(
    'INSERT INTO quickbooks_catch_up (merchant_id, realm_id, changed_since) VALUES ($1, $2, $3) ON CONFLICT (merchant_id, realm_id) DO NOTHING',
    [merchantId, realmId, at],
  );
}

/**
 * Change Data Capture since the company's cursor: every change to the documents Settle posts, each
 * looked at as a webhook's would be. The cursor moves to QuickBooks' own time of the answer, a minute
 * early (a change saved as the answer was made is seen again, and flagged once).
 */
export async function catchUpQuickBooks(db: Queryable, qbo: QuickBooks, merchantId: string, realmId: string): Promise<number> {
  const rows = await db.query<{ changed_since: Date }>('SELECT changed_since FROM quickbooks_catch_up WHERE merchant_id = $1 AND realm_id = $2', [merchantId, realmId]);
  const cursor = rows[0]?.changed_since;
  if (!cursor) {
    await startCatchUpFrom(db, merchantId, realmId, new Date());
    return 0;
  }
  // QuickBooks answers changes of the last 30 days only; a company disconnected longer resumes from there.
  const since = new Date(Math.max(cursor.getTime(), Date.now() - CDC_LOOKBACK_MS));
  type Cdc = { CDCResponse?: { QueryResponse?: Record<string, Document[] | unknown>[] }[]; time?: string };
  const answer = await call<Cdc>((cb) => qbo.changeDataCapture(POSTED_ENTITIES, since.toISOString(), cb), 'asking QuickBooks what changed');
  let flagged = 0;
  for (const response of answer.CDCResponse?.[0]?.QueryResponse ?? []) {
    for (const entity of POSTED_ENTITIES) {
      const documents = response[entity];
      if (!Array.isArray(documents)) continue;
      for (const document of documents as Document[]) {
        const operation = document.status === 'Deleted' ? 'Delete' : 'Update';
        if (await noteQuickBooksChange(db, () => Promise.resolve(qbo), merchantId, { entity, id: document.Id, operation, document }, 'catch_up')) flagged++;
      }
    }
  }
  const next = new Date(Date.parse(answer.time ?? '') - 60_000);
  if (!Number.isNaN(next.getTime()) && next > since) {
    await db.query('UPDATE quickbooks_catch_up SET changed_since = $3 WHERE merchant_id = $1 AND realm_id = $2', [merchantId, realmId, next]);
  }
  return flagged;
}
