/**
 * Shopify's settings: off when unset (its routes say so and nothing is stored), the client id and
 * secret only together, and a shop URL template that names {shop}.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../web/server/config';
import { startSettleInProcess } from '../support/in-process';
import { CLIENT_ID, CLIENT_SECRET, sessionToken } from './shopify-fake';

const base = { NODE_ENV: 'test', SETTLE_ENCRYPTION_KEY: randomBytes(32).toString('base64') };

describe('Shopify configuration', () => {
  it('needs the client id and secret together, and a shop URL template naming {shop}', () => {
    expect(() => loadConfig({ ...base, SHOPIFY_API_KEY: 'settle_client_id' })).toThrow(/SHOPIFY_API_KEY and SHOPIFY_API_SECRET go together/);
    expect(() => loadConfig({ ...base, SHOPIFY_SHOP_URL: 'http://127.0.0.1:9/shops/' })).toThrow(/SHOPIFY_SHOP_URL: must be a URL template containing \{shop\}/);
    const config = loadConfig({ ...base, SHOPIFY_API_KEY: 'settle_client_id', SHOPIFY_API_SECRET: 'shpss_secret' });
    expect(config.SHOPIFY_SHOP_URL).toBe('https://{shop}');
    expect(config.SHOPIFY_SCOPES.split(',')).toEqual(expect.arrayContaining(['read_orders', 'write_orders', 'write_payment_sessions']));
  });

  describe('when Shopify cannot be reached', () => {
    let settle: Awaited<ReturnType<typeof startSettleInProcess>>;
    beforeAll(async () => {
      settle = await startSettleInProcess({ SHOPIFY_API_KEY: CLIENT_ID, SHOPIFY_API_SECRET: CLIENT_SECRET, SHOPIFY_SHOP_URL: 'http://127.0.0.1:9/shops/{shop}' });
    });
    afterAll(() => settle?.close());

    it('answers the embedded admin 503 platform_unavailable (try again), storing nothing', async () => {
      const res = await fetch(`${settle.url}/api/connections`, { headers: { Authorization: `Bearer ${sessionToken('unreachable.myshopify.com')}` } });
      expect(res.status).toBe(503);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe('platform_unavailable');
      expect(await settle.services.db.query(`SELECT id FROM shopify_sessions`)).toEqual([]);
      expect(await settle.services.db.query(`SELECT merchant_id FROM connections WHERE platform = 'shopify'`)).toEqual([]);
    });
  });

  describe('when Shopify is not set up', () => {
    let settle: Awaited<ReturnType<typeof startSettleInProcess>>;
    beforeAll(async () => {
      settle = await startSettleInProcess();
    });
    afterAll(() => settle?.close());

    it('answers the install link and the webhook endpoint with 404 shopify_not_configured, storing nothing', async () => {
      const install = await fetch(`${settle.url}/shopify/install?shop=corner.myshopify.com`, { redirect: 'manual' });
      expect(install.status).toBe(404);
      expect(((await install.json()) as { error: { code: string } }).error.code).toBe('shopify_not_configured');
      const hook = await fetch(`${settle.url}/webhooks/shopify`, { method: 'POST', body: '{}', headers: { 'X-Shopify-Topic': 'orders/paid' } });
      expect(((await hook.json()) as { error: { code: string } }).error.code).toBe('shopify_not_configured');
      expect(await settle.services.db.query(`SELECT id FROM inbox WHERE platform = 'shopify'`)).toEqual([]);
    });
  });
});
