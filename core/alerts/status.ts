import type { Queryable } from '../storage/database';
import { QUEUE_FOR_TOPIC, type OutboxTopic } from '../outbox/outbox';
import { listAlerts, type Alert } from './alerts';
import { PLATFORM_NAMES } from './conditions';

export type ConnectionHealth = 'connected' | 'failing' | 'revoked' | 'disconnected';

/** What the Status tab shows one merchant: only their own connections, work and exceptions. */
export interface MerchantStatus {
  connections: { platform: string; name: string; health: ConnectionHealth; problem: string | null }[];
  lastWebhooks: { platform: string; name: string; lastAt: Date | null }[];
  /** This merchant's work waiting, per queue (the queues themselves are shared with other merchants). */
  pendingWork: { queue: string; waiting: number; failing: number; oldestAt: Date | null }[];
  booksBacklog: { waiting: number; oldestAt: Date | null };
  openExceptions: number;
  lastSync: { store: Date | null; books: Date | null };
  alerts: Alert[];
}

// Whose work a topic is: failing store work makes the store's connection "failing", and so on.
const PLATFORM_OF_WORK: Record<string, 'store' | 'quickbooks' | 'stripe'> = { store: 'store', books: 'quickbooks', processor: 'stripe' };
const STORES = new Set(['woocommerce', 'shopify']);
const WEBHOOK_PLATFORMS = ['stripe', 'woocommerce', 'shopify', 'quickbooks'];

const date = (v: Date | string | null | undefined) => (v === null || v === undefined ? null : new Date(v));

export async function merchantStatus(db: Queryable, merchantId: string): Promise<MerchantStatus> {
  const connections = await db.query<{ platform: string; status: string }>(
    `SELECT platform, coalesce(settings->>'status', 'active') AS status FROM connections WHERE merchant_id = $1 ORDER BY platform`, [merchantId]);
  const work = await db.query<{ topic: OutboxTopic; waiting: string | number; failing: string | number; oldest: Date | string | null; last_error: string | null }>(
    `SELECT topic, count(*) AS waiting, count(*) FILTER (WHERE attempts > 0) AS failing, min(created_at) AS oldest,
            (array_agg(last_error ORDER BY created_at DESC) FILTER (WHERE last_error IS NOT NULL))[1] AS last_error
       FROM outbox WHERE merchant_id = $1 AND done_at IS NULL GROUP BY topic`, [merchantId]);
  const [inbound] = await db.query<{ waiting: string | number; oldest: Date | string | null }>(
    'SELECT count(*) AS waiting, min(received_at) AS oldest FROM inbox WHERE merchant_id = $1 AND processed_at IS NULL', [merchantId]);
  const webhooks = await db.query<{ platform: string; last_at: Date | string | null }>(
    `SELECT platform, max(received_at) AS last_at FROM inbox WHERE merchant_id = $1 GROUP BY platform
     UNION ALL
     SELECT 'woocommerce', max(received_at) FROM woo_store_changes WHERE merchant_id = $1 AND source = 'webhook'`, [merchantId]);
  const [sync] = await db.query<{ store: Date | string | null; books: Date | string | null }>(
    `SELECT max(done_at) FILTER (WHERE topic LIKE 'store.%') AS store, max(done_at) FILTER (WHERE topic LIKE 'books.%') AS books
       FROM outbox WHERE merchant_id = $1 AND done_at IS NOT NULL`, [merchantId]);
  const [exceptions] = await db.query<{ open: string | number }>(
    `SELECT count(*) AS open FROM reconciliation_exceptions WHERE merchant_id = $1 AND status = 'open'`, [merchantId]);

  const byQueue = new Map<string, { waiting: number; failing: number; oldestAt: Date | null; lastError: string | null }>();
  for (const w of work) {
    const queue = QUEUE_FOR_TOPIC[w.topic] ?? w.topic;
    const q = byQueue.get(queue) ?? { waiting: 0, failing: 0, oldestAt: null, lastError: null };
    const oldest = date(w.oldest);
    byQueue.set(queue, {
      waiting: q.waiting + Number(w.waiting), failing: q.failing + Number(w.failing),
      oldestAt: q.oldestAt && oldest ? (q.oldestAt < oldest ? q.oldestAt : oldest) : (q.oldestAt ?? oldest),
      lastError: q.lastError ?? w.last_error,
    });
  }
  const failingFor = (platform: string) => {
    for (const [queue, q] of byQueue) {
      const owner = PLATFORM_OF_WORK[queue];
      if (q.failing > 0 && (owner === platform || (owner === 'store' && STORES.has(platform)))) return q.lastError ?? 'Settle is retrying work that failed.';
    }
    return null;
  };
  const books = work.filter((w) => w.topic === 'books.post_entry');
  const lastAt = new Map<string, Date | null>();
  for (const w of webhooks) {
    const at = date(w.last_at);
    const before = lastAt.get(w.platform) ?? null;
    lastAt.set(w.platform, before && at ? (before > at ? before : at) : (before ?? at));
  }
  return {
    connections: connections.map((c) => {
      const problem = failingFor(c.platform);
      const health: ConnectionHealth = c.status === 'active' ? (problem ? 'failing' : 'connected') : c.status === 'disconnected' ? 'disconnected' : 'revoked';
      return { platform: c.platform, name: PLATFORM_NAMES[c.platform] ?? c.platform, health, problem: health === 'failing' ? problem : null };
    }),
    lastWebhooks: WEBHOOK_PLATFORMS.filter((p) => connections.some((c) => c.platform === p) || lastAt.get(p))
      .map((p) => ({ platform: p, name: PLATFORM_NAMES[p] ?? p, lastAt: lastAt.get(p) ?? null })),
    pendingWork: [
      { queue: 'inbound', waiting: Number(inbound?.waiting ?? 0), failing: 0, oldestAt: date(inbound?.oldest) },
      ...['store', 'books', 'processor'].map((queue) => {
        const q = byQueue.get(queue);
        return { queue, waiting: q?.waiting ?? 0, failing: q?.failing ?? 0, oldestAt: q?.oldestAt ?? null };
      }),
    ],
    booksBacklog: {
      waiting: books.reduce((sum, w) => sum + Number(w.waiting), 0),
      oldestAt: books.map((w) => date(w.oldest)).find((d) => d !== null) ?? null,
    },
    openExceptions: Number(exceptions?.open ?? 0),
    lastSync: { store: date(sync?.store), books: date(sync?.books) },
    alerts: await listAlerts(db, merchantId),
  };
}
