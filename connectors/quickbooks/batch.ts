import type QuickBooks from 'node-quickbooks';
import type { BatchOutcome, PreparedDocument } from '../../core/books/books';
import { needsReview, type IntuitError } from './explain';

/** Intuit's recommended most payloads in one batch request (NOTES.md: limits page). */
export const QUICKBOOKS_BATCH_LIMIT = 30;

type Callback = (error: unknown, body?: unknown) => void;
type Fault = { Error?: IntuitError[]; type?: string };
export type BatchItemResponse = { bId?: string; Fault?: Fault } & Record<string, unknown>;

/** What node-quickbooks keeps on a client: where and as whom it calls. */
interface ClientSettings {
  endpoint: string;
  realmId: string;
  token: string;
  minorversion: string | number;
}

/**
 * POST /batch with a requestid. node-quickbooks' `batch` cannot carry one (it reads `requestId` off
 * the body, and a batch body is the item list), so this sends what it would send, plus the
 * requestid, and reports like its callbacks do: an HTTP error as `{response: {status, data}}`, a
 * Fault body as the error, so `call` turns both into core's errors.
 */
export function sendBatch(qbo: QuickBooks, requestId: string, items: { key: string; prepared: PreparedDocument }[]) {
  const client = qbo as unknown as ClientSettings;
  const query = new URLSearchParams({ requestid: requestId, minorversion: String(client.minorversion), format: 'json' });
  const url = `${client.endpoint}${client.realmId}/batch?${query}`;
  const body = { BatchItemRequest: items.map(({ key, prepared }) => ({ bId: key, operation: 'create', [prepared.type]: prepared.body })) };
  return (callback: Callback): void => {
    fetch(url, {
      method: 'POST',
      headers: { authorization: `Bearer ${client.token}`, 'content-type': 'application/json', accept: 'application/json', 'request-id': crypto.randomUUID() },
      body: JSON.stringify(body),
    }).then(async (res) => {
      const data = (await res.json().catch(() => undefined)) as { Fault?: Fault } | undefined;
      if (!res.ok) callback({ response: { status: res.status, data }, message: `HTTP ${res.status}` });
      else if (data?.Fault?.Error?.length) callback(data);
      else callback(null, data);
    }, (error: unknown) => callback(error));
  };
}

/**
 * Each item's answer as core's outcome: the created document; a validation fault as a review item
 * (explained for the bookkeeper, as a single post's would be); anything else to post again later.
 */
export function batchOutcomes(items: { key: string; prepared: PreparedDocument }[], responses: BatchItemResponse[]): Map<string, BatchOutcome> {
  const byKey = new Map(responses.map((r) => [r.bId, r]));
  const outcomes = new Map<string, BatchOutcome>();
  for (const { key, prepared } of items) {
    const response = byKey.get(key);
    const created = response?.[prepared.type] as { Id?: string; SyncToken?: string } | undefined;
    const error = response?.Fault?.Error?.[0];
    if (created?.Id) {
      outcomes.set(key, { outcome: 'posted', posted: { documentType: prepared.type, documentId: created.Id, ...(created.SyncToken ? { syncToken: created.SyncToken } : {}) } });
    } else if (error && response?.Fault?.type === 'ValidationFault') {
      outcomes.set(key, { outcome: 'review', refusal: needsReview(error, prepared.what) });
    } else {
      outcomes.set(key, { outcome: 'retry', reason: error ? `${error.code ?? ''} ${error.Message ?? ''} ${error.Detail ?? ''}`.trim() : 'QuickBooks did not answer for it' });
    }
  }
  return outcomes;
}
