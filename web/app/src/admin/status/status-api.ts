// Typed client for GET /api/status: the signed-in merchant's connections, webhooks, waiting work,
// books backlog, exceptions and last syncs.
import { getJson } from '../api';
import type { AlertRow } from '../alerts/alerts-api';

export interface StatusResponse {
  connections: { platform: string; name: string; health: 'connected' | 'failing' | 'revoked' | 'disconnected' | (string & {}); problem: string | null }[];
  lastWebhooks: { platform: string; name: string; lastAt: string | null }[];
  pendingWork: { queue: string; waiting: number; failing: number; oldestAt: string | null }[];
  booksBacklog: { waiting: number; oldestAt: string | null };
  openExceptions: number;
  lastSync: { store: string | null; books: string | null };
  alerts: AlertRow[];
  checkedAt: string;
}

export function fetchStatus(signal?: AbortSignal): Promise<StatusResponse> {
  return getJson('/api/status', (body) => Array.isArray((body as StatusResponse).connections), signal);
}
