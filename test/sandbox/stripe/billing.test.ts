// The sandbox speaks API 2023-08-16 (the stored spec): invoices name their payment_intent, charges
// their invoice, subscriptions their current period. stripe@23's types are newer, hence the casts.
// Customers, saved cards (SetupIntents), off-session charges and Stripe Billing subscriptions in
// the sandbox: what Stripe does, and what it refuses.
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

async function account() {
  const keys = sandbox.createAccount();
  const stripe = sdk(sandbox, keys.secret_key);
  await stripe.webhookEndpoints.create({ url: receiver.url, enabled_events: ['*'] });
  return { stripe, browser: sdk(sandbox, keys.publishable_key) };
}

/** The shopper saves a card on the customer: SetupIntent created by the server, confirmed by the browser. */
async function saveCard(stripe: Stripe, browser: Stripe, customer: string, number: string) {
  const si = await stripe.setupIntents.create({ customer, usage: 'off_session', payment_method_types: ['card'] } as Stripe.SetupIntentCreateParams);
  const pm = await browser.paymentMethods.create({ type: 'card', card: { number, exp_month: 12, exp_year: 2040, cvc: '123' } });
  const confirmed = await browser.setupIntents.confirm(si.id, { payment_method: pm.id, client_secret: si.client_secret } as Stripe.SetupIntentConfirmParams);
  return { si: confirmed, pm };
}

type Invoice2023 = Stripe.Invoice & { payment_intent: string | Stripe.PaymentIntent | null };

const stripeError = async (p: Promise<unknown>) => {
  try {
    await p;
  } catch (e) {
    const err = e as { statusCode: number; type: string; code?: string; decline_code?: string; message: string; raw: { payment_intent?: Stripe.PaymentIntent } };
    return err;
  }
  throw new Error('expected Stripe to refuse');
};

