// Typed client for the merchant's platform connections: GET /api/connections, and the start of
// Stripe Connect (POST /api/connections/stripe/oauth answers with Stripe's consent link).
import { ApiError, getJson } from './api';

export interface ConnectionRow {
  platform: string;
  // active | revoked | disconnected; typed as string too, a newer server may add states.
  status: 'active' | 'revoked' | 'disconnected' | (string & {});
  /** What is safe to show: QuickBooks' company (realmId), Stripe's account id. */
  settings?: { realmId?: string; accountId?: string; mode?: string };
}

export interface ConnectionsResponse {
  connections: ConnectionRow[];
}

export function fetchConnections(signal?: AbortSignal): Promise<ConnectionsResponse> {
  return getJson<ConnectionsResponse>('/api/connections', (body) => Array.isArray((body as ConnectionsResponse).connections), signal);
}

/** Asks Settle for Stripe's consent link (signed and single-use, so asked for at the click). */
export async function stripeConsentLink(): Promise<string> {
  const res = await fetch('/api/connections/stripe/oauth', { method: 'POST', credentials: 'same-origin', headers: { Accept: 'application/json' } });
  const body = (await res.json().catch(() => null)) as { url?: string; error?: { code?: string; message?: string } } | null;
  if (!res.ok || !body?.url) throw new ApiError(res.status, body?.error?.code ?? `http_${res.status}`, body?.error?.message ?? 'Settle could not start connecting Stripe.');
  return body.url;
}

/** Where "Connect to QuickBooks" goes: Settle signs a single-use state and sends the browser on to Intuit. */
export const QUICKBOOKS_CONNECT_URL = '/quickbooks/connect';

/** Disconnects QuickBooks: Settle's access is revoked at Intuit and its tokens deleted. */
export async function disconnectQuickBooks(): Promise<void> {
  const res = await fetch('/api/connections/quickbooks', { method: 'DELETE', credentials: 'same-origin', headers: { Accept: 'application/json' } });
  if (res.ok) return;
  const body = (await res.json().catch(() => null)) as { error?: { code?: string; message?: string } } | null;
  throw new ApiError(res.status, body?.error?.code ?? `http_${res.status}`, body?.error?.message ?? 'Settle could not disconnect QuickBooks.');
}
