/**
 * Store changes reach the three-way match without the sweep re-reading the store: a WooCommerce
 * order webhook updates the store-order snapshot as it is recorded (once per change). The sweep
 * here re-reads no store orders (RECONCILIATION_STORE_READS=0), so only the webhook can tell it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '../support/settle-process';
import { startSettleStack, type SettleStack } from '../support/stack';
import { payAsShopper, placeOrder, signUpAndConnect, startCheckout, type ConnectedMerchant } from '../support/journey';

interface ExceptionView { id: number; kind: string; orderNumber: string | null; status: string; details: { storeTotal: number; paid: number } }
interface Sweep { id?: number; stage: string; startedAt?: string; outcome: { ordersReread: number } | null }
interface Delivery { topic: string; kind: string; success: boolean; request: { headers: Record<string, string>; body: string } }

describe('WooCommerce store changes update what the match reads', { timeout: 180_000 }, () => {
  let stack: SettleStack;
  let merchant: ConnectedMerchant;
  const api = async <T>(path: string, method = 'GET'): Promise<T> =>
    (await fetch(`${stack.settleUrl}${path}`, { method, headers: { Authorization: `Bearer ${merchant.apiKey}` } })).json() as Promise<T>;
  /** Open exceptions about the store's side (the books step may still be running: grace is 0 here). */
  const openExceptions = async () => (await api<{ exceptions: ExceptionView[] }>('/api/reconciliation/exceptions')).exceptions.filter((e) => !e.kind.startsWith('books_'));
  const deliveries = async (): Promise<Delivery[]> => (await fetch(`${stack.sandboxes.woo.url}_sandbox/webhook-deliveries`)).json() as Promise<Delivery[]>;
  const deliveryOf = async (orderId: number, modifiedAt: string) => (await eventually(deliveries, (ds) => ds.some((d) => isDelivery(d, orderId, modifiedAt)), 30_000))
    .find((d) => isDelivery(d, orderId, modifiedAt))!;
  const isDelivery = (d: Delivery, orderId: number, modifiedAt: string) => {
    if (d.kind !== 'delivery') return false; // a ping's body is a form, not JSON
    const body = JSON.parse(d.request.body) as { id?: number; date_modified_gmt?: string };
    return d.kind === 'delivery' && d.success && d.topic === 'order.updated' && body.id === orderId && body.date_modified_gmt === modifiedAt;
  };
  /** One match run, asked for through the API; answers when that run is done. */
  async function runMatch(): Promise<Sweep> {
    const before = JSON.stringify((await api<{ sweep: Sweep | null }>('/api/reconciliation/sweep')).sweep);
    await api('/api/reconciliation/sweep', 'POST');
    return (await eventually(() => api<{ sweep: Sweep | null }>('/api/reconciliation/sweep'),
      (r) => JSON.stringify(r.sweep) !== before && r.sweep?.stage === 'done', 60_000)).sweep!;
  }

  beforeAll(async () => {
    stack = await startSettleStack({
      env: { WOO_WEBHOOK_CHECK_MS: '2000', RECONCILIATION_STORE_READS: '0', RECONCILIATION_GRACE_MS: '0', RECONCILIATION_SWEEP_MS: '3600000' },
    });
    merchant = await signUpAndConnect(stack.settleUrl, stack.sandboxes, 'Edited Orders Emporium');
    const hookUrl = `${stack.settleUrl}/webhooks/woocommerce/${merchant.merchantId}`;
    await eventually(async () => (await merchant.woo.get('webhooks', { status: 'all' })).data as { name: string; status: string; delivery_url: string }[],
      (hs) => hs.filter((h) => h.name.startsWith('Settle ') && h.status === 'active' && h.delivery_url === hookUrl).length === 4, 60_000);
  }, 120_000);

  afterAll(async () => {
    await stack?.stop();
  });

  it('an order total edited in WooCommerce after a paid checkout is an amount mismatch after one match run, and a redelivered older change does not undo it', async () => {
    const product = (await merchant.woo.post('products', { name: 'Brass Lantern', regular_price: '40.00', manage_stock: true, stock_quantity: 10 })).data as { id: number };
    const order = await placeOrder(merchant.woo, { productId: product.id, quantity: 1 });
    const checkout = await startCheckout(stack.settleUrl, merchant.apiKey, order.id);
    expect(await payAsShopper(stack.settleUrl, checkout.payment.id)).toBe('succeeded');
    const paid = await eventually(async () => (await merchant.woo.get(`orders/${order.id}`)).data as { status: string; date_modified_gmt: string },
      (o) => o.status === 'processing', 60_000);
    const paidDelivery = await deliveryOf(order.id, paid.date_modified_gmt);
    expect((await runMatch()).outcome!.ordersReread).toBe(0);
    expect((await openExceptions()).filter((e) => e.orderNumber === order.number)).toEqual([]);

    // WooCommerce stamps changes to the second, and a change is known by that stamp: the edit comes in a
    // later second than the payment, as a person's would.
    await new Promise((r) => setTimeout(r, 1_100));
    // The merchant adds a fee to the paid order in the WooCommerce admin: the store now says 45.00.
    const edited = (await merchant.woo.put(`orders/${order.id}`, { fee_lines: [{ name: 'Gift wrap', total: '5.00' }] })).data as { total: string; date_modified_gmt: string };
    expect(edited.total).toBe('45.00');
    await deliveryOf(order.id, edited.date_modified_gmt);

    const sweep = await runMatch();
    expect(sweep.outcome!.ordersReread).toBe(0);
    const mismatch = (await openExceptions()).filter((e) => e.orderNumber === order.number);
    expect(mismatch.map((e) => [e.kind, e.details.paid, e.details.storeTotal])).toEqual([['amount_mismatch', 4000, 4500]]);

    // The paid change delivered again (WooCommerce gives it a new delivery id) changes nothing.
    const again = await fetch(`${stack.settleUrl}/webhooks/woocommerce/${merchant.merchantId}`, {
      method: 'POST', headers: { ...paidDelivery.request.headers, 'X-WC-Webhook-Delivery-ID': 'redelivered' }, body: paidDelivery.request.body,
    });
    expect(await again.json()).toEqual({ received: true, duplicate: true });
    await runMatch();
    const still = (await openExceptions()).filter((e) => e.orderNumber === order.number);
    expect(still.map((e) => [e.id, e.kind, e.details.storeTotal])).toEqual([[mismatch[0]!.id, 'amount_mismatch', 4500]]);
  });
});
