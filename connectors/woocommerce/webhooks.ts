import { createHmac, timingSafeEqual } from 'node:crypto';
import type { WooCommerceRestApi } from './client';
import { wooFailure } from './client';

/** The store changes Settle listens to. */
export const SETTLE_TOPICS = ['order.created', 'order.updated', 'order.deleted', 'product.updated'] as const;

/** WooCommerce signs a delivery with base64(HMAC-SHA256(raw body, webhook secret)). */
export function verifyWooSignature(body: Buffer, signature: string | undefined, secret: string): boolean {
  if (!signature) return false;
  const expected = createHmac('sha256', secret).update(body).digest();
  const given = Buffer.from(signature, 'base64');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** One change in the store, named so that every delivery of it has the same key. */
export interface WooChange {
  resource: 'order' | 'product';
  resourceId: number;
  /** date_modified_gmt; a deletion has none, so it is keyed as 'deleted'. */
  modifiedAt: string;
  topic: string;
  payload: unknown;
}

/** Reads a delivery's topic and body; undefined when it is not a change Settle understands. */
export function wooChange(topic: string | undefined, body: Buffer): WooChange | undefined {
  const [resource, event] = (topic ?? '').split('.');
  if (resource !== 'order' && resource !== 'product') return undefined;
  let payload: { id?: unknown; date_modified_gmt?: unknown };
  try {
    payload = JSON.parse(body.toString('utf8')) as typeof payload;
  } catch {
    return undefined;
  }
  if (typeof payload !== 'object' || payload === null || !Number.isSafeInteger(payload.id) || (payload.id as number) <= 0) return undefined;
  const modifiedAt = event === 'deleted' ? 'deleted' : payload.date_modified_gmt;
  if (typeof modifiedAt !== 'string' || modifiedAt === '') return undefined;
  return { resource, resourceId: payload.id as number, modifiedAt, topic: topic!, payload };
}

export interface WooWebhook { id: number; name: string; status: string; topic: string; delivery_url: string }

const hookName = (topic: string) => `Settle ${topic}`;

/** Settle's own webhooks in the store (known by name), by topic; a topic missing from the map has none. */
export async function settleWebhooks(api: WooCommerceRestApi): Promise<Map<string, WooWebhook>> {
  const hooks: WooWebhook[] = [];
  for (let page = 1; ; page++) {
    const r = await api.get('webhooks', { status: 'all', per_page: 100, page }).catch((e: unknown) => Promise.reject(wooFailure(e, 'listing webhooks')));
    hooks.push(...(r.data as WooWebhook[]));
    if (page >= Number(r.headers?.['x-wp-totalpages'] ?? 1)) break;
  }
  return new Map(SETTLE_TOPICS.flatMap((topic) => {
    const mine = hooks.find((h) => h.name === hookName(topic) && h.topic === topic);
    return mine ? [[topic, mine] as const] : [];
  }));
}

/**
 * WooCommerce disables a webhook after repeated failed deliveries and never retries. Settle's own
 * webhooks (known by name) are re-enabled and pointed at Settle again; missing ones are created.
 * `newSecret`: Settle's secret changed (e.g. the store was reconnected), so every webhook is given it.
 * Returns how many were repaired or created.
 */
export async function repairWebhooks(api: WooCommerceRestApi, deliveryUrl: string, secret: string, newSecret = false): Promise<number> {
  const hooks = await settleWebhooks(api);
  let repaired = 0;
  for (const topic of SETTLE_TOPICS) {
    const mine = hooks.get(topic);
    if (!mine) {
      await api.post('webhooks', { name: hookName(topic), topic, delivery_url: deliveryUrl, secret, status: 'active' })
        .catch((e: unknown) => Promise.reject(wooFailure(e, `creating the ${topic} webhook`)));
      repaired++;
    } else if (newSecret || mine.status !== 'active' || mine.delivery_url !== deliveryUrl) {
      await api.put(`webhooks/${mine.id}`, { status: 'active', delivery_url: deliveryUrl, secret })
        .catch((e: unknown) => Promise.reject(wooFailure(e, `re-enabling the ${topic} webhook`)));
      repaired++;
    }
  }
  return repaired;
}

/** Orders modified after `since` (every page), as changes keyed like their webhook deliveries. */
export async function ordersModifiedSince(api: WooCommerceRestApi, since: Date): Promise<WooChange[]> {
  const changes: WooChange[] = [];
  // With an explicit offset (Z) the date means the same instant whatever the site's time zone.
  const after = since.toISOString();
  for (let page = 1; ; page++) {
    const r = await api.get('orders', { modified_after: after, per_page: 100, page })
      .catch((e: unknown) => Promise.reject(wooFailure(e, 'listing recently modified orders')));
    for (const o of r.data as { id: number; date_modified_gmt: string }[]) {
      changes.push({ resource: 'order', resourceId: o.id, modifiedAt: o.date_modified_gmt, topic: 'order.updated', payload: o });
    }
    if (page >= Number(r.headers?.['x-wp-totalpages'] ?? 1)) break;
  }
  return changes;
}
