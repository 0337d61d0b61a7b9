/**
 * A shopper sent by Shopify's checkout, in a real browser: Settle's page names the shop and the
 * checkout, offers the way back to Shopify's checkout, takes the card (to the Stripe sandbox), and
 * once Settle has resolved Shopify's payment session offers the shopper Shopify's order status page.
 * Needs the built pages (`npm run build:web`) and Chromium (test/support/browser.ts).
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { launchChromium, newPerson, screenshot, typeCardDetails } from '../support/browser';
import {
  ORDER_STATUS, SHOP_NAME, answerShopify, applyStripeEvents, paymentIdOf, paymentSessionBody, postAsShopify, startShopifySessionsWorld,
  type ShopifySessionsWorld,
} from '../support/shopify-payment-sessions';

const WEB_DIST = fileURLToPath(new URL('../../web/app/dist/', import.meta.url));

describe('in the browser: paying a Shopify checkout on Settle’s page', { timeout: 90_000 }, () => {
  let world: ShopifySessionsWorld;
  let browser: Browser;

  beforeAll(async () => {
    if (!existsSync(`${WEB_DIST}pay.html`)) throw new Error(`The built web pages are missing from ${WEB_DIST}: run \`npm run build:web\` first.`);
    world = await startShopifySessionsWorld();
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await world?.close();
  });

  it('shows the shop and the checkout, takes the card, then leads to Shopify’s order status page', async () => {
    const session = paymentSessionBody({ amount: '42.50' });
    const { body } = await postAsShopify(world.settle.url, '/shopify/payments/sessions', session);
    const paymentId = paymentIdOf(body.redirect_url);
    const page = await (await newPerson(browser)).newPage();
    await page.goto(`${world.settle.url}/pay/${paymentId}`);

    await page.getByText(SHOP_NAME, { exact: true }).waitFor();
    await page.getByText('Checkout', { exact: true }).waitFor();
    const cancel = page.getByRole('link', { name: `Cancel and return to ${SHOP_NAME}` });
    expect(await cancel.getAttribute('href')).toBe(session.payment_method.data.cancel_url);
    await screenshot(page, 'shopify-checkout-open');

    await typeCardDetails(page, '4242424242424242');
    await page.getByRole('button', { name: 'Pay $42.50' }).click();
    await page.getByText(`You paid $42.50 to ${SHOP_NAME} (Checkout).`).waitFor();
    expect(await cancel.isVisible()).toBe(false);

    // Stripe's webhook reaches Settle, and Settle resolves Shopify's session (the worker's work).
    await applyStripeEvents(world);
    await answerShopify(world);
    expect(world.told).toEqual([`resolve ${session.gid}`]);
    const onward = page.getByRole('link', { name: `Continue to your order at ${SHOP_NAME}` });
    await onward.waitFor();
    expect(await onward.getAttribute('href')).toBe(ORDER_STATUS);
    await screenshot(page, 'shopify-checkout-paid');
  });

  it('"Cancel and return" cancels the payment, rejects the session and takes the shopper back to Shopify’s checkout', async () => {
    const session = paymentSessionBody({ amount: '19.00' });
    const { body } = await postAsShopify(world.settle.url, '/shopify/payments/sessions', session);
    const page = await (await newPerson(browser)).newPage();
    // Shopify's checkout, as far as this machine can reach it.
    await page.route(`${new URL(session.payment_method.data.cancel_url).origin}/**`, (route) =>
      route.fulfill({ status: 200, contentType: 'text/html', body: '<h1>Shopify checkout: choose a payment method</h1>' }));
    await page.goto(`${world.settle.url}/pay/${paymentIdOf(body.redirect_url)}`);
    await page.getByRole('link', { name: `Cancel and return to ${SHOP_NAME}` }).click();
    await page.getByRole('heading', { name: 'Shopify checkout: choose a payment method' }).waitFor();
    expect(page.url()).toBe(session.payment_method.data.cancel_url);
    await answerShopify(world);
    expect(world.told).toContain(`reject ${session.gid} PROCESSING_ERROR`);
  });
});
