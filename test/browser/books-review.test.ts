/**
 * The bookkeeper's review queue in the browser ("Books review" tab): a $100 sale waits under the
 * rule "under $50"; its preview names what QuickBooks will receive; Approve posts it. A sale whose
 * item mapping points at an item QuickBooks no longer has is refused; choosing the replacement item
 * fixes the mapping and posts it. Undo in the sync log, after a confirmation, voids the receipt in
 * QuickBooks. Needs the built pages (`npm run build:web`) and Chromium. Screenshots in test-results/.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { openDatabase } from '../../connectors/database/open';
import type { Database } from '../../core/storage/database';
import { TEST_DATABASE_URL } from '../support/databases';
import { eventually } from '../support/settle-process';
import { startSettleStack, type SettleStack } from '../support/stack';
import { adminSignInLink, readBooks, signUpAndConnect, type ConnectedMerchant } from '../support/journey';
import { api, saleOf, salesReceipts } from '../support/books-review';
import { launchChromium, newPerson, screenshot } from '../support/browser';

const WEB_DIST = fileURLToPath(new URL('../../web/app/dist/', import.meta.url));

describe('in the browser: the bookkeeper approves, fixes a mapping and undoes', { timeout: 240_000 }, () => {
  let stack: SettleStack;
  let merchant: ConnectedMerchant;
  let browser: Browser;
  let db: Database;

  beforeAll(async () => {
    if (!existsSync(`${WEB_DIST}admin.html`)) throw new Error(`The built web pages are missing from ${WEB_DIST}: run \`npm run build:web\` first.`);
    browser = await launchChromium();
    stack = await startSettleStack();
    db = await openDatabase({ databaseUrl: TEST_DATABASE_URL, dataDir: '', schema: stack.env.DATABASE_SCHEMA });
    merchant = await signUpAndConnect(stack.settleUrl, stack.sandboxes, 'Ledger & Lamp');
    const rules = await api(stack.settleUrl, merchant.apiKey, '/api/books/rules', {
      method: 'PUT', body: { everything: false, under: { amount: 5000, currency: 'USD' }, knownCustomers: false, kinds: [] },
    });
    expect(rules.status).toBe(200);
  }, 120_000);

  afterAll(async () => {
    await db?.close();
    await browser?.close();
    await stack?.stop();
  });

  it('approve with a preview, fix a refused mapping, undo with a confirmation', async () => {
    const { settleUrl, sandboxes } = stack;
    await saleOf(settleUrl, merchant, '20.00');
    await eventually(() => salesReceipts(sandboxes, merchant.realmId), (r) => r.length === 1, 60_000);
    await saleOf(settleUrl, merchant, '100.00');
    await eventually(async () => (await api<{ waiting: unknown[] }>(settleUrl, merchant.apiKey, '/api/books/review')).body.waiting, (w) => w.length === 1, 60_000);

    const page = await (await newPerson(browser)).newPage();
    await page.goto(`${await adminSignInLink(settleUrl, merchant.apiKey)}`);
    await page.getByRole('tab', { name: 'Books review' }).click();
    await page.getByText('Waiting for approval (1)').waitFor();
    await page.getByLabel('Your name').fill('Bea Bookkeeper');

    // The preview: what QuickBooks will receive, every reference by name.
    await page.getByRole('button', { name: /^Preview / }).click();
    await page.getByText('QuickBooks will receive this SalesReceipt:').waitFor();
    await page.getByText('Customer: Ada Shopper').waitFor();
    await page.getByText('DepositToAccount: Stripe clearing').waitFor();
    await page.getByText('Line 1 · Item: Sales income (Settle)').waitFor();
    expect(await page.getByLabel('QuickBooks document').textContent()).toContain('"Amount": 100');
    await screenshot(page, 'books-review-preview');

    await page.getByRole('button', { name: /^Approve / }).click();
    await page.getByText(/^Approved: .* is being posted to QuickBooks\.$/).waitFor();
    await page.getByText('Waiting for approval (0)').waitFor();
    const receipts = await eventually(() => salesReceipts(sandboxes, merchant.realmId), (r) => r.length === 2, 60_000);
    expect(receipts.map((r) => r.TotalAmt).sort((a, b) => a - b)).toEqual([20, 100]);
    const [decided] = await db.query('SELECT status, decided_by FROM books_approvals WHERE merchant_id = $1', [merchant.merchantId]);
    expect(decided).toEqual({ status: 'approved', decided_by: 'Bea Bookkeeper' });

    // The bookkeeper had mapped Settle's sales to an item QuickBooks no longer has: the next sale is refused.
    const item = ((await readBooks(sandboxes, merchant.realmId)).documents.Item ?? []).find((i) => i.Name === 'Sales income (Settle)')!;
    await db.query(`UPDATE books_mapping SET external_id = '9999' WHERE merchant_id = $1 AND key = 'item:income'`, [merchant.merchantId]);
    await saleOf(settleUrl, merchant, '30.00');
    await page.getByText('Refused by QuickBooks (1)').waitFor({ timeout: 60_000 });
    await page.getByText('The item 9999 used on the sales receipt is not in QuickBooks').waitFor();
    const choose = page.getByLabel('Use this item instead');
    await expect.poll(async () => choose.locator('option').allTextContents()).toContain('Sales income (Settle)');
    await choose.selectOption({ label: 'Sales income (Settle)' });
    await screenshot(page, 'books-review-fix-mapping');
    await page.getByRole('button', { name: 'Fix mapping and retry' }).click();
    await page.getByText(/^Mapping fixed: .* is being posted again\.$/).waitFor();
    const three = await eventually(() => salesReceipts(sandboxes, merchant.realmId), (r) => r.length === 3, 60_000);
    const fixed = three.find((r) => r.TotalAmt === 30) as unknown as { Line: { SalesItemLineDetail?: { ItemRef: { value: string } } }[] };
    expect(fixed.Line[0]?.SalesItemLineDetail?.ItemRef.value).toBe(item.Id);
    await page.getByText('Refused by QuickBooks').waitFor({ state: 'detached' });

    // Undo the $100 receipt from the sync log, after confirming.
    const hundred = receipts.find((r) => r.TotalAmt === 100)!;
    await page.getByRole('link', { name: `SalesReceipt ${hundred.Id}`, exact: true }).waitFor();
    expect(await page.getByRole('link', { name: `SalesReceipt ${hundred.Id}`, exact: true }).getAttribute('href')).toBe(`https://app.qbo.intuit.com/app/salesreceipt?txnId=${hundred.Id}`);
    await page.getByRole('button', { name: `Undo SalesReceipt ${hundred.Id}` }).click();
    await page.getByText(`Void SalesReceipt ${hundred.Id} in QuickBooks?`).waitFor();
    await screenshot(page, 'books-review-undo-confirm');
    await page.getByRole('button', { name: 'Void in QuickBooks' }).click();
    await page.getByText(`SalesReceipt ${hundred.Id} was voided in QuickBooks. Your ledger is unchanged.`).waitFor();
    await page.getByText('Voided by Bea Bookkeeper').waitFor();
    expect((await salesReceipts(sandboxes, merchant.realmId)).find((r) => r.Id === hundred.Id)).toMatchObject({ TotalAmt: 0 });
    await screenshot(page, 'books-review-undone');
  });
});
