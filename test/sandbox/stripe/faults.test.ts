// The switches that make the sandbox misbehave as Stripe does on a bad day: each one refuses,
// loses an answer or reorders deliveries the way the real API and its webhooks can.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import Stripe from 'stripe';
import { startStripeSandbox, type StripeSandbox } from './index';
import { sdk, startReceiver, type Receiver } from './test-helpers';
import { NO_FAULTS } from './store';
import { LIVE_RETRY_SCHEDULE_S } from './webhooks';

let sandbox: StripeSandbox;
let receiver: Receiver;
beforeAll(async () => {
  sandbox = await startStripeSandbox({ webhookRetryDelaysMs: [20] });
  receiver = await startReceiver();
});
afterEach(() => {
  sandbox.setSwitches({ ...NO_FAULTS });
  receiver.statusFor = () => 200;
});
afterAll(async () => {
  await sandbox?.close();
  await receiver?.close();
});

/** An SDK client as Settle configures it (retries on), or with retries off to see each answer. */
const client = (key: string, retries: number, extra: Partial<Stripe.StripeConfig> = {}) =>
  new Stripe(key, { host: '127.0.0.1', port: sandbox.port, protocol: 'http', maxNetworkRetries: retries, ...extra });

async function caught(p: Promise<unknown>): Promise<Stripe.errors.StripeError> {
  try {
    await p;
  } catch (e) {
    return e as Stripe.errors.StripeError;
  }
  throw new Error('expected the call to fail');
}

const createIntent = (stripe: Stripe, key?: string) =>
  stripe.paymentIntents.create({ amount: 1500, currency: 'usd', metadata: { order_id: 'o-faults' } }, key ? { idempotencyKey: key } : {});