describe('customers and saved cards', () => {
  it('creates, updates, retrieves and lists customers by email', async () => {
    const { stripe } = await account();
    const c = await stripe.customers.create({ email: 'ada@example.com', name: 'Ada', metadata: { settle_customer: 'cu_1' } });
    expect(c).toMatchObject({ object: 'customer', email: 'ada@example.com', name: 'Ada', invoice_settings: { default_payment_method: null } });
    await stripe.customers.create({ email: 'bob@example.com' });
    const updated = await stripe.customers.update(c.id, { name: 'Ada Lovelace' });
    expect(updated.name).toBe('Ada Lovelace');
    expect((await stripe.customers.retrieve(c.id)) as Stripe.Customer).toMatchObject({ name: 'Ada Lovelace', metadata: { settle_customer: 'cu_1' } });
    expect((await stripe.customers.list({ email: 'ada@example.com' })).data.map((x) => x.id)).toEqual([c.id]);
    await receiver.waitFor((r) => r.json.type === 'customer.updated' && r.json.data.object.id === c.id);
  });

  it('a SetupIntent saves the card on the customer: brand, last4, expiry; no charge', async () => {
    const { stripe, browser } = await account();
    const c = await stripe.customers.create({ email: 'save@example.com' });
    const { si, pm } = await saveCard(stripe, browser, c.id, '4242424242424242');
    expect(si).toMatchObject({ status: 'succeeded', usage: 'off_session', customer: c.id, payment_method: pm.id });
    const cards = await stripe.customers.listPaymentMethods(c.id);
    expect(cards.data.map((x) => [x.id, x.card?.brand, x.card?.last4, x.card?.exp_month, x.card?.exp_year])).toEqual([[pm.id, 'visa', '4242', 12, 2040]]);
    expect((await stripe.charges.list()).data).toEqual([]);
    await receiver.waitFor((r) => r.json.type === 'setup_intent.succeeded' && r.json.data.object.id === si.id);
    await receiver.waitFor((r) => r.json.type === 'payment_method.attached' && r.json.data.object.id === pm.id);
  });

  it('a 3-D Secure card: the setup waits for the challenge; completing it saves the card', async () => {
    const { stripe, browser } = await account();
    const c = await stripe.customers.create({});
    const { si, pm } = await saveCard(stripe, browser, c.id, '4000002500003155');
    expect(si.status).toBe('requires_action');
    expect((await stripe.customers.listPaymentMethods(c.id)).data).toEqual([]);
    const url = (si.next_action as unknown as { use_stripe_sdk: { stripe_js: string } }).use_stripe_sdk.stripe_js;
    const answered = await fetch(url, { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: 'outcome=complete' });
    expect(answered.status).toBe(200);
    expect((await stripe.setupIntents.retrieve(si.id)).status).toBe('succeeded');
    expect((await stripe.customers.listPaymentMethods(c.id)).data.map((x) => x.id)).toEqual([pm.id]);
  });

  it('a declined card is not saved (402, last_setup_error); 4000000000000341 is saved but its charges fail', async () => {
    const { stripe, browser } = await account();
    const c = await stripe.customers.create({});
    const err = await stripeError(saveCard(stripe, browser, c.id, '4000000000000002'));
    expect([err.statusCode, err.code, err.decline_code]).toEqual([402, 'card_declined', 'generic_decline']);
    expect((await stripe.customers.listPaymentMethods(c.id)).data).toEqual([]);
    const { si } = await saveCard(stripe, browser, c.id, '4000000000000341');
    expect(si.status).toBe('succeeded');
  });

  it('attach, detach, and refusals: a card saved on another customer, an unknown customer', async () => {
    const { stripe } = await account();
    const a = await stripe.customers.create({});
    const b = await stripe.customers.create({});
    const pm = await stripe.paymentMethods.attach('pm_card_visa', { customer: a.id });
    expect(pm.customer).toBe(a.id);
    expect((await stripeError(stripe.paymentMethods.attach(pm.id, { customer: b.id }))).code).toBe('payment_method_unexpected_state');
    expect((await stripeError(stripe.setupIntents.create({ customer: 'cus_nope' }))).statusCode).toBe(404);
    const other = await stripeError(stripe.paymentIntents.create({ amount: 1000, currency: 'usd', customer: b.id, payment_method: pm.id, off_session: true, confirm: true }));
    expect([other.statusCode, other.message]).toEqual([400, expect.stringContaining('does not belong to the Customer')]);
    expect((await stripe.paymentMethods.detach(pm.id)).customer).toBeNull();
    expect((await stripeError(stripe.paymentMethods.detach(pm.id))).code).toBe('payment_method_unexpected_state');
  });
});

