// Stripe Terminal with a simulated reader, through the official SDK: register, hand the reader a
// card_present PaymentIntent, tap a card (test helper); approval, decline, cancel and refusals.
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

const refusal = (p: Promise<unknown>) =>
  p.then(() => 'accepted', (e: { code?: string; param?: string; statusCode?: number }) => `${e.statusCode} ${e.code ?? ''} ${e.param ?? ''}`.trim());

async function counter() {
  const keys = sandbox.createAccount({ country: 'US' });
  const stripe = sdk(sandbox, keys.secret_key);
  const location = await stripe.terminal.locations.create({
    display_name: 'Front counter', address: { line1: '1 Main St', city: 'Springfield', postal_code: '12345', country: 'US', state: 'IL' },
  });
  const reader = await stripe.terminal.readers.create({ registration_code: 'simulated-wpe', label: 'Till 1', location: location.id });
  return { stripe, location, reader };
}

const inPerson = (stripe: Stripe, amount: number, capture: 'automatic' | 'manual' = 'automatic') =>
  stripe.paymentIntents.create({ amount, currency: 'usd', allowed_payment_method_types: ['card_present'], capture_method: capture } as Stripe.PaymentIntentCreateParams);

describe('Terminal, simulated reader', () => {
  it('registers a simulated WisePOS E at a location', async () => {
    const { stripe, location, reader } = await counter();
    expect(reader).toMatchObject({ object: 'terminal.reader', device_type: 'simulated_wisepos_e', status: 'online', action: null, label: 'Till 1', location: location.id });
    expect((await stripe.terminal.readers.list({ location: location.id })).data.map((r) => r.id)).toEqual([reader.id]);
    expect((await stripe.terminal.readers.retrieve(reader.id)).id).toBe(reader.id);
  });

  it('a tap of 4242 on 25.00: succeeded at once, in-person fee 2.7% + 0.05, reader action succeeded', async () => {
    const { stripe, reader } = await counter();
    await stripe.webhookEndpoints.create({ url: receiver.url, enabled_events: ['terminal.reader.action_succeeded', 'payment_intent.succeeded'] });
    const pi = await inPerson(stripe, 2500);
    const waiting = await stripe.terminal.readers.processPaymentIntent(reader.id, { payment_intent: pi.id });
    expect(waiting.action).toMatchObject({ type: 'process_payment_intent', status: 'in_progress', process_payment_intent: { payment_intent: pi.id } });
    // A second sale while the first waits for its tap: the reader is busy.
    const other = await inPerson(stripe, 100);
    expect(await refusal(stripe.terminal.readers.processPaymentIntent(reader.id, { payment_intent: other.id }))).toBe('400 terminal_reader_busy');

    const tapped = await stripe.testHelpers.terminal.readers.presentPaymentMethod(reader.id, { type: 'card_present', card_present: { number: '4242424242424242' } });
    expect(tapped.action).toMatchObject({ status: 'succeeded', failure_code: null });
    const done = await stripe.paymentIntents.retrieve(pi.id, { expand: ['latest_charge.balance_transaction'] });
    expect(done.status).toBe('succeeded');
    const charge = done.latest_charge as Stripe.Charge;
    expect(charge.payment_method_details).toMatchObject({ type: 'card_present', card_present: { last4: '4242', read_method: 'contactless_emv' } });
    // 2.7% of 25.00 = 0.675 -> 0.68, + 0.05 = 0.73
    expect(charge.balance_transaction).toMatchObject({ amount: 2500, fee: 73, net: 2427, reporting_category: 'charge' });
    await receiver.waitFor((r) => r.json.type === 'terminal.reader.action_succeeded' && r.json.data.object.id === reader.id);
  });

  it('a declined tap: the intent back to requires_payment_method, the reader action failed with the reason', async () => {
    const { stripe, reader } = await counter();
    await stripe.webhookEndpoints.create({ url: receiver.url, enabled_events: ['terminal.reader.action_failed'] });
    const pi = await inPerson(stripe, 2500);
    await stripe.terminal.readers.processPaymentIntent(reader.id, { payment_intent: pi.id });
    const tapped = await stripe.testHelpers.terminal.readers.presentPaymentMethod(reader.id, { card_present: { number: '4000000000009995' } });
    expect(tapped.action).toMatchObject({ status: 'failed', failure_code: 'insufficient_funds', failure_message: 'Your card has insufficient funds.' });
    const after = await stripe.paymentIntents.retrieve(pi.id);
    expect(after).toMatchObject({ status: 'requires_payment_method', last_payment_error: { code: 'card_declined', decline_code: 'insufficient_funds' } });
    await receiver.waitFor((r) => r.json.type === 'terminal.reader.action_failed' && r.json.data.object.id === reader.id);
    // The same intent can be tapped again with another card.
    await stripe.terminal.readers.processPaymentIntent(reader.id, { payment_intent: pi.id });
    await stripe.testHelpers.terminal.readers.presentPaymentMethod(reader.id, {});
    expect((await stripe.paymentIntents.retrieve(pi.id)).status).toBe('succeeded');
  });

  it('manual capture: the tap authorizes, capture takes it with the in-person fee', async () => {
    const { stripe, reader } = await counter();
    const pi = await inPerson(stripe, 10000, 'manual');
    await stripe.terminal.readers.processPaymentIntent(reader.id, { payment_intent: pi.id });
    await stripe.testHelpers.terminal.readers.presentPaymentMethod(reader.id, {});
    expect((await stripe.paymentIntents.retrieve(pi.id)).status).toBe('requires_capture');
    const captured = await stripe.paymentIntents.capture(pi.id, { expand: ['latest_charge.balance_transaction'] });
    expect(((captured.latest_charge as Stripe.Charge).balance_transaction as Stripe.BalanceTransaction).fee).toBe(275);
  });

  it('cancel_action frees the reader; the intent stays open', async () => {
    const { stripe, reader } = await counter();
    const pi = await inPerson(stripe, 2500);
    await stripe.terminal.readers.processPaymentIntent(reader.id, { payment_intent: pi.id });
    expect(((await stripe.terminal.readers.cancelAction(reader.id)) as Stripe.Terminal.Reader).action).toBeNull();
    expect((await stripe.paymentIntents.retrieve(pi.id)).status).toBe('requires_payment_method');
    expect(await refusal(stripe.terminal.readers.cancelAction(reader.id))).toBe('400 terminal_reader_action_unexpected_state');
    expect(await refusal(stripe.testHelpers.terminal.readers.presentPaymentMethod(reader.id, {}))).toBe('400 terminal_reader_action_unexpected_state');
  });

  it('refuses what Stripe refuses', async () => {
    const { stripe, location, reader } = await counter();
    expect(await refusal(stripe.terminal.readers.create({ registration_code: 'puppies-plug-could', location: location.id }))).toBe('400  registration_code');
    expect(await refusal(stripe.terminal.readers.create({ registration_code: 'simulated-wpe' }))).toBe('400 parameter_missing location');
    expect(await refusal(stripe.terminal.readers.create({ registration_code: 'simulated-wpe', location: 'tml_nope' }))).toBe('404 resource_missing location');
    expect(await refusal(stripe.terminal.locations.create({ display_name: 'No address' } as Stripe.Terminal.LocationCreateParams))).toBe('400 parameter_missing address');
    // An online intent cannot go to a reader; in-person types do not mix with online ones.
    const online = await stripe.paymentIntents.create({ amount: 2500, currency: 'usd', automatic_payment_methods: { enabled: true } });
    expect(await refusal(stripe.terminal.readers.processPaymentIntent(reader.id, { payment_intent: online.id }))).toBe('400 payment_intent_invalid_parameter payment_intent');
    expect(await refusal(stripe.paymentIntents.create({ amount: 2500, currency: 'usd', allowed_payment_method_types: ['card', 'card_present'] } as Stripe.PaymentIntentCreateParams)))
      .toBe('400  payment_method_types');
    // A card_present intent cannot be confirmed online with a card.
    const pi = await inPerson(stripe, 2500);
    expect(await refusal(stripe.paymentIntents.confirm(pi.id, { payment_method: 'pm_card_visa' }))).toBe('400 payment_intent_invalid_parameter payment_method');
    // Interac is Canadian dollars only.
    const usdInterac = await stripe.paymentIntents.create({ amount: 2500, currency: 'usd', allowed_payment_method_types: ['card_present', 'interac_present'] } as Stripe.PaymentIntentCreateParams);
    await stripe.terminal.readers.processPaymentIntent(reader.id, { payment_intent: usdInterac.id });
    expect(await refusal(stripe.testHelpers.terminal.readers.presentPaymentMethod(reader.id, { type: 'interac_present' }))).toBe('400 payment_intent_invalid_parameter type');
    expect(await refusal(stripe.testHelpers.terminal.readers.presentPaymentMethod(reader.id, { amount_tip: 100 }))).toBe('400  amount_tip');
  });
});
