// SEPA Direct Debit through the official SDK: processing at confirmation, then (when the sandbox
// clock moves) succeeded with the SEPA fee, or payment_failed with the bank's reason on the charge.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type Stripe from 'stripe';
import { startStripeSandbox, type StripeSandbox } from './index';
import { sdk, startReceiver, type Receiver } from './test-helpers';

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

const shopper = { name: 'Jenny Rosen', email: 'jenny@example.com' };

/** The shopper's browser: a sepa_debit PaymentMethod, then confirm with the mandate accepted online. */
async function debit(keys: { secret_key: string; publishable_key: string }, iban: string, amount = 10000) {
  const server = sdk(sandbox, keys.secret_key);
  const browser = sdk(sandbox, keys.publishable_key);
  const pi = await server.paymentIntents.create({ amount, currency: 'eur', automatic_payment_methods: { enabled: true } });
  const pm = await browser.paymentMethods.create({ type: 'sepa_debit', sepa_debit: { iban }, billing_details: shopper });
  const confirmed = await browser.paymentIntents.confirm(pi.id, {
    payment_method: pm.id, client_secret: pi.client_secret!, mandate_data: { customer_acceptance: { type: 'online', online: { ip_address: '203.0.113.7', user_agent: 'Mozilla/5.0 (shopper)' } } },
  } as Stripe.PaymentIntentConfirmParams);
  return { server, pi: confirmed, pm };
}

