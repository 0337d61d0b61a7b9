/**
 * Live mode in a real browser. With a live publishable key the payment page must use Stripe.js and
 * its Payment Element, never its own card fields (the real Stripe refuses raw card numbers from a
 * browser, and PCI scope would grow). js.stripe.com cannot be reached here, so: (1) blocked, the
 * page says so in words and shows no card fields; (2) with a stand-in for Stripe.js answered at
 * js.stripe.com, the page mounts the Payment Element, confirms through it with itself as the
 * return URL, and shows the outcome. Needs the built pages (`npm run build:web`) and Chromium.
 */
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import Stripe from 'stripe';
import { createMerchant } from '../../core/merchants/merchants';
import { insertPayment } from '../../core/payments/payments';
import { startSettleInProcess } from '../support/in-process';
import { startStripeSandbox, type StripeSandbox } from '../sandbox/stripe';
import { launchChromium, newPerson, recordRequests, screenshot } from '../support/browser';

const WEB_DIST = fileURLToPath(new URL('../../web/app/dist/', import.meta.url));
const STRIPE_JS = 'https://js.stripe.com/v3/';

/** Stands in for Stripe.js: the API surface the page uses, recording what it was asked. */
const FAKE_STRIPE_JS = `
window.stripeCalls = [];
window.Stripe = function (publishableKey) {
  window.stripeCalls.push({ call: 'Stripe', publishableKey: publishableKey });
  return {
    elements: function (options) {
      window.stripeCalls.push({ call: 'elements', clientSecret: options.clientSecret });
      return { create: function (type) {
        window.stripeCalls.push({ call: 'create', type: type });
        return { mount: function (target) { target.textContent = 'Stripe Payment Element (stand-in)'; } };
      } };
    },
    confirmPayment: function (options) {
      window.stripeCalls.push({ call: 'confirmPayment', returnUrl: options.confirmParams.return_url, redirect: options.redirect });
      return Promise.resolve({ paymentIntent: { id: 'pi_x', status: 'succeeded' } });
    },
    retrievePaymentIntent: function (clientSecret) {
      window.stripeCalls.push({ call: 'retrievePaymentIntent', clientSecret: clientSecret });
      return Promise.resolve({ paymentIntent: { id: 'pi_x', status: 'succeeded' } });
    },
  };
};`;

describe('in the browser: live mode uses Stripe.js, never the page’s own card fields', { timeout: 90_000 }, () => {
  let sandbox: StripeSandbox;
  let settle: Awaited<ReturnType<typeof startSettleInProcess>>;
  let browser: Browser;
  let payUrl: string;
  let clientSecret: string;
  let intentId: string;

  beforeAll(async () => {
    if (!existsSync(`${WEB_DIST}pay.html`)) throw new Error(`The built web pages are missing from ${WEB_DIST}: run \`npm run build:web\` first.`);
    sandbox = await startStripeSandbox({ port: 0 });
    settle = await startSettleInProcess({ STRIPE_API_BASE: sandbox.url });
    browser = await launchChromium();
    // A merchant whose connection holds a live publishable key (its API calls go to the sandbox).
    const account = sandbox.createAccount();
    const merchantId = (await createMerchant(settle.services.db, 'Live Goods')).merchant.id;
    await settle.services.connections.save({ merchantId, platform: 'stripe', settings: { publishableKey: `pk_live_${randomBytes(12).toString('hex')}`, webhookEndpointId: 'we_1' }, secrets: { secretKey: account.secret_key } });
    const stripe = new Stripe(account.secret_key, { host: '127.0.0.1', port: sandbox.port, protocol: 'http' });
    const intent = await stripe.paymentIntents.create({ amount: 4200, currency: 'eur', automatic_payment_methods: { enabled: true } });
    clientSecret = intent.client_secret!;
    intentId = intent.id;
    const id = `pay_${randomBytes(16).toString('base64url').slice(0, 22)}`;
    await insertPayment(settle.services.db, { id, merchantId, storePlatform: 'woocommerce', orderId: '9', orderNumber: '9', amount: { amount: 4200, currency: 'EUR' }, processorRef: intent.id });
    payUrl = `${settle.url}/pay/${id}`;
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await settle?.close();
    await sandbox?.close();
  });

  it('Stripe.js unreachable: the shopper is told in words, and no card field is shown', async () => {
    const context = await newPerson(browser);
    const requests = recordRequests(context);
    await context.route(`${STRIPE_JS}**`, (route) => route.abort('internetdisconnected'));
    const page = await context.newPage();
    await page.goto(payUrl);
    await page.getByRole('alert').getByText('We couldn’t load the secure card form. Check your connection and refresh the page.').waitFor();
    expect(await page.getByLabel('Card number').isVisible()).toBe(false);
    expect(await page.getByRole('button', { name: /^Pay/ }).isVisible()).toBe(false);
    await screenshot(page, 'live-mode-stripe-js-blocked');
    expect(requests.some((r) => r.url === STRIPE_JS)).toBe(true);
    expect(requests.filter((r) => r.url.startsWith(sandbox.url))).toEqual([]);
    await context.close();
  });

  it('Stripe.js loaded: the Payment Element is mounted and confirms with the page as return URL', async () => {
    const context = await newPerson(browser);
    await context.route(`${STRIPE_JS}**`, (route) => route.fulfill({ contentType: 'application/javascript', body: FAKE_STRIPE_JS }));
    const page = await context.newPage();
    await page.goto(payUrl);
    await page.getByText('Stripe Payment Element (stand-in)').waitFor();
    expect(await page.getByLabel('Card number').isVisible()).toBe(false);
    await page.getByRole('button', { name: 'Pay €42.00' }).click();
    await page.getByRole('alert').getByText('Payment received — thank you').waitFor();
    await screenshot(page, 'live-mode-paid');
    expect(await page.evaluate(() => (window as unknown as { stripeCalls: unknown[] }).stripeCalls)).toEqual([
      { call: 'Stripe', publishableKey: expect.stringMatching(/^pk_live_/) },
      { call: 'elements', clientSecret },
      { call: 'create', type: 'payment' },
      { call: 'confirmPayment', returnUrl: payUrl, redirect: 'if_required' },
    ]);
    await context.close();
  });

  it('back from the bank’s page: the outcome is read through Stripe.js too, not from the page’s own calls', async () => {
    const context = await newPerson(browser);
    const requests = recordRequests(context);
    await context.route(`${STRIPE_JS}**`, (route) => route.fulfill({ contentType: 'application/javascript', body: FAKE_STRIPE_JS }));
    const page = await context.newPage();
    await page.goto(`${payUrl}?payment_intent=${intentId}&payment_intent_client_secret=${clientSecret}&redirect_status=succeeded`);
    await page.getByRole('alert').getByText('Payment received — thank you').waitFor();
    expect(new URL(page.url()).search).toBe('');
    expect(await page.evaluate(() => (window as unknown as { stripeCalls: { call: string }[] }).stripeCalls.at(-1))).toEqual({ call: 'retrievePaymentIntent', clientSecret });
    expect(requests.filter((r) => r.url.startsWith(sandbox.url))).toEqual([]);
    await context.close();
  });
});