describe('off-session charges of a saved card', () => {
  async function customerWithCard(number: string) {
    const { stripe, browser } = await account();
    const c = await stripe.customers.create({ email: 'later@example.com' });
    const { pm } = await saveCard(stripe, browser, c.id, number);
    return { stripe, customer: c.id, pm: pm.id };
  }

  it('succeeds without the customer: the charge is the customer’s, with the fee table’s fee', async () => {
    const { stripe, customer, pm } = await customerWithCard('4242424242424242');
    const pi = await stripe.paymentIntents.create(
      { amount: 5000, currency: 'usd', customer, payment_method: pm, off_session: true, confirm: true, expand: ['latest_charge.balance_transaction'] },
    );
    expect([pi.status, pi.customer]).toEqual(['succeeded', customer]);
    const charge = pi.latest_charge as Stripe.Charge;
    expect(charge.customer).toBe(customer);
    expect((charge.balance_transaction as Stripe.BalanceTransaction).fee).toBe(175); // 2.9% of 50.00 + 0.30
  });

  it('a card that always asks for 3-D Secure: 402 authentication_required, the intent waits for a payment method', async () => {
    const { stripe: acct } = await account();
    const c = (await acct.customers.create({})).id;
    const card = (await acct.paymentMethods.attach('pm_card_authenticationRequired', { customer: c })).id;
    const err = await stripeError(acct.paymentIntents.create({ amount: 5000, currency: 'usd', customer: c, payment_method: card, off_session: true, confirm: true }));
    expect([err.statusCode, err.type, err.code, err.decline_code]).toEqual([402, 'StripeCardError', 'authentication_required', 'authentication_required']);
    expect(err.raw.payment_intent).toMatchObject({ status: 'requires_payment_method', last_payment_error: { code: 'authentication_required' } });
    await receiver.waitFor((r) => r.json.type === 'payment_intent.payment_failed' && r.json.data.object.id === err.raw.payment_intent!.id);
  });

  it('4000002500003155 asks for 3-D Secure when saved, not off-session afterwards', async () => {
    const { stripe } = await account();
    const c = await stripe.customers.create({});
    const pm = await stripe.paymentMethods.attach('pm_card_authenticationRequiredOnSetup', { customer: c.id });
    const pi = await stripe.paymentIntents.create({ amount: 5000, currency: 'usd', customer: c.id, payment_method: pm.id, off_session: true, confirm: true });
    expect(pi.status).toBe('succeeded');
  });

  it('created first, then confirmed off-session (as Settle does): only the customer’s own card is charged', async () => {
    const { stripe, customer, pm } = await customerWithCard('4242424242424242');
    const stranger = await stripe.paymentMethods.attach('pm_card_visa', { customer: (await stripe.customers.create({})).id });
    const pi = await stripe.paymentIntents.create({ amount: 5000, currency: 'usd', customer, payment_method: pm });
    const refused = await stripeError(stripe.paymentIntents.confirm(pi.id, { payment_method: stranger.id, off_session: true }));
    expect([refused.statusCode, refused.message]).toEqual([400, expect.stringContaining('does not belong to the Customer')]);
    const paid = await stripe.paymentIntents.confirm(pi.id, { payment_method: pm, off_session: true });
    expect([paid.status, paid.customer]).toEqual(['succeeded', customer]);
  });

  it('a declined card: 402 card_declined; off_session without confirm is refused', async () => {
    const { stripe, customer, pm } = await customerWithCard('4000000000000341');
    const err = await stripeError(stripe.paymentIntents.create({ amount: 5000, currency: 'usd', customer, payment_method: pm, off_session: true, confirm: true }));
    expect([err.statusCode, err.code, err.decline_code]).toEqual([402, 'card_declined', 'generic_decline']);
    const noConfirm = await stripeError(stripe.paymentIntents.create({ amount: 5000, currency: 'usd', customer, payment_method: pm, off_session: true }));
    expect([noConfirm.statusCode, noConfirm.message]).toEqual([400, expect.stringContaining('`confirm`')]);
  });
});

