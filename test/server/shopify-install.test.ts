/**
 * Installing the Shopify app: OAuth with Shopify's HMAC, the state cookie and the timestamp checked
 * (a forged or mismatched callback stores nothing), the offline token sealed in the database, a new
 * shop made a merchant; App Bridge session tokens verified on /api calls (expired, wrong audience,
 * wrong signature, wrong shop → 401), and token exchange for a shop installed without Settle's pages.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSettleInProcess } from '../support/in-process';
import { PostgresShopifySessions } from '../../connectors/shopify/sessions';
import { shopAccess } from '../../connectors/shopify/shop-access';
import { shopifyApp } from '../../connectors/shopify/app';
import {
  beginInstall as beginInstallAt, callbackQuery as queryFromConsent, CLIENT_ID, CLIENT_SECRET, installCallback, sessionToken, signQuery, startFakeShopify,
  type FakeShopify,
} from './shopify-fake';

describe('Shopify app install and session tokens', () => {
  let shopify: FakeShopify;
  let settle: Awaited<ReturnType<typeof startSettleInProcess>>;

  beforeAll(async () => {
    shopify = await startFakeShopify();
    settle = await startSettleInProcess({
      SHOPIFY_API_KEY: CLIENT_ID, SHOPIFY_API_SECRET: CLIENT_SECRET, SHOPIFY_SHOP_URL: `${shopify.url}/shops/{shop}`,
    });
  });
  afterAll(async () => {
    await settle?.close();
    await shopify?.close();
  });

  const sessionRows = (shop: string) =>
    settle.services.db.query<{ id: string; sealed: string }>('SELECT id, sealed FROM shopify_sessions WHERE shop = $1', [shop]);
  const shopConnection = async (shop: string) =>
    (await settle.services.db.query<{ merchant_id: string; status: string }>(
      `SELECT merchant_id, settings->>'status' AS status FROM connections WHERE platform = 'shopify' AND settings->>'shop' = $1`, [shop],
    ))[0];

  const beginInstall = (shop: string) => beginInstallAt(settle.url, shop);
  const callback = (query: URLSearchParams, cookie: string) => installCallback(settle.url, query, cookie);
  const callbackQuery = (shop: string, state: string, extra: Record<string, string> = {}) => queryFromConsent(shopify, shop, state, extra);

  it("sends the merchant to the shop's own consent page, through the configured shop URL", async () => {
    const { consent, cookie } = await beginInstall('corner-lamps.myshopify.com');
    expect(`${consent.origin}${consent.pathname}`).toBe(`${shopify.url}/shops/corner-lamps.myshopify.com/admin/oauth/authorize`);
    expect(consent.searchParams.get('client_id')).toBe(CLIENT_ID);
    expect(consent.searchParams.get('redirect_uri')).toMatch(/\/shopify\/callback$/);
    expect(cookie).toContain('shopify_app_state=');
  });

  it('refuses an install link for something that is not a shop', async () => {
    await expect(beginInstall('evil.example.com')).rejects.toThrow(/answered 400/);
  });

  it('installs: the offline token is stored sealed, and the new shop is a merchant of its own', async () => {
    const shop = 'corner-lamps.myshopify.com';
    const { cookie, state } = await beginInstall(shop);
    const res = await callback(signQuery(callbackQuery(shop, state)), cookie);
    expect(res.status).toBe(302);
    expect(res.headers.get('location')).toBe(`${shopify.url}/shops/${shop}/admin/apps/${CLIENT_ID}`);

    const token = shopify.granted.get(shop)!.at(-1)!;
    const rows = await sessionRows(shop);
    expect(rows.map((r) => r.id)).toEqual([`offline_${shop}`]);
    expect(rows[0]!.sealed).toMatch(/^v1\./);
    expect(rows[0]!.sealed).not.toContain(token);
    expect(rows[0]!.sealed).not.toContain(token.slice(6));
    const connection = await shopConnection(shop);
    expect(connection?.status).toBe('active');
    const merchant = await settle.services.db.query<{ name: string }>('SELECT name FROM merchants WHERE id = $1', [connection!.merchant_id]);
    expect(merchant[0]!.name).toBe('corner-lamps');
  });

  it("reaches the shop's Admin API through SHOPIFY_SHOP_URL with the library's own client and the stored token", async () => {
    const shop = 'corner-lamps.myshopify.com';
    const merchantId = (await shopConnection(shop))!.merchant_id;
    const { session } = await shopAccess(settle.services, merchantId);
    const client = new (shopifyApp(settle.services.config)!.clients.Graphql)({ session });
    const answer = await client.request<{ shop: { name: string } }>('{ shop { name } }');
    expect(answer.data?.shop.name).toBe('corner-lamps');
  });

  it('refuses a callback whose HMAC is forged, and stores nothing', async () => {
    const shop = 'forged-hmac.myshopify.com';
    const { cookie, state } = await beginInstall(shop);
    const forged = signQuery(callbackQuery(shop, state), 'not-the-app-secret');
    const res = await callback(forged, cookie);
    expect(res.status).toBe(401);
    expect(await res.text()).toMatch(/not from Shopify/);
    expect(await sessionRows(shop)).toEqual([]);
    expect(await shopConnection(shop)).toBeUndefined();
  });

  it('refuses a genuine callback whose state is not the one this browser was given', async () => {
    const shop = 'state-mismatch.myshopify.com';
    const { cookie } = await beginInstall(shop);
    const { state: otherState } = await beginInstall(shop);
    const res = await callback(signQuery(callbackQuery(shop, otherState)), cookie);
    expect(res.status).toBe(401);
    expect(await sessionRows(shop)).toEqual([]);
  });

  it('refuses a callback without the state cookie, and one signed long ago', async () => {
    const shop = 'stale-callback.myshopify.com';
    const { cookie, state } = await beginInstall(shop);
    expect((await callback(signQuery(callbackQuery(shop, state)), '')).status).toBe(400);
    const old = signQuery(callbackQuery(shop, state, { timestamp: String(Math.floor(Date.now() / 1000) - 3600) }));
    expect((await callback(old, cookie)).status).toBe(401);
    expect(await sessionRows(shop)).toEqual([]);
  });

  it("keeps the expiring token's refresh token, and renews the token before it runs out", async () => {
    const shop = 'corner-lamps.myshopify.com';
    const sessions = new PostgresShopifySessions(settle.services.db, settle.services.box);
    const installed = (await sessions.loadSession(`offline_${shop}`))!;
    expect(installed.refreshToken).toMatch(/^shprt_/);
    expect(installed.expires!.getTime()).toBeGreaterThan(Date.now() + 50 * 60_000);
    const merchantId = (await shopConnection(shop))!.merchant_id;
    expect((await shopAccess(settle.services, merchantId)).session.accessToken).toBe(installed.accessToken);

    // Two minutes left: the next call renews it first, once, and keeps the new refresh token.
    installed.expires = new Date(Date.now() + 2 * 60_000);
    await sessions.storeSession(installed);
    const [a, b] = await Promise.all([shopAccess(settle.services, merchantId), shopAccess(settle.services, merchantId)]);
    expect(a.session.accessToken).toBe(shopify.granted.get(shop)!.at(-1));
    expect(b.session.accessToken).toBe(a.session.accessToken);
    expect(a.session.accessToken).not.toBe(installed.accessToken);
    const renewed = (await sessions.loadSession(`offline_${shop}`))!;
    expect(renewed.accessToken).toBe(a.session.accessToken);
    expect(renewed.refreshToken).not.toBe(installed.refreshToken);

    // A refresh token Shopify no longer honours: the merchant must open Settle in Shopify admin.
    renewed.expires = new Date(Date.now() - 1000);
    renewed.refreshToken = 'shprt_revoked';
    await sessions.storeSession(renewed);
    await expect(shopAccess(settle.services, merchantId)).rejects.toMatchObject({ code: 'shopify_reauthorize', status: 409 });
  });

  describe('session tokens from the embedded admin', () => {
    const shop = 'corner-lamps.myshopify.com';
    const api = (token: string, path = '/api/connections') => fetch(`${settle.url}${path}`, { headers: { Authorization: `Bearer ${token}` } });
    const refusal = async (res: Response) => ({ status: res.status, code: ((await res.json()) as { error: { code: string } }).error.code });

    it("speaks for the shop's merchant", async () => {
      const res = await api(sessionToken(shop));
      expect(res.status).toBe(200);
      const body = (await res.json()) as { connections: { platform: string; status: string; settings: { shop: string } }[] };
      expect(body.connections.find((c) => c.platform === 'shopify')).toMatchObject({ status: 'active', settings: { shop } });
    });

    it('refuses an expired token, another app\'s token, a wrong signature and a token naming another shop', async () => {
      const now = Math.floor(Date.now() / 1000);
      const refused = { status: 401, code: 'invalid_session_token' };
      expect(await refusal(await api(sessionToken(shop, { exp: now - 120, nbf: now - 180, iat: now - 180 })))).toEqual(refused);
      expect(await refusal(await api(sessionToken(shop, { aud: 'another_app' })))).toEqual(refused);
      expect(await refusal(await api(sessionToken(shop, {}, 'someone-elses-secret')))).toEqual(refused);
      expect(await refusal(await api(sessionToken(shop, { dest: 'https://other-shop.myshopify.com' })))).toEqual(refused);
      expect(await refusal(await api(sessionToken(shop, { nbf: now + 600 })))).toEqual(refused);
    });

    it('gets the offline token by token exchange for a shop installed through Shopify (no OAuth pages)', async () => {
      const managed = 'managed-install.myshopify.com';
      expect(await sessionRows(managed)).toEqual([]);
      const res = await api(sessionToken(managed));
      expect(res.status).toBe(200);
      const rows = await sessionRows(managed);
      expect(rows.map((r) => r.id)).toEqual([`offline_${managed}`]);
      expect(rows[0]!.sealed).not.toContain(shopify.granted.get(managed)![0]!);
      expect((await shopConnection(managed))?.status).toBe('active');
      // The next call uses the stored token: no second exchange.
      expect((await api(sessionToken(managed))).status).toBe(200);
      expect(shopify.granted.get(managed)).toHaveLength(1);
    });
  });
});
