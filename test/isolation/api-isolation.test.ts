/**
 * Each merchant sees only their own data. An attacker holding merchant A's credentials (the API
 * key, an admin session cookie, a Shopify session token for A's shop, a store call signed with A's
 * connection secret) aims every API, page and webhook at merchant B's ids: each answer is a 404 (or
 * 401/403) that says nothing of B, and afterwards every table and queue is as it was. The same
 * reads with B's own key succeed, so the refusals are not an artefact of the fixture.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import Stripe from 'stripe';
import { createHmac } from 'node:crypto';
import { hmacHex } from '../../core/merchants/store-signatures';
import { sessionToken } from '../server/shopify-fake';
import { startTwoMerchants, type MerchantFixture, type TwoMerchants } from './two-merchants';

type Credential = { name: string; headers: (m: MerchantFixture) => Promise<Record<string, string>> };

interface Attack { method: 'GET' | 'POST'; path: (b: MerchantFixture) => string; body?: unknown }

/** Every route that takes one of a merchant's ids. */
const BY_ID: Attack[] = [
  { method: 'GET', path: (b) => `/api/payments/${b.paymentId}/refunds` },
  { method: 'POST', path: (b) => `/api/payments/${b.paymentId}/refunds`, body: { amount: 100, reason: 'attack' } },
  { method: 'POST', path: (b) => `/api/payments/${b.paymentId}/capture`, body: {} },
  { method: 'POST', path: (b) => `/api/payments/${b.paymentId}/cancel`, body: {} },
  { method: 'POST', path: (b) => `/api/payments/${b.paymentId}/dispute/evidence`, body: { explanation: 'mine now' } },
  { method: 'GET', path: (b) => `/api/payouts/${b.payoutId}` },
  { method: 'GET', path: (b) => `/api/payouts/${b.payoutId}/lines.csv` },
  { method: 'GET', path: (b) => `/api/customers/${b.customerId}` },
  { method: 'POST', path: (b) => `/api/customers/${b.customerId}/card-setups`, body: {} },
  { method: 'POST', path: (b) => `/api/customers/${b.customerId}/charges`, body: { cardId: 'card_x', storePlatform: 'woocommerce', orderId: '501' } },
  { method: 'POST', path: (b) => `/api/customers/${b.customerId}/subscriptions`, body: { cardId: 'card_x', amount: 500, currency: 'USD', interval: 'month', description: 'x' } },
  { method: 'GET', path: (b) => `/api/reconciliation/exceptions/${b.exceptionId}` },
  { method: 'POST', path: (b) => `/api/reconciliation/exceptions/${b.exceptionId}/retry` },
  { method: 'POST', path: (b) => `/api/reconciliation/exceptions/${b.exceptionId}/refetch` },
  { method: 'POST', path: (b) => `/api/reconciliation/exceptions/${b.exceptionId}/accept`, body: { note: 'accepted by someone else' } },
  { method: 'GET', path: (b) => `/api/payment-links/${b.linkId}` },
  { method: 'POST', path: (b) => `/api/payment-links/${b.linkId}/deactivate`, body: {} },
  { method: 'GET', path: (b) => `/api/reports/runs/${b.reportRunId}` },
  { method: 'GET', path: (b) => `/api/reports/runs/${b.reportRunId}?format=csv` },
  { method: 'GET', path: (b) => `/api/shopify/data-requests/${b.dataRequestId}` },
];

/** Lists and the merchant's own settings: A's answers must not mention anything of B's. */
const LISTS = [
  '/api/payments', '/api/ledger/entries', '/api/ledger/balances', '/api/payouts', '/api/customers', '/api/disputes',
  '/api/reconciliation/exceptions', '/api/reconciliation/exceptions?status=accepted', '/api/reconciliation/audit', '/api/reconciliation/sweep',
  '/api/payment-links', '/api/connections', '/api/connections/woocommerce/connection-secret', '/api/connections/woocommerce/webhooks',
  '/api/books/flags', '/api/shopify/data-requests', '/api/reports/daily-summary?from=2026-01-01&to=2026-01-31',
  '/api/reports/payout-reconciliation?from=2026-11-01&to=2026-11-30',
];

