/**
 * Payment links in a real browser: the merchant opens the admin's Payment links tab, finds a store
 * product by name, makes a link for two of it, copies its address; a shopper opens it, gives their email, pays by
 * card on Settle's page; the merchant sees the link paid once, with the store's stock down, then
 * deactivates it, and the shopper who opens it again is told it is no longer active.
 * Needs the built pages (`npm run build:web`) and Chromium (test/support/browser.ts).
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { eventually } from '../support/settle-process';
import { startSettleStack, type SettleStack } from '../support/stack';
import { adminSignInLink, signUpAndConnect, type ConnectedMerchant } from '../support/journey';
import { launchChromium, newPerson, screenshot, typeCardDetails } from '../support/browser';

const WEB_DIST = fileURLToPath(new URL('../../web/app/dist/', import.meta.url));

describe('in the browser: the merchant sells through a payment link', { timeout: 120_000 }, () => {
  let stack: SettleStack;
  let merchant: ConnectedMerchant;
  let browser: Browser;
  let productId: number;

  beforeAll(async () => {
    if (!existsSync(`${WEB_DIST}admin.html`)) throw new Error(`The built web pages are missing from ${WEB_DIST}: run \`npm run build:web\` first.`);
    browser = await launchChromium();
    stack = await startSettleStack();
    merchant = await signUpAndConnect(stack.settleUrl, stack.sandboxes, 'Candle Link Co');
    productId = (await merchant.woo.post('products', { name: 'Beeswax candle', regular_price: '12.50', manage_stock: true, stock_quantity: 10 })).data.id;
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
  });

  it('makes a link, copies it, a shopper pays through it, the link shows it paid; deactivated, it charges nobody', async () => {
    const admin = await newPerson(browser);
    await admin.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: stack.settleUrl });
    const page = await admin.newPage();
    await page.goto(await adminSignInLink(stack.settleUrl, merchant.apiKey));
    await page.getByRole('heading', { name: 'Payments', exact: true }).waitFor();
    await page.getByRole('tab', { name: 'Payment links' }).click();
    await page.getByRole('heading', { name: 'Payment links', exact: true }).waitFor();
    await page.getByText('No payment links yet.').waitFor();

    // A product ID the store does not have: refused in words, nothing made.
    await page.getByLabel('Product ID').fill('987654');
    await page.getByRole('button', { name: 'Create link' }).click();
    await page.getByText('Your store has no product with id 987654.').waitFor();

    // Found by name in the store, with its price and stock, rather than by its ID.
    await page.getByLabel('Product ID').fill('');
    await page.getByLabel('Find a product in your store').fill('beeswax');
    await page.getByRole('button', { name: 'Find', exact: true }).click();
    await page.getByText(`ID ${productId} · $12.50 · 10 left`).waitFor();
    await page.getByRole('button', { name: 'Add Beeswax candle' }).click();
    expect(await page.getByLabel('Product ID').inputValue()).toBe(String(productId));
    await page.getByLabel('Quantity').fill('2');
    await page.getByRole('button', { name: 'Create link' }).click();
    const row = page.getByRole('row').filter({ hasText: '2 × Beeswax candle' }).first();
    await row.getByText('0 paid').waitFor();
    await row.getByText('Active').waitFor();
    await row.getByRole('button', { name: 'Copy the link for 2 × Beeswax candle' }).click();
    await row.getByText('Copied').waitFor();
    const url = await page.evaluate(() => navigator.clipboard.readText());
    expect(url).toMatch(new RegExp(`^${stack.settleUrl}/pay/link/pl_[\\w-]{22}$`));

    // The shopper, in their own browser: the link's page, their email, then the card on Settle's page.
    const shopper = await (await newPerson(browser)).newPage();
    await shopper.goto(url);
    await shopper.getByRole('heading', { name: '2 × Beeswax candle' }).waitFor();
    await shopper.getByText('$25.00').last().waitFor();
    await shopper.getByLabel('Email').fill('ivy@example.com');
    await shopper.getByLabel('Name (optional)').fill('Ivy Chandler');
    await screenshot(shopper, 'payment-link-shopper');
    await shopper.getByRole('button', { name: 'Continue to payment' }).click();
    await typeCardDetails(shopper, '4242424242424242');
    await shopper.getByRole('button', { name: 'Pay $25.00' }).click();
    await shopper.getByRole('alert').getByText('Payment received — thank you').waitFor();

    // The merchant's list shows it paid (it refreshes itself), and the store's stock fell by two.
    await row.getByText('1 paid · $25.00').waitFor({ timeout: 30_000 });
    await screenshot(page, 'payment-links-admin');
    expect(await eventually(async () => (await merchant.woo.get(`products/${productId}`)).data.stock_quantity, (n) => n === 8)).toBe(8);

    page.once('dialog', (dialog) => void dialog.accept());
    await row.getByRole('button', { name: 'Deactivate' }).click();
    await row.getByText('Deactivated').waitFor();
    await shopper.goto(url);
    await shopper.getByText('This payment link is no longer active, and nothing was charged.').waitFor();
    expect(await shopper.getByRole('button', { name: 'Continue to payment' }).count()).toBe(0);
  });
});
