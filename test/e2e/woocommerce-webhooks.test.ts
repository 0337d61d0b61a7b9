/**
 * WooCommerce webhooks into Settle, end to end: Settle's scheduled check creates its webhooks in the
 * store; deliveries are verified by X-WC-Webhook-Signature and recorded once per change (the
 * delivery id is new on every delivery); a webhook WooCommerce disabled after failed deliveries is
 * noticed by the schedule, re-enabled, and the order paid while it was down is back-filled.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '../support/settle-process';
import { startSettleStack, type SettleStack } from '../support/stack';
import { placeOrder, signUpAndConnect, type ConnectedMerchant } from '../support/journey';

interface Status {
  lastCheck: { checkedAt: string; repaired: number; backfilled: number } | null;
  changes: { resource: string; resourceId: number; modifiedAt: string; topic: string; source: string; status: string | null }[];
}
interface Delivery { webhook_id: number; topic: string; kind: string; success: boolean; webhook_status: string; request: { headers: Record<string, string>; body: string } }
interface Hook { id: number; name: string; status: string; topic: string; delivery_url: string }

// The check runs every 10 s: the disabled-webhook test breaks a webhook right after one check and
// needs its seven failed deliveries done before the next, even on a loaded machine.
describe('WooCommerce webhooks: signatures, one change once, and a disabled webhook repaired', { timeout: 120_000 }, () => {
  let stack: SettleStack;
  let merchant: ConnectedMerchant;
  let productId: number;
  let hookUrl: string;

  const status = async (): Promise<Status> => {
    const r = await fetch(`${stack.settleUrl}/api/connections/woocommerce/webhooks`, { headers: { Authorization: `Bearer ${merchant.apiKey}` } });
    expect(r.status).toBe(200);
    return (await r.json()) as Status;
  };
  const deliveries = async (): Promise<Delivery[]> => (await fetch(`${stack.sandboxes.woo.url}_sandbox/webhook-deliveries`)).json() as Promise<Delivery[]>;
  const hooks = async (): Promise<Hook[]> => (await merchant.woo.get('webhooks', { status: 'all' })).data as Hook[];
  const deliver = (headers: Record<string, string>, body: string) => fetch(hookUrl, { method: 'POST', headers, body });
  const changesOf = (s: Status, orderId: number) => s.changes.filter((c) => c.resource === 'order' && c.resourceId === orderId);

  beforeAll(async () => {
    stack = await startSettleStack({ env: { WOO_WEBHOOK_CHECK_MS: '10000' } });
    merchant = await signUpAndConnect(stack.settleUrl, stack.sandboxes, 'Hookshot Hardware');
    hookUrl = `${stack.settleUrl}/webhooks/woocommerce/${merchant.merchantId}`;
    const product = await merchant.woo.post('products', { name: 'Claw Hammer', regular_price: '25.00', manage_stock: true, stock_quantity: 50 });
    productId = product.data.id;
    // The first scheduled check creates Settle's webhooks in the store.
    await eventually(hooks, (hs) => hs.filter((h) => h.name.startsWith('Settle ') && h.status === 'active' && h.delivery_url === hookUrl).length === 4);
  }, 120_000);

  afterAll(async () => {
    await stack?.stop();
  });

  it('records an order change WooCommerce delivers, and a second delivery of it (new delivery id) is not processed again', async () => {
    const order = await placeOrder(merchant.woo, { productId, quantity: 1 });
    const delivered = await eventually(deliveries, (ds) => ds.some((d) => d.kind === 'delivery' && d.topic === 'order.created' && d.success && JSON.parse(d.request.body).id === order.id));
    const original = delivered.find((d) => d.kind === 'delivery' && d.topic === 'order.created' && JSON.parse(d.request.body).id === order.id)!;
    expect(changesOf(await status(), order.id)).toHaveLength(1);

    for (const deliveryId of ['redelivery-1', 'redelivery-2']) {
      const again = await deliver({ ...original.request.headers, 'X-WC-Webhook-Delivery-ID': deliveryId }, original.request.body);
      expect(again.status).toBe(200);
      expect(await again.json()).toEqual({ received: true, duplicate: true });
    }
    expect(changesOf(await status(), order.id)).toHaveLength(1);
  });

  it('refuses a delivery whose signature does not match (401) and records nothing', async () => {
    const order = await placeOrder(merchant.woo, { productId, quantity: 2 });
    const delivered = await eventually(deliveries, (ds) => ds.some((d) => d.kind === 'delivery' && d.success && JSON.parse(d.request.body).id === order.id));
    const original = delivered.find((d) => d.kind === 'delivery' && d.success && JSON.parse(d.request.body).id === order.id)!;
    const forged = JSON.stringify({ ...JSON.parse(original.request.body), status: 'completed', date_modified_gmt: '2030-01-01T00:00:00' });

    const withOldSignature = await deliver(original.request.headers, forged);
    expect(withOldSignature.status).toBe(401);
    expect((await withOldSignature.json()).error.code).toBe('invalid_signature');
    const { 'X-WC-Webhook-Signature': _dropped, ...unsigned } = original.request.headers;
    expect((await deliver(unsigned, forged)).status).toBe(401);

    const elsewhere = await fetch(`${stack.settleUrl}/webhooks/woocommerce/mer_${'x'.repeat(22)}`, { method: 'POST', headers: original.request.headers, body: original.request.body });
    expect(elsewhere.status).toBe(404);

    const seen = changesOf(await status(), order.id);
    expect(seen).toHaveLength(1);
    expect(seen[0]!.status).toBe('pending');
  });

  it('a webhook WooCommerce disabled is noticed by the scheduled check, re-enabled, and the order paid meanwhile is back-filled', async () => {
    const unpaid = await placeOrder(merchant.woo, { productId, quantity: 1 });
    await eventually(status, (s) => changesOf(s, unpaid.id).length === 1);
    const updatedHook = (await hooks()).find((h) => h.name === 'Settle order.updated')!;
    const productHook = (await hooks()).find((h) => h.name === 'Settle product.updated')!;

    // Right after a check, the store's deliveries start failing (the site points the webhook at a
    // dead address, as a broken proxy would) until WooCommerce disables the webhook.
    const before = (await status()).lastCheck!.checkedAt;
    await eventually(status, (s) => s.lastCheck!.checkedAt !== before, 30_000);
    await merchant.woo.put(`webhooks/${updatedHook.id}`, { delivery_url: 'http://127.0.0.1:9/unreachable' });
    // WooCommerce counts failures and disables the webhook at the one after the fifth (7 in all).
    for (let i = 0; i < 7; i++) {
      await merchant.woo.put(`orders/${unpaid.id}`, { customer_note: `Leave at the back door (${i})` });
      await eventually(deliveries, (ds) => ds.filter((d) => d.webhook_id === updatedHook.id && !d.success).length > i, 5_000);
    }
    const afterFailures = await deliveries();
    expect(afterFailures.filter((d) => d.webhook_id === updatedHook.id).at(-1)!.webhook_status).toBe('disabled');

    // Someone also deleted one of Settle's webhooks in the WooCommerce admin.
    await merchant.woo.delete(`webhooks/${productHook.id}`, { force: true });

    // While the webhook is disabled the order is paid in the store: nothing is delivered for it.
    const paid = await merchant.woo.put(`orders/${unpaid.id}`, { set_paid: true, transaction_id: 'cash-at-counter' });
    expect(paid.data.status).toBe('processing');
    expect(changesOf(await status(), unpaid.id).some((c) => c.status === 'processing')).toBe(false);

    // The scheduled check re-enables the webhook, pointed at Settle again, and back-fills the payment.
    await eventually(hooks, (hs) => hs.some((h) => h.id === updatedHook.id && h.status === 'active' && h.delivery_url === hookUrl), 40_000);
    await eventually(hooks, (hs) => hs.some((h) => h.name === 'Settle product.updated' && h.id !== productHook.id && h.status === 'active'), 40_000);
    const healed = await eventually(status, (s) => changesOf(s, unpaid.id).some((c) => c.status === 'processing'), 40_000);
    const backfilled = changesOf(healed, unpaid.id).find((c) => c.status === 'processing')!;
    expect(backfilled.source).toBe('backfill');
    expect(backfilled.modifiedAt).toBe(paid.data.date_modified_gmt);

    // Once repaired, deliveries reach Settle again.
    await merchant.woo.put(`orders/${unpaid.id}`, { status: 'completed' });
    await eventually(status, (s) => changesOf(s, unpaid.id).some((c) => c.status === 'completed' && c.source === 'webhook'));
  });

  it('after the store is reconnected (its secrets replaced), the next check gives the webhooks a new secret and deliveries verify again', async () => {
    const keys = await (await fetch(`${stack.sandboxes.woo.url}_sandbox/api-keys`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{"permissions":"read_write"}' })).json() as { consumer_key: string; consumer_secret: string };
    const reconnect = await fetch(`${stack.settleUrl}/api/connections/woocommerce`, {
      method: 'PUT', headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${merchant.apiKey}` },
      body: JSON.stringify({ siteUrl: stack.sandboxes.woo.url, consumerKey: keys.consumer_key, consumerSecret: keys.consumer_secret }),
    });
    expect(reconnect.status).toBe(200);
    // Two checks later, one of them began after the reconnection.
    const first = (await status()).lastCheck!.checkedAt;
    const second = (await eventually(status, (s) => s.lastCheck!.checkedAt !== first, 30_000)).lastCheck!.checkedAt;
    await eventually(status, (s) => s.lastCheck!.checkedAt !== second, 30_000);

    const order = await placeOrder(merchant.woo, { productId, quantity: 3 });
    await eventually(status, (s) => changesOf(s, order.id).some((c) => c.source === 'webhook'), 30_000);
  });
});
