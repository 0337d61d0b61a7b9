// 3-D Secure with Stripe's test cards: confirm (as the browser does, with the publishable key and a
// return_url) leaves the intent requires_action; the challenge page is a plain HTML form whose
// answer moves the intent on and sends the browser back to return_url with Stripe's parameters.
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

const RETURN_URL = 'http://127.0.0.1:9/pay/pay_example';

/** The shopper's page: card to Stripe, confirm with the client secret and a return_url. */
async function confirmAsShopper(card: string, options: { captureMethod?: 'manual'; returnUrl?: string | null } = {}) {
  const keys = sandbox.createAccount();
  const stripe = sdk(sandbox, keys.secret_key);
  await stripe.webhookEndpoints.create({ url: receiver.url, enabled_events: ['*'] });
  const browser = sdk(sandbox, keys.publishable_key);
  const created = await stripe.paymentIntents.create({
    amount: 10000, currency: 'usd', automatic_payment_methods: { enabled: true }, ...(options.captureMethod ? { capture_method: options.captureMethod } : {}),
  });
  const pm = await browser.paymentMethods.create({ type: 'card', card: { number: card, exp_month: 12, exp_year: 2040, cvc: '123' } });
  const returnUrl = options.returnUrl === undefined ? RETURN_URL : options.returnUrl;
  const pi = await browser.paymentIntents.confirm(created.id, {
    payment_method: pm.id, client_secret: created.client_secret, ...(returnUrl ? { return_url: returnUrl } : {}),
  } as Stripe.PaymentIntentConfirmParams);
  return { stripe, browser, pi, clientSecret: created.client_secret! };
}

/** The shopper presses a button on the challenge page (a form POST); returns where the browser is sent. */
async function answer(url: string, outcome: 'complete' | 'fail') {
  const page = await fetch(url);
  expect(page.status).toBe(200);
  const html = await page.text();
  expect(html).toContain('<button type="submit" name="outcome" value="complete">Complete</button>');
  expect(html).toContain('value="fail">Fail</button>');
  const action = /<form method="post" action="([^"]+)"/.exec(html)?.[1];
  const response = await fetch(new URL(action!, url), {
    method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: `outcome=${outcome}`, redirect: 'manual',
  });
  return { status: response.status, location: response.headers.get('location') };
}

