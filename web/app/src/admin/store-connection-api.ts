// Typed client for the WooCommerce store connection: GET /api/woocommerce/connection (the store, its
// latest order import and webhook health), POST /api/woocommerce/imports, and the plugin's
// connection secret (read on request, replaced by POST .../connection-secret/rotate).
import { getJson } from './api';
import { postJson } from './actions-api';

export interface OrderImport {
  id: string;
  status: 'queued' | 'running' | 'done' | 'failed' | (string & {});
  reason: 'connected' | 'requested' | (string & {});
  modifiedAfter: string;
  error: string | null;
  progress: { ordersDone: number; ordersTotal: number | null; pagesDone: number; pagesTotal: number | null; percent: number };
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
}

export interface WebhookTopic {
  topic: string;
  // active | paused | disabled (WooCommerce gave up after failed deliveries) | missing | unknown.
  status: string;
  deliversToSettle: boolean;
  lastDeliveryAt: string | null;
}

export interface StoreConnection {
  store: { storeId: string; siteUrl: string; connectedAt: string | null; requireSignedRequests: boolean };
  latestImport: OrderImport | null;
  webhooks: { lastCheckAt: string | null; error: string | null; topics: WebhookTopic[] };
}

export function fetchStoreConnection(signal?: AbortSignal): Promise<StoreConnection> {
  return getJson('/api/woocommerce/connection', (b) => typeof (b as { store?: unknown }).store === 'object', signal);
}

export async function startOrderImport(): Promise<OrderImport> {
  return (await postJson<{ import: OrderImport }>('/api/woocommerce/imports', {})).import;
}

export async function readConnectionSecret(): Promise<string> {
  return (await getJson<{ connectionSecret: string }>('/api/connections/woocommerce/connection-secret', (b) => typeof (b as { connectionSecret?: unknown }).connectionSecret === 'string')).connectionSecret;
}

export async function rotateConnectionSecret(): Promise<string> {
  return (await postJson<{ connectionSecret: string }>('/api/woocommerce/connection-secret/rotate', {})).connectionSecret;
}
