/**
 * Stripe Connect in the merchant's browser: after the merchant removed Settle in Stripe, the admin
 * says so above the payments; "Connect Stripe again" goes through Stripe's consent page and back,
 * and the warning is gone. Needs the built pages (`npm run build:web`) and Chromium.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { eventually } from '../support/settle-process';
import { startSettleStack, type SettleStack } from '../support/stack';
import { adminSignInLink, signUpAndConnect, type ConnectedMerchant } from '../support/journey';
import { connectThroughStripe, setUpConnectPlatform, type ConnectPlatform } from '../support/stripe-connect';
import { launchChromium, newPerson, screenshot } from '../support/browser';

const WEB_DIST = fileURLToPath(new URL('../../web/app/dist/', import.meta.url));

describe('in the browser: Stripe access removed, and connected again', { timeout: 90_000 }, () => {
  let stack: SettleStack;
  let connect: ConnectPlatform;
  let merchant: ConnectedMerchant;
  let browser: Browser;

  beforeAll(async () => {
    if (!existsSync(`${WEB_DIST}admin.html`)) throw new Error(`The built web pages are missing from ${WEB_DIST}: run \`npm run build:web\` first.`);
    browser = await launchChromium();
    stack = await startSettleStack({
      env: async (s, url) => {
        connect = await setUpConnectPlatform(s, url);
        return connect.env;
      },
    });
    merchant = await signUpAndConnect(stack.settleUrl, stack.sandboxes, 'Harbour Books', {
      connectStripe: async (apiKey, account) => void (await connectThroughStripe(stack.settleUrl, apiKey, account.id)),
    });
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
  });

  const stripeStatus = async () => {
    const response = await fetch(`${stack.settleUrl}/api/connections`, { headers: { Authorization: `Bearer ${merchant.apiKey}` } });
    return ((await response.json()) as { connections: { platform: string; status: string }[] }).connections.find((c) => c.platform === 'stripe')?.status;
  };

  it('the admin warns that Stripe access was removed, and "Connect Stripe again" restores it through Stripe', async () => {
    const page = await (await newPerson(browser)).newPage();
    await page.goto(await adminSignInLink(stack.settleUrl, merchant.apiKey));
    await page.getByRole('heading', { name: 'Payments', exact: true }).waitFor();
    expect(await page.getByText('Settle can no longer reach your Stripe account').count()).toBe(0);

    stack.sandboxes.stripe.revokeAccess(merchant.stripeAccount.id, connect.platform.client_id);
    await eventually(stripeStatus, (s) => s === 'revoked');
    await page.reload();
    await page.getByText('Settle can no longer reach your Stripe account').waitFor();
    await page.getByText('Settle was removed from your Stripe account in Stripe, so new payments are refused.').waitFor();
    await screenshot(page, 'stripe-access-revoked');

    await page.getByRole('button', { name: 'Connect Stripe again' }).click();
    // Stripe's consent page: the merchant, signed in to their account, approves.
    await page.getByRole('heading', { name: 'Settle would like to connect to your Stripe account' }).waitFor();
    await page.getByLabel('Existing account id (optional)').fill(merchant.stripeAccount.id);
    await page.getByRole('button', { name: 'Connect my Stripe account' }).click();

    await page.waitForURL((url) => url.pathname === '/admin/' && url.searchParams.get('connected') === 'stripe');
    await page.getByRole('heading', { name: 'Payments', exact: true }).waitFor();
    expect(await stripeStatus()).toBe('active');
    expect(await page.getByText('Settle can no longer reach your Stripe account').count()).toBe(0);
    await screenshot(page, 'stripe-connected-again');
  });
});
