import type { StoreOrder } from '../../core/stores/store';
import { wooFailure, type WooCommerceRestApi } from './client';
import { storeOrderFrom, type WooOrder } from './mapping';

export interface ImportProgress {
  pagesDone: number;
  pagesTotal: number;
  ordersDone: number;
  ordersTotal: number;
}

/**
 * Pages through the orders modified after `since` (100 a page; X-WP-Total/X-WP-TotalPages give the size
 * up front so the merchant sees a real fraction), handing each to `record` and reporting after every page.
 * `record` must be idempotent (the snapshot upsert is): a job delivered twice re-records, never doubles.
 */
/** Paid, and not through Settle: WooCommerce names the gateway that took the money in `payment_method`. */
function paidElsewhere(o: WooOrder): boolean {
  const method = o.payment_method ?? '';
  return method !== '' && method !== 'settle' && storeOrderFrom(o).paid === true;
}

export async function importOrdersModifiedSince(
  api: WooCommerceRestApi,
  since: Date,
  record: (order: StoreOrder) => Promise<void>,
  progress: (p: ImportProgress) => Promise<void>,
): Promise<ImportProgress> {
  const after = since.toISOString();
  const done: ImportProgress = { pagesDone: 0, pagesTotal: 1, ordersDone: 0, ordersTotal: 0 };
  for (let page = 1; page <= done.pagesTotal; page++) {
    const r = await api.get('orders', { modified_after: after, per_page: 100, page, orderby: 'id', order: 'asc' })
      .catch((e: unknown) => Promise.reject(wooFailure(e, 'importing recent orders')));
    done.pagesTotal = Math.max(1, Number(r.headers?.['x-wp-totalpages'] ?? 1));
    done.ordersTotal = Number(r.headers?.['x-wp-total'] ?? done.ordersTotal);
    for (const o of r.data as WooOrder[]) {
      // An order already paid through another gateway (cash, PayPal…) is none of Settle's business:
      // recorded, it would stand in the exceptions as "paid without a payment". It still counts as read.
      if (!paidElsewhere(o)) await record(storeOrderFrom(o));
      done.ordersDone++;
    }
    done.pagesDone = page;
    await progress({ ...done });
  }
  return done;
}
