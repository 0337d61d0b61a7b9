// Typed client for the QuickBooks mapping step: GET /api/books/mapping and the choices the merchant
// makes (an account per ledger role, an item per SKU, the fallback item). Every answer is the whole
// step as it now stands.
import { ApiError, getJson } from '../api';

export interface AccountChoice { id: string; name: string; type: string }
export interface RoleMapping {
  role: string;
  name: string;
  account: AccountChoice | null;
  candidates: AccountChoice[];
  suggestion: { kind: 'existing'; account: AccountChoice } | { kind: 'create'; name: string; type: string } | null;
}
export interface ItemChoice { id: string; name: string; sku: string | null }
export interface ProductMapping {
  sku: string;
  name: string;
  item: ItemChoice | null;
  source: 'mapped' | 'sku' | 'fallback' | (string & {});
  missing: boolean;
}
export interface BooksMapping {
  accounts: RoleMapping[];
  items: { fallback: ItemChoice | null; products: ProductMapping[]; candidates: ItemChoice[] };
  customers: { rule: string; description: string };
}

const isMapping = (b: unknown) => Array.isArray((b as { mapping?: BooksMapping }).mapping?.accounts);

export async function fetchBooksMapping(signal?: AbortSignal): Promise<BooksMapping> {
  return (await getJson<{ mapping: BooksMapping }>('/api/books/mapping', isMapping, signal)).mapping;
}

async function send(method: 'PUT' | 'POST', url: string, body: unknown): Promise<BooksMapping> {
  let res: Response;
  try {
    res = await fetch(url, { method, credentials: 'same-origin', headers: { Accept: 'application/json', 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
  } catch {
    throw new ApiError(0, 'network', 'Could not reach Settle. Nothing was changed; try again.');
  }
  const json: unknown = await res.json().catch(() => null);
  if (!res.ok || !isMapping(json)) {
    const e = (json as { error?: { code?: string; message?: string } } | null)?.error;
    throw new ApiError(res.status, e?.code ?? `http_${res.status}`, e?.message ?? `Request failed (HTTP ${res.status}).`);
  }
  return (json as { mapping: BooksMapping }).mapping;
}

/** The role's account: an existing one (`accountId`), or the account named after the role, created in QuickBooks. */
export const mapAccount = (role: string, choice: { accountId: string } | { create: true }) =>
  send('PUT', `/api/books/mapping/accounts/${encodeURIComponent(role)}`, choice);
export const mapItem = (sku: string, choice: { itemId: string } | { create: true; name: string }) =>
  send('PUT', `/api/books/mapping/items/${encodeURIComponent(sku)}`, choice);
export const mapFallbackItem = (choice: { itemId: string } | { create: true }) => send('PUT', '/api/books/mapping/fallback-item', choice);
export const applySuggestions = () => send('POST', '/api/books/mapping/apply-suggestions', {});
