// Authorize now, capture later, through the official SDK: the charge has no balance transaction
// until capture, a partial capture's fee is on what was captured (fee table: 2.9% + 0.30), the
// rest is released; cancel and the 7-day expiry release the hold; refusals as Stripe words them.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import Stripe from 'stripe';
import { startStripeSandbox, type StripeSandbox } from './index';
import { sdk, startReceiver, type Receiver } from './test-helpers';

let sandbox: StripeSandbox;
let receiver: Receiver;

beforeAll(async () => {
  sandbox = await startStripeSandbox();
  receiver = await startReceiver();
});
afterAll(async () => {
  await sandbox?.close();
  await receiver?.close();
});

async function caught(p: Promise<unknown>): Promise<Stripe.errors.StripeError> {
  try {
    await p;
  } catch (e) {
    return e as Stripe.errors.StripeError;
  }
  throw new Error('expected the call to fail');
}

/** A merchant whose webhook endpoint listens to everything, and an authorized $100.00 intent. */
async function authorized(amount = 10000, card = 'pm_card_visa') {
  const keys = sandbox.createAccount();
  const stripe = sdk(sandbox, keys.secret_key);
  await stripe.webhookEndpoints.create({ url: receiver.url, enabled_events: ['*'] });
  const pi = await stripe.paymentIntents.create({ amount, currency: 'usd', capture_method: 'manual', payment_method: card, confirm: true });
  return { keys, stripe, pi };
}

const eventsFor = (id: string) => receiver.received.filter((r) => r.json.data.object.id === id || r.json.data.object.payment_intent === id).map((r) => r.json.type);

describe('capture_method=manual', () => {
  it('confirm authorizes only: requires_capture, an uncaptured charge and no balance transaction', async () => {
    const { stripe, pi } = await authorized();
    expect([pi.status, pi.capture_method, pi.amount_capturable, pi.amount_received]).toEqual(['requires_capture', 'manual', 10000, 0]);
    const charge = await stripe.charges.retrieve(pi.latest_charge as string);
    expect(charge).toMatchObject({ status: 'succeeded', paid: true, captured: false, amount_captured: 0, balance_transaction: null });
    expect((await stripe.balanceTransactions.list()).data).toEqual([]);
    await receiver.waitFor((r) => r.json.type === 'payment_intent.amount_capturable_updated' && r.json.data.object.id === pi.id);
    expect(eventsFor(pi.id)).not.toContain('payment_intent.succeeded');
  });

  it('partial capture of 60.00 of 100.00: fee 2.04 on 60.00, 40.00 released, succeeded', async () => {
    const { stripe, pi } = await authorized();
    const captured = await stripe.paymentIntents.capture(pi.id, { amount_to_capture: 6000 }, { idempotencyKey: 'capture-A-6000' });
    expect([captured.status, captured.amount_received, captured.amount_capturable]).toEqual(['succeeded', 6000, 0]);
    const charge = await stripe.charges.retrieve(pi.latest_charge as string, { expand: ['balance_transaction'] });
    expect(charge).toMatchObject({ captured: true, amount: 10000, amount_captured: 6000, amount_refunded: 4000, refunded: false });
    const txn = charge.balance_transaction as Stripe.BalanceTransaction;
    expect([txn.amount, txn.fee, txn.net, txn.reporting_category]).toEqual([6000, 204, 5796, 'charge']);
    // The SDK's retry with the same key replays the answer rather than capturing again.
    const replay = await stripe.paymentIntents.capture(pi.id, { amount_to_capture: 6000 }, { idempotencyKey: 'capture-A-6000' });
    expect(replay.lastResponse.headers['idempotent-replayed']).toBe('true');
    await receiver.waitFor((r) => r.json.type === 'payment_intent.succeeded' && r.json.data.object.id === pi.id);
    await receiver.waitFor((r) => r.json.type === 'charge.captured' && r.json.data.object.id === charge.id);
    // Only the captured amount can be refunded.
    expect((await caught(stripe.refunds.create({ payment_intent: pi.id, amount: 6001 }))).code).toBe('amount_too_large');
  });

  it('capture without an amount takes all of amount_capturable', async () => {
    const { stripe, pi } = await authorized(5000);
    const captured = await stripe.paymentIntents.capture(pi.id);
    expect([captured.status, captured.amount_received]).toEqual(['succeeded', 5000]);
  });

  it('refuses to capture more than amount_capturable, or an intent not requires_capture', async () => {
    const { stripe, pi } = await authorized();
    const tooMuch = await caught(stripe.paymentIntents.capture(pi.id, { amount_to_capture: 10001 }));
    expect([tooMuch.statusCode, tooMuch.code, tooMuch.param]).toEqual([400, 'amount_too_large', 'amount_to_capture']);
    expect((await stripe.paymentIntents.retrieve(pi.id)).status).toBe('requires_capture');

    const automatic = await stripe.paymentIntents.create({ amount: 1000, currency: 'usd', payment_method: 'pm_card_visa', confirm: true });
    const twice = await caught(stripe.paymentIntents.capture(automatic.id));
    expect([twice.statusCode, twice.code]).toEqual([400, 'payment_intent_unexpected_state']);
    expect(twice.message).toMatch(/status of succeeded/);
    const unconfirmed = await stripe.paymentIntents.create({ amount: 1000, currency: 'usd', capture_method: 'manual' });
    expect((await caught(stripe.paymentIntents.capture(unconfirmed.id))).code).toBe('payment_intent_unexpected_state');
    // Refunding an authorization is refused: cancel releases it.
    expect((await caught(stripe.refunds.create({ payment_intent: pi.id }))).code).toBe('charge_not_refundable');
  });

  it('automatic_async is accepted and captures like automatic', async () => {
    const stripe = sdk(sandbox, sandbox.createAccount().secret_key);
    const pi = await stripe.paymentIntents.create({ amount: 1000, currency: 'usd', capture_method: 'automatic_async', payment_method: 'pm_card_visa', confirm: true });
    expect([pi.status, pi.capture_method, pi.amount_received]).toEqual(['succeeded', 'automatic_async', 1000]);
  });
});

