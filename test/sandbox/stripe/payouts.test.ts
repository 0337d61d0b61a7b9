// The sandbox clock: funds become available after 2 days and an automatic payout carries
// them; the payout is explained to the cent by ?payout= balance transactions.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import Stripe from 'stripe';
import { startStripeSandbox, type StripeSandbox } from './index';
import { payWithCard, sdk, startReceiver, type Receiver } from './test-helpers';

let sandbox: StripeSandbox;
let receiver: Receiver;
beforeAll(async () => {
  sandbox = await startStripeSandbox({ webhookRetryDelaysMs: [50, 50] });
  receiver = await startReceiver();
});
afterAll(async () => {
  await sandbox?.close();
  await receiver?.close();
});

describe('clock and payouts', () => {
  it('advance 1 day: nothing; advance 2 days: one payout of all available funds', async () => {
    const keys = sandbox.createAccount();
    const stripe = sdk(sandbox, keys.secret_key);
    const ep = await stripe.webhookEndpoints.create({ url: receiver.url, enabled_events: ['payout.paid', 'payout.created'] });
    await payWithCard(sandbox, keys, 20000, 'usd', '4242424242424242');
    await payWithCard(sandbox, keys, 5000, 'usd', '4242424242424242');

    sandbox.advanceClock(86400);
    expect((await stripe.payouts.list()).data).toHaveLength(0);

    // Over HTTP, as a demo or e2e test would do it.
    const res = await fetch(`${sandbox.url}/_sandbox/clock/advance`, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ seconds: 86400 }),
    });
    // The sandbox clock is the wall clock plus an offset: a second may tick between the two reads.
    const { now } = await res.json();
    expect(sandbox.now() - now).toBeGreaterThanOrEqual(0);
    expect(sandbox.now() - now).toBeLessThanOrEqual(1);

    const payouts = await stripe.payouts.list();
    expect(payouts.data).toHaveLength(1);
    const payout = payouts.data[0]!;
    expect(payout).toMatchObject({ status: 'paid', automatic: true, currency: 'usd', amount: 19390 + 4825 });

    const lines = await stripe.balanceTransactions.list({ payout: payout.id, limit: 100 });
    const charges = lines.data.filter((t) => t.type === 'charge');
    expect(charges).toHaveLength(2);
    expect(charges.every((t) => t.status === 'available')).toBe(true);
    expect(charges.reduce((s, t) => s + t.net, 0)).toBe(payout.amount);
    const own = lines.data.find((t) => t.type === 'payout')!;
    expect([own.id, own.amount, own.reporting_category]).toEqual([payout.balance_transaction, -payout.amount, 'payout']);
    expect(lines.data.reduce((s, t) => s + t.net, 0)).toBe(0);

    const paid = await receiver.waitFor((r) => r.json.type === 'payout.paid' && r.json.data.object.id === payout.id);
    const event = stripe.webhooks.constructEvent(paid.raw, String(paid.headers['stripe-signature']), ep.secret!);
    expect((event.data.object as Stripe.Payout).status).toBe('paid');

    // Nothing left: the next day brings no second payout.
    sandbox.advanceClock(86400);
    expect((await stripe.payouts.list()).data).toHaveLength(1);
  });

  it('control endpoints: accounts, deliveries, switches (deliver_twice), retries on failure', async () => {
    const acct = await (await fetch(`${sandbox.url}/_sandbox/accounts`, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ country: 'US' }),
    })).json();
    expect(acct).toMatchObject({ id: expect.stringMatching(/^acct_/), secret_key: expect.stringMatching(/^sk_test_/), publishable_key: expect.stringMatching(/^pk_test_/) });
    const stripe = sdk(sandbox, acct.secret_key);
    await stripe.webhookEndpoints.create({ url: receiver.url, enabled_events: ['payment_intent.created'] });

    // First attempt answers 500, the retry 200.
    const base = receiver.received.length;
    let n = 0;
    receiver.statusFor = () => (n++ === 0 ? 500 : 200);
    const pi = await stripe.paymentIntents.create({ amount: 100, currency: 'usd' });
    await receiver.waitFor((r) => r.json.data.object.id === pi.id);
    await sandbox.webhooksIdle();
    receiver.statusFor = () => 200;
    const del = await (await fetch(`${sandbox.url}/_sandbox/deliveries?account=${acct.id}`)).json();
    expect(del.data.map((d: { status: number; attempt: number }) => [d.status, d.attempt])).toEqual([[500, 1], [200, 2]]);

    await fetch(`${sandbox.url}/_sandbox/switches`, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ deliver_twice: true }),
    });
    const pi2 = await stripe.paymentIntents.create({ amount: 100, currency: 'usd' });
    await sandbox.webhooksIdle();
    sandbox.setSwitches({ deliver_twice: false });
    expect(receiver.received.slice(base).filter((r) => r.json.data.object.id === pi2.id)).toHaveLength(2);
  });

  it('hold_deliveries + release {reverse}: every webhook twice, newest first (books scenario 7)', async () => {
    const keys = sandbox.createAccount();
    const stripe = sdk(sandbox, keys.secret_key);
    const rx = await startReceiver();
    try {
      await stripe.webhookEndpoints.create({ url: rx.url, enabled_events: ['*'] });
      sandbox.setSwitches({ deliver_twice: true, hold_deliveries: true });
      const pi = await stripe.paymentIntents.create({ amount: 1000, currency: 'usd', payment_method: 'pm_card_visa', confirm: true });
      await new Promise((r) => setTimeout(r, 50));
      expect(rx.received).toHaveLength(0); // held
      const released = await (await fetch(`${sandbox.url}/_sandbox/deliveries/release`, {
        method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ reverse: true }),
      })).json();
      expect(released).toEqual({ released: 6 });
      await sandbox.webhooksIdle();
      expect(rx.received.map((r) => r.json.type)).toEqual([
        'payment_intent.succeeded', 'payment_intent.succeeded', 'charge.succeeded', 'charge.succeeded',
        'payment_intent.created', 'payment_intent.created',
      ]);
      expect(rx.received.every((r) => r.json.data.object.id === pi.id || r.json.data.object.payment_intent === pi.id)).toBe(true);
    } finally {
      sandbox.setSwitches({ deliver_twice: false, hold_deliveries: false });
      await rx.close();
    }
  });
});
