// Typed client for the merchant's alerts: the open ones (banners and the status page), dismissing a
// banner, and the address alerts are emailed to.
import { ApiError, getJson } from '../api';
import { postJson } from '../actions-api';

export interface AlertRow {
  id: number;
  kind: 'platform_disconnected' | 'webhooks_failing' | 'books_backlog' | 'payouts_unexplained' | (string & {});
  subject: string;
  title: string;
  message: string;
  firstSeenAt: string;
  lastSeenAt: string;
  resolvedAt: string | null;
  dismissedAt: string | null;
  emailedAt: string | null;
}

export interface AlertSettings {
  email: string | null;
  /** Whether this Settle can send email at all (its operator set up a mail server). */
  emailEnabled: boolean;
}

export function fetchAlerts(signal?: AbortSignal): Promise<{ alerts: AlertRow[] }> {
  return getJson('/api/alerts', (body) => Array.isArray((body as { alerts?: unknown }).alerts), signal);
}

export const dismissAlert = (id: number) => postJson<{ alert: AlertRow }>(`/api/alerts/${id}/dismiss`, {});

export function fetchAlertSettings(signal?: AbortSignal): Promise<AlertSettings> {
  return getJson('/api/alerts/settings', (body) => 'email' in (body as object), signal);
}

export async function saveAlertEmail(email: string): Promise<AlertSettings> {
  const res = await fetch('/api/alerts/settings', {
    method: 'PUT', credentials: 'same-origin', headers: { Accept: 'application/json', 'Content-Type': 'application/json' }, body: JSON.stringify({ email: email.trim() }),
  }).catch(() => {
    throw new ApiError(0, 'network', 'Could not reach Settle. Nothing was changed; try again.');
  });
  const body = (await res.json().catch(() => null)) as (AlertSettings & { error?: { code?: string; message?: string } }) | null;
  if (!res.ok || !body) throw new ApiError(res.status, body?.error?.code ?? `http_${res.status}`, body?.error?.message ?? 'Settle could not save the address.');
  return body;
}
