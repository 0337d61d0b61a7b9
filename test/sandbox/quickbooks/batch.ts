// POST /v3/company/:realm/batch — several operations in one request, as Intuit documents it
// (node-quickbooks' `batch`, quickbooks-ruby's BatchRequest, the Batch page of the API explorer):
//   {BatchItemRequest: [{bId, operation: create|update|delete, <Entity>: {...}} | {bId, Query: "select ..."}]}
//   → {BatchItemResponse: [{bId, <Entity>: {...}} | {bId, QueryResponse: {...}} | {bId, Fault: {Error, type}}], time}
// Each item runs exactly as the single-entity endpoint runs it (same Books methods, same checks), in
// order; one item's fault does not stop the others. The limits (NOTES.md): at most 30 payloads,
// 40 batch requests a minute per company and app, 120 per company; past them Intuit answers 429.
import { createHash } from 'node:crypto';
import type { Books } from './books';
import { ENTITY_BY_PATH } from './books';
import { faults, QboFault } from './faults';
import { isObj, type Obj } from './rule-kit';
import type { Company } from './store';

export const BATCH_MAX_ITEMS = 30;
export const BATCH_PER_MIN_PER_APP = 40;
export const BATCH_PER_MIN_PER_REALM = 120;

const ENTITIES = new Set(Object.values(ENTITY_BY_PATH));
type Window = { windowStart: number; count: number };

/** The batch-only limits, per company: a fixed one-minute window for the company and one per app. */
export class BatchLimits {
  private readonly realms = new WeakMap<Company, { realm: Window; apps: Map<string, Window> }>();
  /** requestid → fingerprint of the batch body it was first used with. */
  private readonly bodies = new WeakMap<Company, Map<string, string>>();

  /** Counts the batch request, or throws Intuit's 429 (a throttled request is not counted). */
  take(company: Company, clientId: string, now: number): void {
    let state = this.realms.get(company);
    if (!state) this.realms.set(company, (state = { realm: { windowStart: now, count: 0 }, apps: new Map() }));
    let app = state.apps.get(clientId);
    if (!app) state.apps.set(clientId, (app = { windowStart: now, count: 0 }));
    for (const w of [state.realm, app]) {
      if (now - w.windowStart >= 60_000) {
        w.windowStart = now;
        w.count = 0;
      }
    }
    if (state.realm.count >= BATCH_PER_MIN_PER_REALM || app.count >= BATCH_PER_MIN_PER_APP) throw faults.throttle();
    state.realm.count++;
    app.count++;
  }

  /**
   * A requestid names one batch: the same id with another body is refused instead of answered with
   * the first batch's reply (which would tell the caller its new operations were done).
   * Unconfirmed: no source here quotes Intuit's fault for this; the sandbox's own wording is used.
   */
  checkSameBody(company: Company, requestId: string | undefined, body: unknown): void {
    if (!requestId) return;
    let seen = this.bodies.get(company);
    if (!seen) this.bodies.set(company, (seen = new Map()));
    const fingerprint = createHash('sha256').update(JSON.stringify(body ?? null)).digest('hex');
    const first = seen.get(requestId);
    if (first === undefined) seen.set(requestId, fingerprint);
    else if (first !== fingerprint) {
      throw faults.invalid('requestid', `requestid ${requestId} was already used for a different batch request; use a new requestid for a new batch`);
    }
  }
}

/** The batch's request items, checked as a whole: a list of 1..30 items with distinct bIds. */
export function batchItems(body: unknown): Obj[] {
  if (!isObj(body) || !Array.isArray(body.BatchItemRequest)) throw faults.required('BatchItemRequest');
  const items = body.BatchItemRequest;
  if (items.length === 0) throw faults.required('BatchItemRequest');
  if (items.length > BATCH_MAX_ITEMS) {
    throw faults.invalid('BatchItemRequest', `A batch request can have at most ${BATCH_MAX_ITEMS} BatchItemRequest items; this one has ${items.length}`);
  }
  const ids = new Set<string>();
  for (const item of items) {
    if (!isObj(item) || typeof item.bId !== 'string' || item.bId === '') throw faults.required('BatchItemRequest.bId');
    if (ids.has(item.bId)) throw faults.invalid('BatchItemRequest.bId', `bId ${item.bId} is used twice in the batch`);
    ids.add(item.bId);
  }
  return items as Obj[];
}

/** Runs each item in order; a fault becomes that item's response and the next item runs. */
export async function runBatch(
  books: Books, company: Company, items: Obj[], query: (text: unknown) => Obj,
): Promise<Obj[]> {
  const responses: Obj[] = [];
  for (const item of items) {
    const bId = item.bId as string;
    try {
      responses.push({ bId, ...(await runItem(books, company, item, query)) });
    } catch (err) {
      const f = err instanceof QboFault ? err : faults.system(String(err));
      responses.push({ bId, Fault: { Error: f.errors, type: f.type } });
    }
  }
  return responses;
}

async function runItem(books: Books, company: Company, item: Obj, query: (text: unknown) => Obj): Promise<Obj> {
  if (item.Query !== undefined) return { QueryResponse: query(item.Query) };
  const named = Object.keys(item).filter((k) => k !== 'bId' && k !== 'operation' && k !== 'optionsData');
  const name = named.find((k) => ENTITIES.has(k));
  if (!name || named.length !== 1) throw faults.unsupported(`Batch item ${String(item.bId)} must name one entity (${[...ENTITIES].join(', ')}) or a Query`);
  const body = item[name];
  switch (item.operation) {
    case 'create':
      return { [name]: await books.create(company, name, body) };
    case 'update':
      return { [name]: await books.update(company, name, body) };
    case 'delete':
      return { [name]: await books.remove(company, name, body) };
    case undefined:
      throw faults.required('operation');
    default:
      throw faults.unsupportedOperation(String(item.operation), name);
  }
}
