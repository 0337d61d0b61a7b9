/**
 * The QuickBooks mapping step in the merchant's browser, opened from the QuickBooks card: pick an
 * existing account for a role, create the account for another; the choices land in QuickBooks and
 * in Settle's mapping. Needs the built pages (`npm run build:web`) and Chromium.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { startSettleStack, type SettleStack } from '../support/stack';
import { adminSignInLink, merchantApi, readBooks, signUpAndConnect, type ConnectedMerchant } from '../support/journey';
import { launchChromium, newPerson, screenshot } from '../support/browser';

const WEB_DIST = fileURLToPath(new URL('../../web/app/dist/', import.meta.url));

describe('in the browser: the QuickBooks mapping step', { timeout: 180_000 }, () => {
  let stack: SettleStack;
  let merchant: ConnectedMerchant;
  let browser: Browser;
  let salesId: string;

  beforeAll(async () => {
    if (!existsSync(`${WEB_DIST}admin.html`)) throw new Error(`The built web pages are missing from ${WEB_DIST}: run \`npm run build:web\` first.`);
    browser = await launchChromium();
    stack = await startSettleStack();
    merchant = await signUpAndConnect(stack.settleUrl, stack.sandboxes, 'Mapping Mugs');
    // The bookkeeper's own income account, already in QuickBooks.
    const response = await fetch(`${stack.sandboxes.quickbooks.apiBaseUrl}${merchant.realmId}/account?minorversion=75`, {
      method: 'POST', headers: { Authorization: `Bearer ${merchant.quickBooksAccessToken}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ Name: 'Product sales', AccountType: 'Income', AccountSubType: 'SalesOfProductIncome' }),
    });
    salesId = ((await response.json()) as { Account: { Id: string } }).Account.Id;
  }, 150_000);

  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
  });

  const mapped = async (role: string) => {
    const { body } = await merchantApi(stack.settleUrl, merchant.apiKey, '/api/books/mapping');
    return (body.mapping.accounts as { role: string; account: { id: string; name: string } | null }[]).find((a) => a.role === role)!.account;
  };

  it('picks an existing account for Sales income and creates the Dispute fees account', async () => {
    const page = await (await newPerson(browser)).newPage();
    await page.goto(await adminSignInLink(stack.settleUrl, merchant.apiKey));
    await page.getByRole('button', { name: 'Accounts and products' }).click();
    const income = page.getByLabel('QuickBooks account for Sales income');
    await income.waitFor();
    expect(await page.getByText('10 still to choose.').count()).toBe(1);

    await income.selectOption({ label: 'Product sales (Income)' });
    await page.getByText('9 still to choose.').waitFor();
    expect(await mapped('income')).toEqual({ id: salesId, name: 'Product sales', type: 'Income' });

    await page.getByLabel('QuickBooks account for Dispute fees').selectOption({ label: 'Create “Dispute fees”' });
    await page.getByText('8 still to choose.').waitFor();
    const disputeFees = await mapped('dispute_fees');
    const accounts = (await readBooks(stack.sandboxes, merchant.realmId)).documents.Account ?? [];
    expect(accounts.find((a) => a.Id === disputeFees?.id)).toMatchObject({ Name: 'Dispute fees', AccountType: 'Expense' });
    expect(await page.getByLabel('QuickBooks account for Dispute fees').inputValue()).toBe(disputeFees?.id);
    await screenshot(page, 'quickbooks-mapping-step');
  });
});