describe('3-D Secure', () => {
  it.each(['4000002500003155', '4000000000003220', '4000002760003184'])('%s: requires_action with a redirect to the challenge page', async (card) => {
    const { pi } = await confirmAsShopper(card);
    expect(pi.status).toBe('requires_action');
    expect(pi.latest_charge).toBeNull();
    expect(pi.next_action).toEqual({ type: 'redirect_to_url', redirect_to_url: { url: `${sandbox.url}/_sandbox/3ds/${pi.id}`, return_url: RETURN_URL } });
    await receiver.waitFor((r) => r.json.type === 'payment_intent.requires_action' && r.json.data.object.id === pi.id);
  });

  it('completing the challenge: succeeded, the charge shows 3DS, back to return_url with redirect_status', async () => {
    const { stripe, browser, pi, clientSecret } = await confirmAsShopper('4000002500003155');
    const { status, location } = await answer(pi.next_action!.redirect_to_url!.url!, 'complete');
    expect(status).toBe(303);
    const back = new URL(location!);
    expect(`${back.origin}${back.pathname}`).toBe(RETURN_URL);
    expect(Object.fromEntries(back.searchParams)).toEqual({ payment_intent: pi.id, payment_intent_client_secret: clientSecret, redirect_status: 'succeeded' });
    // The page re-reads the intent with its client secret and the publishable key.
    const after = await browser.paymentIntents.retrieve(pi.id, { client_secret: clientSecret } as never);
    expect([after.status, after.next_action]).toEqual(['succeeded', null]);
    const charge = await stripe.charges.retrieve(after.latest_charge as string, { expand: ['balance_transaction'] });
    expect(charge.payment_method_details?.card?.three_d_secure).toMatchObject({ result: 'authenticated', authentication_flow: 'challenge' });
    expect((charge.balance_transaction as Stripe.BalanceTransaction).fee).toBe(320);
    await receiver.waitFor((r) => r.json.type === 'payment_intent.succeeded' && r.json.data.object.id === pi.id);
    // The challenge cannot be answered twice.
    expect((await fetch(pi.next_action!.redirect_to_url!.url!)).status).toBe(409);
  });

  it('failing the challenge: requires_payment_method with payment_intent_authentication_failure; another card then pays', async () => {
    const { stripe, browser, pi, clientSecret } = await confirmAsShopper('4000000000003220');
    const { location } = await answer(pi.next_action!.redirect_to_url!.url!, 'fail');
    expect(new URL(location!).searchParams.get('redirect_status')).toBe('failed');
    const after = await stripe.paymentIntents.retrieve(pi.id);
    expect([after.status, after.payment_method, after.latest_charge]).toEqual(['requires_payment_method', null, null]);
    expect(after.last_payment_error).toMatchObject({ code: 'payment_intent_authentication_failure', type: 'invalid_request_error' });
    await receiver.waitFor((r) => r.json.type === 'payment_intent.payment_failed' && r.json.data.object.id === pi.id);
    const paid = await browser.paymentIntents.confirm(pi.id, { payment_method: 'pm_card_visa', client_secret: clientSecret } as never);
    expect(paid.status).toBe('succeeded');
  });

  it('4000008400001629: authentication succeeds, then the card is declined', async () => {
    const { stripe, pi } = await confirmAsShopper('4000008400001629');
    const { location } = await answer(pi.next_action!.redirect_to_url!.url!, 'complete');
    expect(new URL(location!).searchParams.get('redirect_status')).toBe('failed');
    const after = await stripe.paymentIntents.retrieve(pi.id, { expand: ['latest_charge'] });
    expect(after.status).toBe('requires_payment_method');
    expect(after.last_payment_error).toMatchObject({ type: 'card_error', code: 'card_declined', decline_code: 'generic_decline' });
    expect(after.latest_charge).toMatchObject({ status: 'failed', failure_code: 'card_declined' });
  });

  it('with capture_method=manual the completed challenge leaves an authorization', async () => {
    const { stripe, pi } = await confirmAsShopper('4000002500003155', { captureMethod: 'manual' });
    const { location } = await answer(pi.next_action!.redirect_to_url!.url!, 'complete');
    expect(new URL(location!).searchParams.get('redirect_status')).toBe('succeeded');
    expect(await stripe.paymentIntents.retrieve(pi.id)).toMatchObject({ status: 'requires_capture', amount_capturable: 10000 });
  });

  it('without a return_url the next action is use_stripe_sdk, and the page just says it is done', async () => {
    const { pi } = await confirmAsShopper('4000002500003155', { returnUrl: null });
    expect(pi.next_action?.type).toBe('use_stripe_sdk');
    const url = (pi.next_action?.use_stripe_sdk as { stripe_js: string }).stripe_js;
    const { status } = await answer(url, 'complete');
    expect(status).toBe(200);
  });

  it('an intent awaiting authentication can be canceled, or confirmed again with another card', async () => {
    const first = await confirmAsShopper('4000002500003155');
    expect((await first.stripe.paymentIntents.cancel(first.pi.id)).status).toBe('canceled');
    expect((await fetch(first.pi.next_action!.redirect_to_url!.url!)).status).toBe(409);
    const second = await confirmAsShopper('4000002500003155');
    const paid = await second.browser.paymentIntents.confirm(second.pi.id, { payment_method: 'pm_card_visa', client_secret: second.clientSecret } as never);
    expect([paid.status, paid.next_action]).toEqual(['succeeded', null]);
  });

  it('an unknown intent has no challenge page', async () => {
    expect((await fetch(`${sandbox.url}/_sandbox/3ds/pi_unknown`)).status).toBe(404);
  });
});
