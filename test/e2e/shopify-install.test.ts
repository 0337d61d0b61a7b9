/**
 * The Shopify app end to end over HTTP, with Settle's server and its separate worker (as in
 * production): a shop installs through OAuth and becomes a merchant, the embedded admin's session
 * tokens reach that merchant's data, Shopify's webhooks are processed by the worker from the
 * 'shopify' queue (a privacy export appears in the admin's list), and after app/uninstalled the
 * admin is refused. Shopify itself is played by test/server/shopify-fake.ts until the sandbox lands.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '../support/settle-process';
import { startSettleStack, type SettleStack } from '../support/stack';
import { CLIENT_ID, CLIENT_SECRET, installThroughOAuth, sessionToken, startFakeShopify, webhookHeaders, type FakeShopify } from '../server/shopify-fake';

const SHOP = 'harbour-books.myshopify.com';

describe('Shopify app: install, embedded admin, webhooks through the worker, uninstall', { timeout: 90_000 }, () => {
  let shopify: FakeShopify;
  let stack: SettleStack;

  beforeAll(async () => {
    shopify = await startFakeShopify();
    stack = await startSettleStack({ env: { SHOPIFY_API_KEY: CLIENT_ID, SHOPIFY_API_SECRET: CLIENT_SECRET, SHOPIFY_SHOP_URL: `${shopify.url}/shops/{shop}` } });
  }, 120_000);
  afterAll(async () => {
    await stack?.stop();
    await shopify?.close();
  });

  const admin = (path: string) => fetch(`${stack.settleUrl}${path}`, { headers: { Authorization: `Bearer ${sessionToken(SHOP)}` } });
  const deliver = (topic: string, body: string, eventId: string) =>
    fetch(`${stack.settleUrl}/webhooks/shopify`, { method: 'POST', headers: webhookHeaders(SHOP, topic, body, eventId), body });
  const dataRequests = async () => ((await (await admin('/api/shopify/data-requests')).json()) as { dataRequests: { requestRef: string }[] }).dataRequests;

  it('installs through OAuth, and the embedded admin then sees the shop connected', async () => {
    const res = await installThroughOAuth(stack.settleUrl, shopify, SHOP);
    expect(res.status).toBe(302);
    const view = (await (await admin('/api/connections')).json()) as { connections: { platform: string; status: string }[] };
    expect(view.connections).toContainEqual(expect.objectContaining({ platform: 'shopify', status: 'active' }));
  });

  it("processes a customers/data_request in the worker, once, into an export the merchant's admin lists", async () => {
    const body = `{"shop_id":1,"shop_domain":"${SHOP}","customer":{"id":11,"email":"reader@example.com","phone":"555"},"orders_requested":[],"data_request":{"id":4242}}`;
    expect((await deliver('customers/data_request', body, 'e2e-dr-1')).status).toBe(200);
    expect(await (await deliver('customers/data_request', body, 'e2e-dr-1')).json()).toEqual({ received: true, duplicate: true });
    const listed = await eventually(dataRequests, (list) => list.length > 0);
    expect(listed.map((d) => d.requestRef)).toEqual(['4242']);
  });

  it('after app/uninstalled (processed by the worker), the embedded admin is refused', async () => {
    shopify.uninstalled.add(SHOP);
    expect((await deliver('app/uninstalled', `{"id":1,"name":"Harbour Books"}`, 'e2e-uninstall-1')).status).toBe(200);
    const refused = await eventually(() => admin('/api/connections'), (res) => res.status === 401);
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe('shopify_access_refused');
  });
});