describe('Stripe Billing subscriptions', () => {
  async function subscribed(number: string) {
    const { stripe, browser } = await account();
    const c = await stripe.customers.create({ email: 'member@example.com', name: 'Member' });
    const { pm } = await saveCard(stripe, browser, c.id, number);
    const product = await stripe.products.create({ name: 'Coffee club' });
    const price = await stripe.prices.create({ product: product.id, currency: 'usd', unit_amount: 2500, recurring: { interval: 'month' } });
    const sub = await stripe.subscriptions.create({ customer: c.id, items: [{ price: price.id }], default_payment_method: pm.id, expand: ['latest_invoice.payment_intent'] });
    return { stripe, browser, customer: c.id, pm: pm.id, sub };
  }

  it('the first invoice is paid at once: a PaymentIntent, a charge and a balance transaction with the fee', async () => {
    const { stripe, sub, customer } = await subscribed('4242424242424242');
    expect(sub.status).toBe('active');
    const invoice = sub.latest_invoice as Invoice2023;
    expect(invoice).toMatchObject({ status: 'paid', paid: true, amount_paid: 2500, billing_reason: 'subscription_create', customer, subscription: sub.id });
    const pi = invoice.payment_intent as Stripe.PaymentIntent;
    expect(pi).toMatchObject({ status: 'succeeded', amount: 2500, customer, invoice: invoice.id });
    const charge = await stripe.charges.retrieve(pi.latest_charge as string, { expand: ['balance_transaction'] });
    expect([(charge as unknown as { invoice: string }).invoice, (charge.balance_transaction as Stripe.BalanceTransaction).fee]).toEqual([invoice.id, 103]); // 72.5 -> 73 + 30
    await receiver.waitFor((r) => r.json.type === 'invoice.paid' && r.json.data.object.id === invoice.id);
    await receiver.waitFor((r) => r.json.type === 'customer.subscription.created' && r.json.data.object.id === sub.id);
  });

  it('each period the clock passes is invoiced and charged; after cancel nothing more', async () => {
    const { stripe, sub } = await subscribed('4242424242424242');
    sandbox.advanceClock(32 * 86_400);
    sandbox.advanceClock(31 * 86_400);
    const invoices = (await stripe.invoices.list({ subscription: sub.id })).data;
    expect(invoices.map((i) => [i.billing_reason, i.status, i.amount_paid])).toEqual([
      ['subscription_cycle', 'paid', 2500], ['subscription_cycle', 'paid', 2500], ['subscription_create', 'paid', 2500],
    ]);
    const after = (await stripe.subscriptions.retrieve(sub.id)) as unknown as { current_period_start: number };
    expect(after.current_period_start).toBeGreaterThan((sub as unknown as { current_period_start: number }).current_period_start);
    await stripe.subscriptions.cancel(sub.id);
    sandbox.advanceClock(62 * 86_400);
    expect((await stripe.invoices.list({ subscription: sub.id })).data).toHaveLength(3);
    expect((await stripeError(stripe.subscriptions.cancel(sub.id))).statusCode).toBe(400);
  });

  it('a failed renewal: the invoice stays open with the decline on its PaymentIntent, the subscription past_due', async () => {
    const { stripe, browser, customer, sub } = await subscribed('4242424242424242');
    const { pm: failing } = await saveCard(stripe, browser, customer, '4000000000000341');
    await stripe.subscriptions.update(sub.id, { default_payment_method: failing.id });
    sandbox.advanceClock(32 * 86_400);
    const [renewal] = (await stripe.invoices.list({ subscription: sub.id, expand: ['data.payment_intent'] })).data as Invoice2023[];
    expect(renewal).toMatchObject({ status: 'open', paid: false, attempt_count: 1, amount_remaining: 2500 });
    expect((renewal!.payment_intent as Stripe.PaymentIntent).last_payment_error).toMatchObject({ code: 'card_declined', message: 'Your card was declined.' });
    expect((await stripe.subscriptions.retrieve(sub.id)).status).toBe('past_due');
    await receiver.waitFor((r) => r.json.type === 'invoice.payment_failed' && r.json.data.object.id === renewal!.id);
  });

  it('refuses a one-time price, an unknown price, a card of another customer, and unmodelled parameters', async () => {
    const { stripe, customer } = await subscribed('4242424242424242');
    const oneTime = await stripe.prices.create({ product_data: { name: 'Mug' }, currency: 'usd', unit_amount: 900 });
    expect((await stripeError(stripe.subscriptions.create({ customer, items: [{ price: oneTime.id }] }))).message).toContain('type=recurring');
    expect((await stripeError(stripe.subscriptions.create({ customer, items: [{ price: 'price_nope' }] }))).statusCode).toBe(404);
    const stranger = await stripe.paymentMethods.attach('pm_card_visa', { customer: (await stripe.customers.create({})).id });
    const monthly = await stripe.prices.create({ product_data: { name: 'Tea' }, currency: 'usd', unit_amount: 900, recurring: { interval: 'month' } });
    expect((await stripeError(stripe.subscriptions.create({ customer, items: [{ price: monthly.id }], default_payment_method: stranger.id }))).statusCode).toBe(400);
    const trial = await stripeError(stripe.subscriptions.create({ customer, items: [{ price: monthly.id }], trial_period_days: 7 }));
    expect([trial.statusCode, trial.message]).toEqual([400, 'Stripe sandbox does not implement parameter: trial_period_days']);
    const unknown = await stripeError(stripe.customers.create({ favourite_colour: 'blue' } as never));
    expect([unknown.statusCode, unknown.code]).toEqual([400, 'parameter_unknown']);
  });
});
