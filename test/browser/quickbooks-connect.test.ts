/**
 * "Connect to QuickBooks" in the merchant's browser: Disconnect takes the place of the button while
 * connected; the green "Connect to QuickBooks" button goes through Intuit's consent page and back;
 * when the company disconnects Settle in QuickBooks, the admin says so above the payments. Needs the
 * built pages (`npm run build:web`) and Chromium.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { SecretBox } from '../../core/secrets/secret-box';
import { openDatabase } from '../../connectors/database/open';
import type { Database } from '../../core/storage/database';
import { TEST_DATABASE_URL } from '../support/databases';
import { eventually } from '../support/settle-process';
import { startSettleStack, type SettleStack } from '../support/stack';
import { adminSignInLink, signUpAndConnect, type ConnectedMerchant } from '../support/journey';
import { setUpIntuitApp } from '../support/quickbooks-connect';
import { launchChromium, newPerson, screenshot } from '../support/browser';

const WEB_DIST = fileURLToPath(new URL('../../web/app/dist/', import.meta.url));

describe('in the browser: Connect to QuickBooks, disconnect, revoked', { timeout: 120_000 }, () => {
  let stack: SettleStack;
  let merchant: ConnectedMerchant;
  let browser: Browser;
  let db: Database;

  beforeAll(async () => {
    if (!existsSync(`${WEB_DIST}admin.html`)) throw new Error(`The built web pages are missing from ${WEB_DIST}: run \`npm run build:web\` first.`);
    browser = await launchChromium();
    stack = await startSettleStack({ env: async (s, url) => ({ ...(await setUpIntuitApp(s, url)).env, QUICKBOOKS_CATCH_UP_MS: '500' }) });
    db = await openDatabase({ databaseUrl: TEST_DATABASE_URL, dataDir: '', schema: stack.env.DATABASE_SCHEMA });
    merchant = await signUpAndConnect(stack.settleUrl, stack.sandboxes, 'Harbour Books');
  }, 120_000);

  afterAll(async () => {
    await db?.close();
    await browser?.close();
    await stack?.stop();
  });

  const quickBooks = async () => {
    const response = await fetch(`${stack.settleUrl}/api/connections`, { headers: { Authorization: `Bearer ${merchant.apiKey}` } });
    return ((await response.json()) as { connections: { platform: string; status: string; settings: { realmId: string } }[] }).connections.find((c) => c.platform === 'quickbooks')!;
  };

  it('Disconnect, then "Connect to QuickBooks" through Intuit\'s page, then the warning when the company disconnects Settle', async () => {
    const page = await (await newPerson(browser)).newPage();
    await page.goto(await adminSignInLink(stack.settleUrl, merchant.apiKey));
    await page.getByText(`posted to QuickBooks company ${merchant.realmId}`).waitFor();
    expect(await page.getByRole('link', { name: 'Connect to QuickBooks' }).count()).toBe(0);

    await page.getByRole('button', { name: 'Disconnect' }).click();
    const button = page.getByRole('link', { name: 'Connect to QuickBooks' });
    await button.waitFor();
    expect(await stack.sandboxes.quickbooks.connected(merchant.realmId)).toBe(false);
    expect(await button.evaluate((a) => getComputedStyle(a).backgroundColor)).toBe('rgb(44, 160, 28)');
    await screenshot(page, 'quickbooks-connect-button');

    await button.click();
    await page.getByRole('button', { name: 'Connect', exact: true }).click(); // Intuit's consent page
    await page.waitForURL(/\/admin\/\?connected=quickbooks/);
    const connected = await eventually(quickBooks, (c) => c.status === 'active');
    await page.getByText(`posted to QuickBooks company ${connected.settings.realmId}`).waitFor();
    expect(connected.settings.realmId).not.toBe(merchant.realmId);

    // The company disconnects Settle in QuickBooks; Settle finds out when it next refreshes its access.
    await stack.sandboxes.quickbooks.disconnectApp(connected.settings.realmId);
    const box = new SecretBox(Buffer.from(stack.env.SETTLE_ENCRYPTION_KEY!, 'base64'));
    const [row] = await db.query<{ secrets: string }>(`SELECT secrets FROM connections WHERE platform = 'quickbooks' AND merchant_id = $1`, [merchant.merchantId]);
    const expired = { ...JSON.parse(box.open(row!.secrets)), accessTokenExpiresAt: 0 };
    await db.query(`UPDATE connections SET secrets = $2 WHERE platform = 'quickbooks' AND merchant_id = $1`, [merchant.merchantId, box.seal(JSON.stringify(expired))]);
    await eventually(quickBooks, (c) => c.status === 'revoked');
    await page.reload();
    await page.getByText('Settle can no longer reach your QuickBooks company').waitFor();
    expect(await page.getByRole('link', { name: 'Connect to QuickBooks' }).count()).toBe(2); // the banner's and the card's
    await screenshot(page, 'quickbooks-revoked');
  });
});
