/**
 * The bookkeeper's review queue over HTTP, and the QuickBooks side of it: a sale of a given amount
 * (WooCommerce order, paid on Settle's page), the bookkeeper's calls, and editing a document in
 * QuickBooks itself (as the bookkeeper would, between Settle's post and its undo).
 */
import { payAsShopper, placeOrder, readBooks, startCheckout, type ConnectedMerchant, type Sandboxes } from './journey';

export async function api<T = Record<string, unknown>>(settleUrl: string, apiKey: string, path: string, init: { method?: string; body?: unknown } = {}) {
  const response = await fetch(`${settleUrl}${path}`, {
    method: init.method ?? (init.body === undefined ? 'GET' : 'POST'),
    headers: { Authorization: `Bearer ${apiKey}`, ...(init.body === undefined ? {} : { 'Content-Type': 'application/json' }) },
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  });
  return { status: response.status, body: (await response.json()) as T };
}

/** A shopper buys one product at `price` ("100.00") and pays; answers the order number. */
export async function saleOf(settleUrl: string, m: ConnectedMerchant, price: string, name = `Lamp ${price}`): Promise<number> {
  const product = (await m.woo.post('products', { name, regular_price: price, manage_stock: true, stock_quantity: 5 })).data as { id: number };
  const order = await placeOrder(m.woo, { productId: product.id, quantity: 1 });
  const checkout = await startCheckout(settleUrl, m.apiKey, order.id);
  const status = await payAsShopper(settleUrl, checkout.payment.id);
  if (status !== 'succeeded') throw new Error(`the shopper's payment ended ${status}`);
  return order.id;
}

export interface Receipt { Id: string; SyncToken: string; TotalAmt: number; PrivateNote?: string }

export const salesReceipts = async (sandboxes: Sandboxes, realmId: string) =>
  ((await readBooks(sandboxes, realmId)).documents.SalesReceipt ?? []) as unknown as Receipt[];

/** The bookkeeper changes a document's note in QuickBooks: its SyncToken moves on. */
export async function editInQuickBooks(sandboxes: Sandboxes, m: ConnectedMerchant, entity: string, document: { Id: string; SyncToken: string }, note: string) {
  const response = await fetch(`${sandboxes.quickbooks.apiBaseUrl}${m.realmId}/${entity.toLowerCase()}?operation=update&minorversion=75`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${m.quickBooksAccessToken}`, 'Content-Type': 'application/json', Accept: 'application/json' },
    body: JSON.stringify({ Id: document.Id, SyncToken: document.SyncToken, sparse: true, PrivateNote: note }),
  });
  if (!response.ok) throw new Error(`QuickBooks refused the bookkeeper's edit: ${response.status} ${await response.text()}`);
  return ((await response.json()) as Record<string, { SyncToken: string }>)[entity]!;
}