describe('SEPA Direct Debit', () => {
  it('DE89…3000: processing, then succeeded after the clock moves, fee 0.8% of the converted amount', async () => {
    const keys = sandbox.createAccount({ country: 'US' });
    const stripe = sdk(sandbox, keys.secret_key);
    await stripe.webhookEndpoints.create({ url: receiver.url, enabled_events: ['*'] });
    const { pi, pm } = await debit(keys, 'DE89 3704 0044 0532 0130 00');
    expect(pi.payment_method_types).toEqual(['card', 'sepa_debit']);
    expect(pi.status).toBe('processing');
    expect(pm.sepa_debit).toMatchObject({ country: 'DE', last4: '3000', bank_code: '37040044' });
    const pending = await stripe.charges.retrieve(String(pi.latest_charge));
    expect(pending).toMatchObject({ status: 'pending', paid: false, balance_transaction: null });
    const mandate = await stripe.mandates.retrieve(String(pending.payment_method_details?.sepa_debit?.mandate));
    expect(mandate).toMatchObject({ status: 'active', type: 'multi_use', payment_method: pm.id, customer_acceptance: { type: 'online' } });
    await receiver.waitFor((r) => r.json.type === 'payment_intent.processing' && r.json.data.object.id === pi.id);

    sandbox.advanceClock(60);
    const done = await stripe.paymentIntents.retrieve(pi.id, { expand: ['latest_charge.balance_transaction'] });
    expect(done).toMatchObject({ status: 'succeeded', amount_received: 10000 });
    const txn = (done.latest_charge as Stripe.Charge).balance_transaction as Stripe.BalanceTransaction;
    // EUR 100.00 at the sandbox rate 1.10 = USD 110.00; 0.8% + 1.0% conversion = 1.98.
    expect(txn).toMatchObject({ amount: 11000, currency: 'usd', fee: 198, net: 10802, reporting_category: 'charge', exchange_rate: 1.1, status: 'pending' });
    expect(txn.available_on).toBeGreaterThan(sandbox.now());
    await receiver.waitFor((r) => r.json.type === 'payment_intent.succeeded' && r.json.data.object.id === pi.id);
  });

  it('the fee is capped at 5.00 USD', async () => {
    const keys = sandbox.createAccount({ country: 'US' });
    const { server, pi } = await debit(keys, 'AT611904300234573201', 90000);
    sandbox.advanceClock(1);
    const done = await server.paymentIntents.retrieve(pi.id, { expand: ['latest_charge.balance_transaction'] });
    expect(((done.latest_charge as Stripe.Charge).balance_transaction as Stripe.BalanceTransaction).fee).toBe(500);
  });

  it('DE62…3001: processing, then payment_failed; the charge carries the bank\'s reason', async () => {
    const keys = sandbox.createAccount({ country: 'US' });
    const stripe = sdk(sandbox, keys.secret_key);
    await stripe.webhookEndpoints.create({ url: receiver.url, enabled_events: ['payment_intent.payment_failed', 'charge.failed'] });
    const { pi } = await debit(keys, 'DE62370400440532013001');
    expect(pi.status).toBe('processing');
    sandbox.advanceClock(1);
    const failed = await stripe.paymentIntents.retrieve(pi.id, { expand: ['latest_charge'] });
    expect(failed).toMatchObject({ status: 'requires_payment_method', payment_method: null, last_payment_error: { code: 'payment_intent_payment_attempt_failed' } });
    expect(failed.latest_charge).toMatchObject({ status: 'failed', failure_code: 'insufficient_funds', balance_transaction: null });
    await receiver.waitFor((r) => r.json.type === 'payment_intent.payment_failed' && r.json.data.object.id === pi.id);
    expect((await stripe.balanceTransactions.list()).data).toEqual([]);
  });

  it('AT32…3204 answers only after 3 minutes of clock', async () => {
    const keys = sandbox.createAccount({ country: 'US' });
    const { server, pi } = await debit(keys, 'AT321904300235473204');
    sandbox.advanceClock(60);
    expect((await server.paymentIntents.retrieve(pi.id)).status).toBe('processing');
    sandbox.advanceClock(120);
    expect((await server.paymentIntents.retrieve(pi.id)).status).toBe('succeeded');
  });

  it('refuses what Stripe refuses: a bad IBAN, no name, no mandate, a non-euro intent, an intent without sepa_debit', async () => {
    const keys = sandbox.createAccount({ country: 'US' });
    const server = sdk(sandbox, keys.secret_key);
    const refusal = (p: Promise<unknown>) => p.then(() => 'accepted', (e: { code?: string; param?: string; statusCode?: number }) => `${e.statusCode} ${e.code ?? ''} ${e.param ?? ''}`.trim());

    expect(await refusal(server.paymentMethods.create({ type: 'sepa_debit', sepa_debit: { iban: 'DE89370400440532013001' }, billing_details: shopper })))
      .toBe('400 invalid_bank_account_iban sepa_debit[iban]');
    expect(await refusal(server.paymentMethods.create({ type: 'sepa_debit', sepa_debit: { iban: 'DE89370400440532013000' }, billing_details: { email: shopper.email } })))
      .toBe('400 parameter_missing billing_details[name]');

    const pm = await server.paymentMethods.create({ type: 'sepa_debit', sepa_debit: { iban: 'DE89370400440532013000' }, billing_details: shopper });
    const eur = await server.paymentIntents.create({ amount: 5000, currency: 'eur', allowed_payment_method_types: ['sepa_debit'] } as Stripe.PaymentIntentCreateParams);
    expect(await refusal(server.paymentIntents.confirm(eur.id, { payment_method: pm.id }))).toBe('400 parameter_missing mandate_data');
    // With a secret key the server must say where the mandate was accepted.
    expect(await refusal(server.paymentIntents.confirm(eur.id, { payment_method: pm.id, mandate_data: { customer_acceptance: { type: 'online', online: { ip_address: '10.0.0.1' } } } } as Stripe.PaymentIntentConfirmParams)))
      .toBe('400 parameter_missing mandate_data[customer_acceptance][online][user_agent]');
    expect((await server.paymentIntents.retrieve(eur.id)).status).toBe('requires_payment_method');

    const usd = await server.paymentIntents.create({ amount: 5000, currency: 'usd', automatic_payment_methods: { enabled: true } });
    expect(usd.payment_method_types).toEqual(['card']);
    expect(await refusal(server.paymentIntents.confirm(usd.id, { payment_method: pm.id, mandate_data: { customer_acceptance: { type: 'offline' } } } as Stripe.PaymentIntentConfirmParams)))
      .toBe('400 payment_intent_invalid_parameter payment_method');
    expect(await refusal(server.paymentIntents.create({ amount: 5000, currency: 'usd', allowed_payment_method_types: ['sepa_debit'] } as Stripe.PaymentIntentCreateParams)))
      .toBe('400  currency');
    const manual = await server.paymentIntents.create({ amount: 5000, currency: 'eur', allowed_payment_method_types: ['sepa_debit'], capture_method: 'manual' } as Stripe.PaymentIntentCreateParams);
    expect(await refusal(server.paymentIntents.confirm(manual.id, { payment_method: pm.id, mandate_data: { customer_acceptance: { type: 'offline' } } } as Stripe.PaymentIntentConfirmParams)))
      .toBe('400 payment_intent_invalid_parameter capture_method');
  });
});