describe("an attacker with merchant A's credentials, against merchant B", () => {
  let world: TwoMerchants;
  let a: MerchantFixture;
  let b: MerchantFixture;
  let cookieA: string;

  const call = async (path: string, init: { method?: string; headers?: Record<string, string>; body?: unknown } = {}) => {
    const body = init.body === undefined ? undefined : JSON.stringify(init.body);
    const res = await fetch(`${world.settle.url}${path}`, {
      method: init.method ?? 'GET', redirect: 'manual',
      headers: { ...(body === undefined ? {} : { 'Content-Type': 'application/json' }), ...init.headers }, body,
    });
    return { status: res.status, text: await res.text() };
  };

  /** B's identifiers and secrets: none may appear in an answer given to A. */
  const secretsOf = (m: MerchantFixture) => [
    m.id, m.paymentId, m.refundId, m.payoutId, m.customerId, m.linkId, m.reportRunId, m.dataRequestId, m.shop, m.realmId, m.stripeAccount,
    m.connectionSecret, m.stripeWebhookSecret, m.wooWebhookSecret, m.siteUrl, 'Birch',
  ];
  const mentionsB = (text: string) => secretsOf(b).filter((s) => text.includes(s));

  const CREDENTIALS: Credential[] = [
    { name: 'API key', headers: async (m) => ({ Authorization: `Bearer ${m.apiKey}` }) },
    { name: 'admin session cookie', headers: async () => ({ Cookie: cookieA }) },
    { name: 'Shopify session token', headers: async (m) => ({ Authorization: `Bearer ${sessionToken(m.shop)}` }) },
  ];

  beforeAll(async () => {
    world = await startTwoMerchants();
    ({ a, b } = world);
    const link = JSON.parse((await call('/api/admin-links', { method: 'POST', headers: { Authorization: `Bearer ${a.apiKey}` }, body: {} })).text) as { url: string };
    const signIn = await fetch(`${world.settle.url}${new URL(link.url).pathname}${new URL(link.url).search}`, { redirect: 'manual' });
    cookieA = signIn.headers.getSetCookie()[0]!.split(';')[0]!;
  }, 60_000);
  afterAll(() => world?.close());

  it("B's own credentials read each of B's things (the fixture is sound)", async () => {
    for (const attack of BY_ID.filter((x) => x.method === 'GET' && !x.path(b).includes('format=csv'))) {
      const { status } = await call(attack.path(b), { headers: { Authorization: `Bearer ${b.apiKey}` } });
      expect([attack.path(b), status]).toEqual([attack.path(b), 200]);
    }
    const { text } = await call('/api/payments', { headers: { Authorization: `Bearer ${b.apiKey}` } });
    expect(text).toContain(b.paymentId);
  });

  for (const credential of CREDENTIALS) {
    it(`with A's ${credential.name}: every route taking B's ids answers 404 and changes nothing`, async () => {
      const headers = await credential.headers(a);
      const before = await world.snapshot();
      const answers: string[] = [];
      for (const attack of BY_ID) {
        const { status, text } = await call(attack.path(b), { method: attack.method, headers, body: attack.body });
        const code = (JSON.parse(text) as { error?: { code?: string } }).error?.code;
        // Echoing the id the caller sent tells them nothing new; anything else of B's would.
        const leaked = mentionsB(text).filter((s) => !attack.path(b).includes(s));
        answers.push(`${attack.method} ${attack.path(b)} → ${status} ${code}${leaked.length ? ` mentioning ${leaked.join(', ')}` : ''}`);
      }
      expect(answers.filter((line) => !/ → 404 [a-z_]+$/.test(line))).toEqual([]);
      expect(await world.snapshot()).toEqual(before);
    });

    it(`with A's ${credential.name}: no list or setting shows anything of B's`, async () => {
      const headers = await credential.headers(a);
      for (const path of LISTS) {
        const { status, text } = await call(path, { headers });
        expect([path, status, mentionsB(text)]).toEqual([path, 200, []]);
      }
    });
  }

  it("a store call signed with A's connection secret cannot act on B's payment", async () => {
    const body = JSON.stringify({ amount: 100, origin: 'store', storeRefundId: '77' });
    const t = Math.floor(Date.now() / 1000);
    const before = await world.snapshot();
    const res = await fetch(`${world.settle.url}/api/payments/${b.paymentId}/refunds`, {
      method: 'POST', body,
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${a.apiKey}`, 'X-Settle-Signature': `t=${t},v1=${hmacHex(a.connectionSecret, `${t}.${body}`)}` },
    });
    expect(res.status).toBe(404);
    // B's API key with A's signature: the signature does not match B's connection secret.
    const t2 = t + 1;
    const asB = await fetch(`${world.settle.url}/api/checkouts`, {
      method: 'POST', body: '{"storePlatform":"woocommerce","orderId":"9"}',
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${b.apiKey}`, 'X-Settle-Signature': `t=${t2},v1=${hmacHex(a.connectionSecret, `${t2}.{"storePlatform":"woocommerce","orderId":"9"}`)}` },
    });
    expect([asB.status, ((await asB.json()) as { error: { code: string } }).error.code]).toEqual([401, 'signature_invalid']);
    // A's genuine signature is now used up (a replay of it is refused); nothing else changed.
    const { used_store_signatures: usedAfter, ...after } = await world.snapshot();
    const { used_store_signatures: usedBefore, ...unchanged } = before;
    expect(after).toEqual(unchanged);
    expect([usedBefore?.split(':')[0], usedAfter?.split(':')[0]]).toEqual(['0', '1']);
  });

  it("a sign-in link for B's store signed with A's connection secret signs nobody in", async () => {
    const t = String(Math.floor(Date.now() / 1000));
    const res = await fetch(`${world.settle.url}/admin/sso?store=${b.id}&t=${t}&sig=${hmacHex(a.connectionSecret, `sso.${b.id}.${t}`)}`, { redirect: 'manual' });
    expect(res.status).toBe(401);
    expect(res.headers.get('set-cookie')).toBeNull();
  });

  it("webhooks signed with A's secrets are refused at B's endpoints, and nothing is recorded", async () => {
    const before = await world.snapshot();
    const event = JSON.stringify({ id: 'evt_cross', object: 'event', type: 'payment_intent.succeeded', data: { object: { id: `pi_birch-bikes`, object: 'payment_intent' } } });
    const stripe = await fetch(`${world.settle.url}/webhooks/stripe/${b.id}`, {
      method: 'POST', body: event,
      headers: { 'Content-Type': 'application/json', 'Stripe-Signature': Stripe.webhooks.generateTestHeaderString({ payload: event, secret: a.stripeWebhookSecret }) },
    });
    expect([stripe.status, ((await stripe.json()) as { error: { code: string } }).error.code]).toEqual([400, 'invalid_signature']);
    const order = JSON.stringify({ id: 501, status: 'refunded', date_modified_gmt: '2026-12-01T10:00:00' });
    const woo = await fetch(`${world.settle.url}/webhooks/woocommerce/${b.id}`, {
      method: 'POST', body: order,
      headers: { 'Content-Type': 'application/json', 'X-WC-Webhook-Topic': 'order.updated', 'X-WC-Webhook-Signature': createHmac('sha256', a.wooWebhookSecret).update(order).digest('base64') },
    });
    expect([woo.status, ((await woo.json()) as { error: { code: string } }).error.code]).toEqual([401, 'invalid_signature']);
    expect(await world.snapshot()).toEqual(before);
  });

  it("Shopify's calls for A's shop cannot reach B's payment session", async () => {
    const before = await world.snapshot();
    const res = await fetch(`${world.settle.url}/shopify/payments/refunds`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'Shopify-Shop-Domain': a.shop },
      body: JSON.stringify({ id: 'rs_cross', gid: 'gid://shopify/RefundSession/rs_cross', payment_id: b.shopifySessionId, amount: '10.00', currency: 'USD', test: true }),
    });
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(res.status).toBeLessThan(500);
    expect(await world.snapshot()).toEqual(before);
  });
});