describe('cancel', () => {
  it('an authorization: canceled with the reason, the hold released, no balance transaction', async () => {
    const { stripe, pi } = await authorized();
    const canceled = await stripe.paymentIntents.cancel(pi.id, { cancellation_reason: 'abandoned' });
    expect([canceled.status, canceled.cancellation_reason, canceled.amount_capturable]).toEqual(['canceled', 'abandoned', 0]);
    expect(canceled.canceled_at).toBeGreaterThan(0);
    const charge = await stripe.charges.retrieve(pi.latest_charge as string);
    expect(charge).toMatchObject({ captured: false, refunded: true, amount_refunded: 10000, balance_transaction: null });
    expect((await stripe.balanceTransactions.list()).data).toEqual([]);
    await receiver.waitFor((r) => r.json.type === 'payment_intent.canceled' && r.json.data.object.id === pi.id);
    // Nothing to capture any more.
    expect((await caught(stripe.paymentIntents.capture(pi.id))).code).toBe('payment_intent_unexpected_state');
  });

  it('an intent never paid can be canceled; a succeeded or canceled one cannot', async () => {
    const stripe = sdk(sandbox, sandbox.createAccount().secret_key);
    const open = await stripe.paymentIntents.create({ amount: 1000, currency: 'usd' });
    expect((await stripe.paymentIntents.cancel(open.id)).status).toBe('canceled');
    const again = await caught(stripe.paymentIntents.cancel(open.id));
    expect([again.statusCode, again.code]).toEqual([400, 'payment_intent_unexpected_state']);
    const paid = await stripe.paymentIntents.create({ amount: 1000, currency: 'usd', payment_method: 'pm_card_visa', confirm: true });
    expect((await caught(stripe.paymentIntents.cancel(paid.id))).message).toMatch(/status of succeeded/);
    const badReason = await caught(stripe.paymentIntents.cancel(open.id, { cancellation_reason: 'bored' } as never));
    expect([badReason.statusCode, badReason.param]).toEqual([400, 'cancellation_reason']);
  });
});

describe('authorization expiry', () => {
  it('after 7 days on the sandbox clock: charge.expired, then canceled with reason automatic', async () => {
    const { stripe, pi } = await authorized();
    sandbox.advanceClock(6 * 86_400);
    expect((await stripe.paymentIntents.retrieve(pi.id)).status).toBe('requires_capture');
    sandbox.advanceClock(2 * 86_400);
    const expired = await stripe.paymentIntents.retrieve(pi.id);
    expect([expired.status, expired.cancellation_reason, expired.amount_capturable]).toEqual(['canceled', 'automatic', 0]);
    expect(await stripe.charges.retrieve(pi.latest_charge as string)).toMatchObject({ refunded: true, captured: false });
    await receiver.waitFor((r) => r.json.type === 'payment_intent.canceled' && r.json.data.object.id === pi.id);
    expect(eventsFor(pi.id)).toEqual(expect.arrayContaining(['charge.succeeded', 'payment_intent.amount_capturable_updated', 'charge.expired', 'payment_intent.canceled']));
    // No payout: nothing was ever taken.
    expect((await stripe.payouts.list()).data).toEqual([]);
  });
});
