// End-to-end through the official SDK: a card payment lands as charge + balance
// transaction with the fee table's fee, and the signed webhook passes constructEvent.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import Stripe from 'stripe';
import { startStripeSandbox, type StripeSandbox } from './index';
import { payWithCard, sdk, startReceiver, type Receiver } from './test-helpers';

let sandbox: StripeSandbox;
let receiver: Receiver;

beforeAll(async () => {
  sandbox = await startStripeSandbox({ port: 0 });
  receiver = await startReceiver();
});
afterAll(async () => {
  await sandbox?.close();
  await receiver?.close();
});

describe('card payment', () => {
  it('USD 100.00 with 4242: succeeded, fee 320, net 9680, signed webhook', async () => {
    const keys = sandbox.createAccount({ country: 'US' });
    const stripe = sdk(sandbox, keys.secret_key);
    const endpoint = await stripe.webhookEndpoints.create({
      url: receiver.url,
      enabled_events: ['payment_intent.succeeded', 'charge.succeeded'],
    });
    expect(endpoint.secret).toMatch(/^whsec_/);

    const { pi } = await payWithCard(sandbox, keys, 10000, 'usd', '4242424242424242');
    expect(pi.status).toBe('succeeded');
    expect(pi.amount_received).toBe(10000);

    const full = await stripe.paymentIntents.retrieve(pi.id, {
      expand: ['latest_charge', 'latest_charge.balance_transaction'],
    });
    const charge = full.latest_charge as Stripe.Charge;
    expect(charge.id).toMatch(/^ch_/);
    expect(charge.paid).toBe(true);
    expect(charge.captured).toBe(true);
    expect(charge.metadata).toEqual({ order_id: 'o-1' });
    expect(charge.payment_method_details?.card?.last4).toBe('4242');
    const txn = charge.balance_transaction as Stripe.BalanceTransaction;
    expect(txn).toMatchObject({
      amount: 10000, fee: 320, net: 9680, currency: 'usd', type: 'charge',
      reporting_category: 'charge', status: 'pending', exchange_rate: null, source: charge.id,
    });
    expect(txn.fee_details).toEqual([
      { amount: 320, application: null, currency: 'usd', description: 'Stripe processing fees', type: 'stripe_fee' },
    ]);
    expect(txn.available_on).toBe(txn.created + 2 * 86400);

    // The same objects through their own endpoints.
    expect((await stripe.charges.retrieve(charge.id)).balance_transaction).toBe(txn.id);
    expect((await stripe.balanceTransactions.retrieve(txn.id)).net).toBe(9680);

    const hit = await receiver.waitFor((r) => r.json.type === 'payment_intent.succeeded' && r.json.data.object.id === pi.id);
    expect(hit.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(hit.headers['user-agent']).toBe('Stripe/1.0 (+https://stripe.com/docs/webhooks)');
    const event = stripe.webhooks.constructEvent(hit.raw, String(hit.headers['stripe-signature']), endpoint.secret!);
    expect(event.type).toBe('payment_intent.succeeded');
    expect((event.data.object as Stripe.PaymentIntent).status).toBe('succeeded');
    // A wrong secret must be refused, or the check above proves nothing.
    expect(() => stripe.webhooks.constructEvent(hit.raw, String(hit.headers['stripe-signature']), 'whsec_wrong')).toThrow();
    // The event is also readable through the API.
    const fetched = await stripe.events.retrieve(event.id);
    expect(fetched.request?.idempotency_key).toBeTruthy();
    const list = await stripe.events.list({ type: 'charge.succeeded', limit: 5 });
    expect(list.data.map((e) => (e.data.object as Stripe.Charge).id)).toContain(charge.id);
  });

  it('JPY account: 10000 yen -> fee 360, no fixed part', async () => {
    const keys = sandbox.createAccount({ country: 'JP', default_currency: 'jpy' });
    const { pi, server } = await payWithCard(sandbox, keys, 10000, 'jpy', '4000003920000003');
    const ch = await server.charges.retrieve(pi.latest_charge as string, { expand: ['balance_transaction'] });
    const txn = ch.balance_transaction as Stripe.BalanceTransaction;
    expect([txn.amount, txn.fee, txn.net, txn.currency]).toEqual([10000, 360, 9640, 'jpy']);
  });

  it('EUR 100.00, French card, USD merchant: converted at 1.10, fee 6.24 (books scenario 4)', async () => {
    const keys = sandbox.createAccount({ country: 'US' });
    const { pi, server } = await payWithCard(sandbox, keys, 10000, 'eur', '4000002500000003');
    const ch = await server.charges.retrieve(pi.latest_charge as string, { expand: ['balance_transaction'] });
    const txn = ch.balance_transaction as Stripe.BalanceTransaction;
    expect(ch.currency).toBe('eur');
    expect([txn.amount, txn.fee, txn.net, txn.currency, txn.exchange_rate]).toEqual([11000, 624, 10376, 'usd', 1.1]);
  });

  it('USD 97.20 domestic (books scenario 6): fee 3.12, rounded half up', async () => {
    const keys = sandbox.createAccount();
    const { pi, server } = await payWithCard(sandbox, keys, 9720, 'usd', '5555555555554444');
    const ch = await server.charges.retrieve(pi.latest_charge as string, { expand: ['balance_transaction'] });
    expect((ch.balance_transaction as Stripe.BalanceTransaction).fee).toBe(312);
  });

  it('server-side confirm with a pm_card_visa shortcut and confirm=true', async () => {
    const keys = sandbox.createAccount();
    const stripe = sdk(sandbox, keys.secret_key);
    const pi = await stripe.paymentIntents.create({
      amount: 5000, currency: 'usd', payment_method: 'pm_card_visa', confirm: true,
      automatic_payment_methods: { enabled: true, allow_redirects: 'never' },
    });
    expect(pi.status).toBe('succeeded');
    expect(pi.payment_method).toMatch(/^pm_/);
  });
});
