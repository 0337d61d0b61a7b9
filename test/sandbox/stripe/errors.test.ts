// What Stripe refuses, the sandbox refuses the same way: declines (402), idempotency,
// unknown parameters, keys, client_secret, CORS preflight for the browser calls.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import Stripe from 'stripe';
import { startStripeSandbox, type StripeSandbox } from './index';
import { sdk } from './test-helpers';

let sandbox: StripeSandbox;
let keys: { id: string; secret_key: string; publishable_key: string };
let stripe: Stripe;

beforeAll(async () => {
  sandbox = await startStripeSandbox();
  keys = sandbox.createAccount();
  stripe = sdk(sandbox, keys.secret_key);
});
afterAll(() => sandbox?.close());

async function caught(p: Promise<unknown>): Promise<Stripe.errors.StripeError> {
  try {
    await p;
  } catch (e) {
    return e as Stripe.errors.StripeError;
  }
  throw new Error('expected the call to fail');
}

describe('declines', () => {
  it('4000000000000002 -> 402 card_error generic_decline; PI back to requires_payment_method', async () => {
    // payment_method_types is the 2023-08-16 name (stripe@23 types only know allowed_payment_method_types).
    const pi = await stripe.paymentIntents.create({ amount: 2000, currency: 'usd', payment_method_types: ['card'] } as never);
    const pm = await sdk(sandbox, keys.publishable_key).paymentMethods.create({
      type: 'card', card: { number: '4000000000000002', exp_month: 1, exp_year: 2040 },
    });
    const err = await caught(stripe.paymentIntents.confirm(pi.id, { payment_method: pm.id }));
    expect(err).toBeInstanceOf(Stripe.errors.StripeCardError);
    expect(err.statusCode).toBe(402);
    expect(err.type).toBe('StripeCardError');
    expect(err.code).toBe('card_declined');
    expect(err.decline_code).toBe('generic_decline');
    expect(err.raw).toMatchObject({ type: 'card_error', message: 'Your card was declined.' });
    const after = await stripe.paymentIntents.retrieve(pi.id);
    expect(after.status).toBe('requires_payment_method');
    expect(after.last_payment_error?.decline_code).toBe('generic_decline');
    const failed = await stripe.events.list({ type: 'payment_intent.payment_failed' });
    expect(failed.data.map((e) => (e.data.object as Stripe.PaymentIntent).id)).toContain(pi.id);
    // The same PaymentIntent can then succeed with another card.
    const ok = await stripe.paymentIntents.confirm(pi.id, { payment_method: 'pm_card_visa' });
    expect(ok.status).toBe('succeeded');
  });

  it.each([
    ['4000000000009995', 'card_declined', 'insufficient_funds'],
    ['4000000000009987', 'card_declined', 'lost_card'],
    ['4000000000000069', 'expired_card', undefined],
    ['4000000000000127', 'incorrect_cvc', undefined],
    ['4000000000000119', 'processing_error', undefined],
  ])('%s -> %s / %s', async (number, code, decline) => {
    const pm = await stripe.paymentMethods.create({ type: 'card', card: { number, exp_month: 1, exp_year: 2040 } });
    const err = await caught(stripe.paymentIntents.create({ amount: 1000, currency: 'usd', payment_method: pm.id, confirm: true }));
    // The SDK defaults decline_code to '' on card errors; check what the sandbox sent.
    expect([err.statusCode, err.code, (err.raw as { decline_code?: string }).decline_code]).toEqual([402, code, decline]);
  });

  it('a number failing the Luhn check -> incorrect_number', async () => {
    const err = await caught(stripe.paymentMethods.create({ type: 'card', card: { number: '4242424242424241', exp_month: 1, exp_year: 2040 } }));
    expect([err.statusCode, err.code, err.param]).toEqual([402, 'incorrect_number', 'card[number]']);
  });
});

describe('idempotency', () => {
  it('same key + same params replays; different params -> idempotency_error', async () => {
    const params = { amount: 1234, currency: 'usd', metadata: { order_id: 'A' } };
    const a = await stripe.paymentIntents.create(params, { idempotencyKey: 'order-A' });
    const b = await stripe.paymentIntents.create(params, { idempotencyKey: 'order-A' });
    expect(b.id).toBe(a.id);
    expect(b.lastResponse.headers['idempotent-replayed']).toBe('true');
    expect(a.lastResponse.headers['idempotent-replayed']).toBeUndefined();
    const err = await caught(stripe.paymentIntents.create({ ...params, amount: 999 }, { idempotencyKey: 'order-A' }));
    expect(err).toBeInstanceOf(Stripe.errors.StripeIdempotencyError);
    expect([err.statusCode, err.raw]).toMatchObject([400, { type: 'idempotency_error' }]);
    // Keys are per account: another merchant may use the same key.
    const other = sdk(sandbox, sandbox.createAccount().secret_key);
    expect((await other.paymentIntents.create(params, { idempotencyKey: 'order-A' })).id).not.toBe(a.id);
  });
});

