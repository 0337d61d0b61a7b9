import Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMerchant } from '../../core/merchants/merchants';
import { startSettleInProcess } from '../support/in-process';

const SECRET = 'whsec_test_walking_skeleton';
const stripe = new Stripe('sk_test_unused');

describe('Stripe webhook endpoint', () => {
  let settle: Awaited<ReturnType<typeof startSettleInProcess>>;
  let merchantId: string;
  const inboxCount = async () => (await settle.services.db.query<{ n: number }>('SELECT count(*)::int AS n FROM inbox'))[0]!.n;
  const waitingJobs = async () => (await settle.services.jobs.counts()).inbound!.waiting;
  const deliver = (body: string, signature?: string) =>
    fetch(`${settle.url}/webhooks/stripe/${merchantId}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', ...(signature ? { 'Stripe-Signature': signature } : {}) },
      body,
    });
  const event = (id: string) => JSON.stringify({ id, object: 'event', type: 'payment_intent.succeeded', data: { object: { id: 'pi_123', object: 'payment_intent' } } });
  const sign = (payload: string, timestamp?: number) => stripe.webhooks.generateTestHeaderString({ payload, secret: SECRET, timestamp });

  beforeAll(async () => {
    settle = await startSettleInProcess();
    merchantId = (await createMerchant(settle.services.db, 'Webhook Shop')).merchant.id;
    await settle.services.connections.save({
      merchantId, platform: 'stripe', settings: { publishableKey: 'pk_test_x', webhookEndpointId: 'we_1' }, secrets: { secretKey: 'sk_test_x', webhookSecret: SECRET },
    });
  });
  afterAll(() => settle.close());

  it('records a correctly signed event once and queues it once, however often it is delivered', async () => {
    const body = event('evt_once');
    const first = await deliver(body, sign(body));
    expect(first.status).toBe(200);
    expect(await first.json()).toEqual({ received: true, duplicate: false });
    const second = await deliver(body, sign(body));
    expect(await second.json()).toEqual({ received: true, duplicate: true });
    expect(await inboxCount()).toBe(1);
    expect(await waitingJobs()).toBe(1);
  });

  it.each([
    ['a wrong signature', (b: string) => stripe.webhooks.generateTestHeaderString({ payload: b, secret: 'whsec_someone_else' }), 400, 'invalid_signature'],
    ['a stale signature (10 minutes old)', (b: string) => sign(b, Math.floor(Date.now() / 1000) - 600), 400, 'signature_expired'],
    ['no signature', () => undefined, 400, 'missing_signature'],
  ])('refuses %s with a clear code and stores nothing', async (_name, signature, status, code) => {
    const before = await inboxCount();
    const body = event(`evt_${code}`);
    const response = await deliver(body, signature(body));
    expect(response.status).toBe(status);
    expect((await response.json()).error.code).toBe(code);
    expect(await inboxCount()).toBe(before);
  });

  it('refuses an oversized body with 413 and a malformed one with 400, storing nothing', async () => {
    const before = await inboxCount();
    const huge = JSON.stringify({ id: 'evt_huge', padding: 'x'.repeat(600 * 1024) });
    const big = await deliver(huge, sign(huge));
    expect(big.status).toBe(413);
    expect((await big.json()).error.code).toBe('body_too_large');
    const broken = '{"id": "evt_broken", ';
    const bad = await deliver(broken, sign(broken));
    expect(bad.status).toBe(400);
    expect((await bad.json()).error.code).toBe('malformed_event');
    expect(await inboxCount()).toBe(before);
  });

  it('takes a burst of deliveries at once: each event recorded and queued once, a concurrent redelivery answered as a duplicate', async () => {
    const rowsBefore = await inboxCount();
    const jobsBefore = await waitingJobs();
    const bodies = Array.from({ length: 20 }, (_, i) => event(`evt_burst_${i}`));
    const responses = await Promise.all([...bodies, bodies[0]!].map((b) => deliver(b, sign(b))));
    expect(responses.map((r) => r.status)).toEqual(responses.map(() => 200));
    const answers: { duplicate: boolean }[] = await Promise.all(responses.map((r) => r.json()));
    expect(answers.filter((a) => !a.duplicate)).toHaveLength(20);
    expect(await inboxCount()).toBe(rowsBefore + 20);
    expect(await waitingJobs()).toBe(jobsBefore! + 20);
  });

  it('accepts events signed with a new signing secret as soon as the merchant reconnects Stripe', async () => {
    const before = event('evt_before_reconnect');
    expect((await deliver(before, sign(before))).status).toBe(200); // the server now holds the old secret
    const connect = (webhookSecret: string) => settle.services.connections.save({
      merchantId, platform: 'stripe', settings: { publishableKey: 'pk_test_x', webhookEndpointId: 'we_2' }, secrets: { secretKey: 'sk_test_x', webhookSecret },
    });
    await connect('whsec_after_reconnect');
    const after = event('evt_after_reconnect');
    const response = await deliver(after, stripe.webhooks.generateTestHeaderString({ payload: after, secret: 'whsec_after_reconnect' }));
    await connect(SECRET);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ received: true, duplicate: false });
  });

  it('answers 404 for a webhook URL no merchant owns', async () => {
    const body = event('evt_nobody');
    const response = await fetch(`${settle.url}/webhooks/stripe/mer_AAAAAAAAAAAAAAAAAAAAAA`, { method: 'POST', headers: { 'Stripe-Signature': sign(body) }, body });
    expect(response.status).toBe(404);
    expect((await response.json()).error.code).toBe('unknown_merchant');
  });
});

describe('API errors', () => {
  let settle: Awaited<ReturnType<typeof startSettleInProcess>>;
  beforeAll(async () => (settle = await startSettleInProcess()));
  afterAll(() => settle.close());

  it('asks for credentials, names the bad field, and refuses malformed JSON', async () => {
    const anonymous = await fetch(`${settle.url}/api/checkouts`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{}' });
    expect(anonymous.status).toBe(401);
    expect((await anonymous.json()).error.code).toBe('unauthenticated');

    const { apiKey } = await (await fetch(`${settle.url}/api/merchants`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ name: 'API Shop' }) })).json();
    const auth = { Authorization: `Bearer ${apiKey}`, 'Content-Type': 'application/json' };
    const badField = await fetch(`${settle.url}/api/checkouts`, { method: 'POST', headers: auth, body: JSON.stringify({ storePlatform: 'woocommerce', orderId: 'DROP TABLE' }) });
    expect(badField.status).toBe(400);
    expect(await badField.json()).toEqual({ error: { code: 'invalid_request', message: expect.stringContaining('orderId') } });

    const malformed = await fetch(`${settle.url}/api/checkouts`, { method: 'POST', headers: auth, body: '{"orderId": ' });
    expect(malformed.status).toBe(400);
    expect((await malformed.json()).error.code).toBe('malformed_json');
    expect(await settle.services.db.query('SELECT id FROM payments')).toEqual([]);
  });

  it('reports health and readiness', async () => {
    expect((await fetch(`${settle.url}/healthz`)).status).toBe(200);
    const ready = await fetch(`${settle.url}/readyz`);
    expect(await ready.json()).toEqual({ status: 'ready', checks: { database: 'ok', redis: 'ok' } });
  });
});
