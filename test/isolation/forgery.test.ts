/**
 * Forgeries the other suites did not already try (see the list in each platform's tests): OAuth
 * states used at the wrong platform, replayed, expired or with a tampered signature; App Bridge
 * session tokens with no signature (alg none), naming another shop as issuer, naming no staff
 * member, or signed with the client id instead of the secret; a WooCommerce authorization replayed.
 * Each is refused and leaves the merchant's connections as they were.
 */
import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OAuthStates } from '../../core/merchants/oauth-states';
import { CLIENT_ID, sessionToken } from '../server/shopify-fake';
import { startTwoMerchants, type TwoMerchants } from './two-merchants';

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

describe('forged states, tokens and authorizations', () => {
  let world: TwoMerchants;
  let states: OAuthStates;
  const connections = async () => world.settle.services.db.query(`SELECT merchant_id, platform, settings, secrets FROM connections ORDER BY 1, 2`);
  const get = async (path: string, headers: Record<string, string> = {}) => {
    const res = await fetch(`${world.settle.url}${path}`, { redirect: 'manual', headers });
    return { status: res.status, text: await res.text() };
  };

  beforeAll(async () => {
    world = await startTwoMerchants();
    states = new OAuthStates(world.settle.services.db, world.settle.services.config.encryptionKey);
  }, 60_000);
  afterAll(() => world?.close());

  describe('OAuth state', () => {
    it("a state Settle issued for Stripe is refused at QuickBooks' callback, and the other way round", async () => {
      const before = await connections();
      const forStripe = await states.issue(world.a.id, 'stripe', 600);
      const forQuickBooks = await states.issue(world.a.id, 'quickbooks', 600);
      const qb = await get(`/quickbooks/callback?state=${forStripe}&code=x&realmId=${world.b.realmId}`);
      const stripe = await get(`/connect/stripe/callback?state=${forQuickBooks}&code=ac_x`);
      expect([qb.status, stripe.status]).toEqual([400, 400]);
      expect(qb.text + stripe.text).toMatch(/not from Settle[\s\S]*not from Settle/);
      expect(await connections()).toEqual(before);
    });

    it('a genuine state is good once: used again it is refused', async () => {
      const state = await states.issue(world.a.id, 'quickbooks', 600);
      const first = await get(`/quickbooks/callback?state=${state}&error=access_denied`);
      expect([first.status, first.text]).toEqual([400, expect.stringContaining('QuickBooks was not connected (access_denied)')]);
      const again = await get(`/quickbooks/callback?state=${state}&code=x&realmId=${world.b.realmId}`);
      expect([again.status, again.text]).toEqual([400, expect.stringContaining('already used')]);
    });

    it('an expired state, and one whose signature was tampered with, are refused', async () => {
      const before = await connections();
      const expired = await states.issue(world.a.id, 'quickbooks', -1);
      expect((await get(`/quickbooks/callback?state=${expired}&code=x&realmId=1`)).status).toBe(400);
      const [nonce, mac] = (await states.issue(world.a.id, 'stripe', 600)).split('.');
      const tampered = `${nonce}.${Buffer.from(Buffer.from(mac!, 'base64url').map((byte, i) => (i === 0 ? byte ^ 1 : byte))).toString('base64url')}`;
      expect((await get(`/connect/stripe/callback?state=${tampered}&code=ac_x`)).status).toBe(400);
      expect((await get(`/connect/stripe/callback?state=${nonce}&code=ac_x`)).status).toBe(400);
      expect(await connections()).toEqual(before);
    });
  });

  describe('Shopify session tokens', () => {
    const refusal = async (token: string) => {
      const res = await fetch(`${world.settle.url}/api/connections`, { headers: { Authorization: `Bearer ${token}` } });
      return [res.status, ((await res.json()) as { error?: { code: string } }).error?.code];
    };

    it("the genuine token speaks for the shop's merchant (so the refusals below are the forgeries')", async () => {
      const res = await fetch(`${world.settle.url}/api/payments`, { headers: { Authorization: `Bearer ${sessionToken(world.a.shop)}` } });
      expect(((await res.json()) as { merchant: { id: string } }).merchant.id).toBe(world.a.id);
    });

    it('refuses an unsigned token (alg none), one whose issuer is another shop, one naming nobody, one signed with the client id', async () => {
      const now = Math.floor(Date.now() / 1000);
      const claims = { iss: `https://${world.a.shop}/admin`, dest: `https://${world.a.shop}`, aud: CLIENT_ID, sub: '42', exp: now + 60, nbf: now - 1, iat: now - 1, jti: 'j', sid: 's' };
      const unsigned = `${b64({ alg: 'none', typ: 'JWT' })}.${b64(claims)}.`;
      const headerNone = `${b64({ alg: 'none', typ: 'JWT' })}.${b64(claims)}.${createHmac('sha256', 'x').update('y').digest('base64url')}`;
      const refused = [401, 'invalid_session_token'];
      expect(await refusal(unsigned)).toEqual([401, 'unauthenticated']);
      expect(await refusal(headerNone)).toEqual(refused);
      expect(await refusal(sessionToken(world.a.shop, { iss: `https://${world.b.shop}/admin` }))).toEqual(refused);
      expect(await refusal(sessionToken(world.a.shop, { sub: '' }))).toEqual(refused);
      expect(await refusal(sessionToken(world.a.shop, {}, CLIENT_ID))).toEqual(refused);
      expect(await refusal(sessionToken(world.a.shop, { aud: [CLIENT_ID, 'other'] as unknown as string, dest: `https://${world.b.shop}`, iss: `https://${world.b.shop}/admin` }, 'wrong'))).toEqual(refused);
    });
  });

  describe("WooCommerce's app authorization", () => {
    it('a genuine authorization is good once: the same user_id again is refused', async () => {
      const start = await fetch(`${world.settle.url}/connect/woocommerce?site=${encodeURIComponent(world.a.siteUrl)}`, { redirect: 'manual', headers: { Authorization: `Bearer ${world.a.apiKey}` } });
      expect(start.status).toBe(302);
      const authorize = new URL(start.headers.get('location')!);
      const callback = new URL(authorize.searchParams.get('callback_url')!);
      const keys = { key_id: 1, user_id: authorize.searchParams.get('user_id')!, consumer_key: 'ck_granted', consumer_secret: 'cs_granted', key_permissions: 'read_write' };
      const send = (body: object) => fetch(`${world.settle.url}${callback.pathname}${callback.search}`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
      expect((await send(keys)).status).toBe(200);
      const before = await connections();
      const replay = await send({ ...keys, consumer_key: 'ck_attacker', consumer_secret: 'cs_attacker' });
      expect([replay.status, ((await replay.json()) as { error: { code: string } }).error.code]).toEqual([409, 'already_used']);
      expect(await connections()).toEqual(before);
    });
  });
});