describe('parameters', () => {
  it('unknown top-level and nested parameters -> 400 parameter_unknown', async () => {
    const err = await caught(stripe.paymentIntents.create({ amount: 100, currency: 'usd', colour: 'red' } as never));
    expect([err.statusCode, err.code, err.param, err.message]).toEqual([400, 'parameter_unknown', 'colour', 'Received unknown parameter: colour']);
    const nested = await caught(stripe.paymentMethods.create({ type: 'card', card: { number: '4242424242424242', exp_month: 1, exp_year: 2040, pin: '1' } } as never));
    expect([nested.code, nested.param]).toEqual(['parameter_unknown', 'card[pin]']);
  });

  it('missing required / wrong type / below minimum', async () => {
    expect((await caught(stripe.paymentIntents.create({ currency: 'usd' } as never))).code).toBe('parameter_missing');
    expect((await caught(stripe.paymentIntents.create({ amount: 'ten', currency: 'usd' } as never))).code).toBe('parameter_invalid_integer');
    expect((await caught(stripe.paymentIntents.create({ amount: 10, currency: 'usd' }))).code).toBe('amount_too_small');
  });

  it('404 resource_missing for an unknown id', async () => {
    const err = await caught(stripe.paymentIntents.retrieve('pi_nope'));
    expect([err.statusCode, err.code]).toEqual([404, 'resource_missing']);
  });

  it('list pagination: limit bounds, starting_after, has_more', async () => {
    const acct = sdk(sandbox, sandbox.createAccount().secret_key);
    for (let i = 0; i < 3; i++) await acct.paymentIntents.create({ amount: 100 + i, currency: 'usd' });
    const first = await acct.paymentIntents.list({ limit: 2 });
    expect([first.data.length, first.has_more, first.data[0]?.amount]).toEqual([2, true, 102]);
    const next = await acct.paymentIntents.list({ limit: 2, starting_after: first.data[1]!.id });
    expect([next.data.length, next.has_more, next.data[0]?.amount]).toEqual([1, false, 100]);
    expect((await caught(acct.paymentIntents.list({ limit: 101 }))).statusCode).toBe(400);
  });
});

describe('keys', () => {
  it('a publishable key is refused on server endpoints (403, as Stripe does today)', async () => {
    const browser = sdk(sandbox, keys.publishable_key);
    const err = await caught(browser.paymentIntents.create({ amount: 100, currency: 'usd' }));
    expect(err).toBeInstanceOf(Stripe.errors.StripePermissionError);
    expect(err.statusCode).toBe(403);
    expect((await caught(browser.balanceTransactions.list())).statusCode).toBe(403);
  });

  it('an unknown key -> 401', async () => {
    const err = await caught(sdk(sandbox, 'sk_test_unknown').paymentIntents.list());
    expect(err).toBeInstanceOf(Stripe.errors.StripeAuthenticationError);
    expect(err.statusCode).toBe(401);
  });

  it('confirm with a publishable key needs the right client_secret', async () => {
    const pi = await stripe.paymentIntents.create({ amount: 700, currency: 'usd' });
    const browser = sdk(sandbox, keys.publishable_key);
    const wrong = await caught(browser.paymentIntents.confirm(pi.id, { payment_method: 'pm_card_visa', client_secret: `${pi.id}_secret_bad` } as never));
    expect(wrong.statusCode).toBe(400);
    const none = await caught(browser.paymentIntents.confirm(pi.id, { payment_method: 'pm_card_visa' }));
    expect(none.statusCode).toBe(400);
    const ok = await browser.paymentIntents.confirm(pi.id, { payment_method: 'pm_card_visa', client_secret: pi.client_secret } as never);
    expect(ok.status).toBe('succeeded');
  });

  it('CORS preflight for the browser calls', async () => {
    const res = await fetch(`${sandbox.url}/v1/payment_methods`, {
      method: 'OPTIONS',
      headers: { Origin: 'http://shop.example', 'Access-Control-Request-Method': 'POST', 'Access-Control-Request-Headers': 'authorization, content-type' },
    });
    expect(res.status).toBe(204);
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    expect(res.headers.get('access-control-allow-headers')).toMatch(/Authorization/);
  });
});