const setSwitches = (body: unknown) =>
  fetch(`${sandbox.url}/_sandbox/switches`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

describe('fail_with_500', () => {
  it('before the work: a 500 api_error, nothing created; the SDK retry with the same key creates it once', async () => {
    const keys = sandbox.createAccount();
    sandbox.setSwitches({ fail_with_500: { count: 1 } });
    const err = await caught(createIntent(client(keys.secret_key, 0)));
    expect(err).toBeInstanceOf(Stripe.errors.StripeAPIError);
    expect(err.statusCode).toBe(500);
    expect(err.raw).toMatchObject({ type: 'api_error' });
    const stripe = sdk(sandbox, keys.secret_key);
    expect((await stripe.paymentIntents.list()).data).toHaveLength(0);

    sandbox.setSwitches({ fail_with_500: { count: 1 } });
    const pi = await createIntent(client(keys.secret_key, 2), 'order-1');
    expect(pi.status).toBe('requires_payment_method');
    expect((await stripe.paymentIntents.list()).data.map((p) => p.id)).toEqual([pi.id]);
    expect(sandbox.setSwitches({}).fail_with_500).toBeNull(); // a count switches itself off
  });

  it('after the work (outcome unknown): the object exists, the key replays the 500, the SDK is told not to retry', async () => {
    const keys = sandbox.createAccount();
    const stripe = sdk(sandbox, keys.secret_key);
    sandbox.setSwitches({ fail_with_500: { count: 1, after_apply: true } });
    const err = await caught(createIntent(client(keys.secret_key, 2), 'order-2'));
    expect(err.statusCode).toBe(500);
    expect(err.headers?.['stripe-should-retry']).toBe('false');
    const made = (await stripe.paymentIntents.list()).data;
    expect(made).toHaveLength(1);
    expect(made[0]!.metadata).toEqual({ order_id: 'o-faults' });

    // Stripe documents that the same key returns the saved result, 500 included: no second object.
    const replay = await fetch(`${sandbox.url}/v1/payment_intents`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${keys.secret_key}`, 'Idempotency-Key': 'order-2', 'Content-Type': 'application/x-www-form-urlencoded' },
      body: 'amount=1500&currency=usd&metadata[order_id]=o-faults',
    });
    expect(replay.status).toBe(500);
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    expect((await stripe.paymentIntents.list()).data).toHaveLength(1);
  });

  it('a ratio on one endpoint: only matching requests fail, until switched off', async () => {
    const keys = sandbox.createAccount();
    const stripe = sdk(sandbox, keys.secret_key);
    const pi = await stripe.paymentIntents.create({ amount: 900, currency: 'usd', payment_method: 'pm_card_visa', confirm: true });
    sandbox.setSwitches({ fail_with_500: { ratio: 1, match: 'POST /v1/refunds' } });
    expect((await stripe.paymentIntents.retrieve(pi.id)).status).toBe('succeeded');
    expect((await caught(stripe.refunds.create({ payment_intent: pi.id }))).statusCode).toBe(500);
    expect((await caught(stripe.refunds.create({ payment_intent: pi.id }))).statusCode).toBe(500);
    expect((await stripe.refunds.list({ payment_intent: pi.id })).data).toHaveLength(0);
    sandbox.setSwitches({ fail_with_500: null });
    expect((await stripe.refunds.create({ payment_intent: pi.id })).status).toBe('succeeded');
  });
});

describe('throttle_429', () => {
  it("answers 429 rate_limit with Stripe's header, runs nothing; the SDK raises StripeRateLimitError", async () => {
    const keys = sandbox.createAccount();
    sandbox.setSwitches({ throttle_429: { count: 2 } });
    const raw = await fetch(`${sandbox.url}/v1/payment_intents`, { headers: { Authorization: `Bearer ${keys.secret_key}` } });
    expect(raw.status).toBe(429);
    expect(raw.headers.get('stripe-rate-limited-reason')).toBe('global-rate');
    expect(raw.headers.get('retry-after')).toBeNull();
    expect(await raw.json()).toMatchObject({ error: { type: 'invalid_request_error', code: 'rate_limit' } });
    // The SDK does not retry a 429 (no Stripe-Should-Retry): it reaches the caller.
    const err = await caught(createIntent(client(keys.secret_key, 2), 'order-3'));
    expect(err).toBeInstanceOf(Stripe.errors.StripeRateLimitError);
    expect((await sdk(sandbox, keys.secret_key).paymentIntents.list()).data).toHaveLength(0);
    // Nothing was saved under the key: once the storm passes the same key creates the payment.
    expect((await createIntent(client(keys.secret_key, 0), 'order-3')).object).toBe('payment_intent');
  });

  it('cannot be "after the work", and switches are checked', async () => {
    expect((await setSwitches({ throttle_429: { count: 1, after_apply: true } })).status).toBe(400);
    expect((await setSwitches({ fail_with_500: { count: 0 } })).status).toBe(400);
    expect((await setSwitches({ fail_with_500: { ratio: 2 } })).status).toBe(400);
    expect((await setSwitches({ explode: true })).status).toBe(400);
    expect((await setSwitches({ delay_ms: -5 })).status).toBe(400);
    const ok = await setSwitches({ throttle_429: { ratio: 0.5, match: 'GET /v1/events' } });
    expect(await ok.json()).toMatchObject({ throttle_429: { ratio: 0.5, match: 'GET /v1/events' } });
  });
});

describe('drop_connection', () => {
  it('cuts the connection with no answer', async () => {
    const keys = sandbox.createAccount();
    sandbox.setSwitches({ drop_connection: { count: 1 } });
    await expect(fetch(`${sandbox.url}/v1/payment_intents`, { headers: { Authorization: `Bearer ${keys.secret_key}` } })).rejects.toThrow();
  });

  it('after the work: the SDK retries the closed connection with its key and gets the one object back', async () => {
    const keys = sandbox.createAccount();
    sandbox.setSwitches({ drop_connection: { count: 1, after_apply: true } });
    const pi = await createIntent(client(keys.secret_key, 2), 'order-4');
    expect((await sdk(sandbox, keys.secret_key).paymentIntents.list()).data.map((p) => p.id)).toEqual([pi.id]);
  });
});

describe('delay_ms', () => {
  it('holds answers back: a client timeout then leaves the outcome unknown, though Stripe did the work', async () => {
    const keys = sandbox.createAccount();
    sandbox.setSwitches({ delay_ms: 400 });
    const err = await caught(createIntent(client(keys.secret_key, 0, { timeout: 100 }), 'order-5'));
    expect(err).toBeInstanceOf(Stripe.errors.StripeConnectionError);
    sandbox.setSwitches({ delay_ms: 0 });
    expect((await sdk(sandbox, keys.secret_key).paymentIntents.list()).data).toHaveLength(1);
  });
});

describe('webhook deliveries', () => {
  async function paidWithHooks(events: Stripe.WebhookEndpointCreateParams.EnabledEvent[]) {
    const keys = sandbox.createAccount();
    const stripe = sdk(sandbox, keys.secret_key);
    const ep = await stripe.webhookEndpoints.create({ url: receiver.url, enabled_events: events });
    return { keys, stripe, ep };
  }

  it('out_of_order: deliveries made together arrive newest first', async () => {
    const { stripe } = await paidWithHooks(['payment_intent.created', 'charge.succeeded', 'payment_intent.succeeded']);
    sandbox.setSwitches({ out_of_order: true });
    const pi = await stripe.paymentIntents.create({ amount: 700, currency: 'usd', payment_method: 'pm_card_visa', confirm: true });
    await sandbox.webhooksIdle();
    const types = receiver.received.filter((r) => (r.json.data.object.id === pi.id || r.json.data.object.payment_intent === pi.id)).map((r) => r.json.type);
    expect(types).toEqual(['payment_intent.succeeded', 'charge.succeeded', 'payment_intent.created']);
  });

  it("a failing endpoint is retried fast, then on Stripe's live schedule as the clock moves, signed each time", async () => {
    const { stripe, ep, keys } = await paidWithHooks(['payment_intent.created']);
    const start = receiver.received.length;
    receiver.statusFor = () => 500;
    const pi = await stripe.paymentIntents.create({ amount: 800, currency: 'usd' });
    await sandbox.webhooksIdle();
    const failed = sandbox.deliveries(keys.id);
    // (A status may be null instead of 500 when a loaded machine cuts the socket: a failure all the same.)
    expect(failed.map((d) => [d.attempt, d.status === 200])).toEqual([[1, false], [2, false]]);
    expect(failed[1]!.next_retry_at).toBeGreaterThanOrEqual(sandbox.now() + LIVE_RETRY_SCHEDULE_S[0]! - 1);
    // Nothing more until the sandbox clock reaches the next retry (an hour later).
    sandbox.advanceClock(LIVE_RETRY_SCHEDULE_S[0]! - 120);
    await sandbox.webhooksIdle();
    expect(sandbox.deliveries(keys.id)).toHaveLength(2);
    receiver.statusFor = () => 200;
    sandbox.advanceClock(240);
    const got = await receiver.waitFor((r) => r.json.data.object.id === pi.id);
    expect(receiver.received.length).toBe(start + 1);
    // The receiver sees the request before the sandbox has recorded its answer: wait for that too.
    await sandbox.webhooksIdle();
    expect(sandbox.deliveries(keys.id).map((d) => [d.attempt, d.status === 200])).toEqual([[1, false], [2, false], [3, true]]);
    expect(stripe.webhooks.constructEvent(got.raw, String(got.headers['stripe-signature']), ep.secret!).id).toBe(got.json.id);
  });

  it('stops after three days of live-mode retries', async () => {
    const { stripe, keys } = await paidWithHooks(['payment_intent.created']);
    receiver.statusFor = () => 500;
    await stripe.paymentIntents.create({ amount: 800, currency: 'usd' });
    await sandbox.webhooksIdle();
    for (const wait of LIVE_RETRY_SCHEDULE_S) {
      sandbox.advanceClock(wait + 1);
      await sandbox.webhooksIdle();
    }
    const attempts = sandbox.deliveries(keys.id);
    expect(attempts).toHaveLength(2 + LIVE_RETRY_SCHEDULE_S.length);
    expect(LIVE_RETRY_SCHEDULE_S.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(3 * 86400);
    expect(attempts.at(-1)!.next_retry_at).toBeUndefined();
    sandbox.advanceClock(7 * 86400);
    await sandbox.webhooksIdle();
    expect(sandbox.deliveries(keys.id)).toHaveLength(attempts.length);
  });

  it('*.updated events carry data.previous_attributes; others do not', async () => {
    const { stripe } = await paidWithHooks(['payout.updated', 'payout.paid']);
    await stripe.paymentIntents.create({ amount: 5000, currency: 'usd', payment_method: 'pm_card_visa', confirm: true });
    sandbox.advanceClock(3 * 86400);
    const updated = await receiver.waitFor((r) => r.json.type === 'payout.updated');
    const paid = await receiver.waitFor((r) => r.json.type === 'payout.paid' && r.json.data.object.id === updated.json.data.object.id);
    const data = (r: typeof updated) => r.json.data as { object: Record<string, unknown>; previous_attributes?: Record<string, unknown> };
    expect(data(updated).previous_attributes).toEqual({ status: 'in_transit' });
    expect(data(updated).object.status).toBe('paid');
    expect(data(paid).previous_attributes).toBeUndefined();
  });
});
