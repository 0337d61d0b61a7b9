import { describe, expect, it } from 'vitest';
import type { StoreOrder } from '../../core/stores/store';
import type { WooCommerceRestApi } from './client';
import { importOrdersModifiedSince, type ImportProgress } from './import';
import type { WooOrder } from './mapping';

const order = (id: number, status = 'processing'): WooOrder => ({
  id, number: String(id), status, currency: 'USD', total: '12.50', total_tax: '0', shipping_total: '0',
  date_paid: status === 'processing' ? '2026-11-30T10:00:00' : null, transaction_id: '',
  billing: { first_name: 'Ada', last_name: 'L', email: 'ada@example.com' }, line_items: [],
});

/** A store of `count` orders answering GET orders like WooCommerce (per_page, page, X-WP-Total[Pages]). */
function storeWith(count: number) {
  const calls: Record<string, unknown>[] = [];
  const api = {
    get: async (_path: string, q: { per_page: number; page: number }) => {
      calls.push(q);
      const all = Array.from({ length: count }, (_, i) => order(i + 1, i === 0 ? 'completed' : 'processing'));
      return {
        data: all.slice((q.page - 1) * q.per_page, q.page * q.per_page),
        headers: { 'x-wp-total': String(count), 'x-wp-totalpages': String(Math.ceil(count / q.per_page)) },
      };
    },
  } as unknown as WooCommerceRestApi;
  return { api, calls };
}

describe('importing recent WooCommerce orders', () => {
  it('records all 250 orders across three pages, reporting progress after each page', async () => {
    const { api, calls } = storeWith(250);
    const recorded: string[] = [];
    const seen: ImportProgress[] = [];
    const since = new Date('2026-10-31T00:00:00Z');
    const result = await importOrdersModifiedSince(api, since, async (o) => { recorded.push(o.id); }, async (p) => { seen.push(p); });
    expect(recorded).toHaveLength(250);
    expect(new Set(recorded).size).toBe(250);
    expect(seen.map((p) => `${p.ordersDone}/${p.ordersTotal} (${p.pagesDone}/${p.pagesTotal})`))
      .toEqual(['100/250 (1/3)', '200/250 (2/3)', '250/250 (3/3)']);
    expect(result.ordersDone).toBe(250);
    expect(calls[0]).toMatchObject({ modified_after: '2026-10-31T00:00:00.000Z', per_page: 100, page: 1 });
  });

  it('records a paid order as paid with its total in minor units', async () => {
    const { api } = storeWith(1);
    const recorded: StoreOrder[] = [];
    await importOrdersModifiedSince(api, new Date(0), async (o) => { recorded.push(o); }, async () => {});
    expect(recorded[0]).toMatchObject({ paid: true, total: { amount: 1250 } });
  });

  it('leaves out orders paid through another gateway (they are not Settle’s to reconcile), but counts them as read', async () => {
    const orders = [
      { ...order(1), payment_method: 'cod' }, // paid cash on delivery
      { ...order(2), payment_method: 'settle' }, // paid through Settle
      { ...order(3, 'pending'), payment_method: 'bacs' }, // not paid yet: the shopper may still pay through Settle
      order(4), // paid, gateway not named
    ];
    const api = { get: async () => ({ data: orders, headers: { 'x-wp-total': '4', 'x-wp-totalpages': '1' } }) } as unknown as WooCommerceRestApi;
    const recorded: string[] = [];
    const result = await importOrdersModifiedSince(api, new Date(0), async (o) => { recorded.push(o.id); }, async () => {});
    expect(recorded).toEqual(['2', '3', '4']);
    expect(result.ordersDone).toBe(4);
  });

  it('finishes with no orders as 0/0 after one page', async () => {
    const { api } = storeWith(0);
    const seen: ImportProgress[] = [];
    await importOrdersModifiedSince(api, new Date(0), async () => {}, async (p) => { seen.push(p); });
    expect(seen).toEqual([{ pagesDone: 1, pagesTotal: 1, ordersDone: 0, ordersTotal: 0 }]);
  });
});
