/**
 * "Connect to Settle": the merchant opens Settle's start URL, WooCommerce's app authorization
 * (/wc-auth/v1/authorize) asks the store owner, and the keys it creates arrive at Settle's callback
 * and become the WooCommerce connection. A forged, reused or denied authorization stores nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSettleStack, type SettleStack } from '../support/stack';

interface Connection { platform: string; settings: { siteUrl?: string } }

describe('WooCommerce: Connect to Settle through wc-auth', { timeout: 120_000 }, () => {
  let stack: SettleStack;
  const signUp = async (name: string) => {
    const r = await fetch(`${stack.settleUrl}/api/merchants`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ name }) });
    return ((await r.json()) as { apiKey: string }).apiKey;
  };
  const wooConnection = async (apiKey: string) => {
    const r = await fetch(`${stack.settleUrl}/api/connections`, { headers: { Authorization: `Bearer ${apiKey}` } });
    return ((await r.json()) as { connections: Connection[] }).connections.find((c) => c.platform === 'woocommerce');
  };
  /** Opens Settle's start URL and follows it to WooCommerce's approve page; returns the form's fields. */
  const openApprovePage = async (apiKey: string) => {
    const start = await fetch(`${stack.settleUrl}/connect/woocommerce?site=${encodeURIComponent(stack.sandboxes.woo.url)}`, { headers: { Authorization: `Bearer ${apiKey}` }, redirect: 'manual' });
    expect(start.status).toBe(302);
    const page = await fetch(start.headers.get('location')!);
    expect(page.status).toBe(200);
    const html = await page.text();
    const fields = Object.fromEntries([...html.matchAll(/name="(\w+)" value="([^"]*)"/g)].map((m) => [m[1]!, m[2]!.replace(/&#(\d+);/g, (_, c: string) => String.fromCharCode(Number(c)))]));
    const deny = /<a href="([^"]+)">Deny<\/a>/.exec(html)![1]!.replace(/&#(\d+);/g, (_, c: string) => String.fromCharCode(Number(c)));
    return { fields, deny };
  };
  const approve = (fields: Record<string, string>) => fetch(`${stack.sandboxes.woo.url}wc-auth/v1/access_granted`, { method: 'POST', body: new URLSearchParams(fields), redirect: 'manual' });

  beforeAll(async () => { stack = await startSettleStack(); }, 120_000);
  afterAll(async () => { await stack?.stop(); });

  it('approving connects the store, and Settle can then read it with the new keys', async () => {
    const apiKey = await signUp('Button Bakery');
    const { fields } = await openApprovePage(apiKey);
    expect(fields.scope).toBe('read_write');
    const approved = await approve(fields);
    expect(approved.status).toBe(302);
    expect(new URL(approved.headers.get('location')!).searchParams.get('success')).toBe('1');
    expect((await wooConnection(apiKey))?.settings.siteUrl).toBe(stack.sandboxes.woo.url);
    // Settle reads the store with the keys wc-auth created (its webhook check lists the store's webhooks).
    const check = await fetch(`${stack.settleUrl}/api/connections/woocommerce/webhooks/check`, { method: 'POST', headers: { Authorization: `Bearer ${apiKey}` } });
    expect(check.status).toBe(200);

    // The same authorization approved again: Settle refuses the reused user_id, so WooCommerce reports failure.
    const again = await approve(fields);
    expect(again.status).toBe(400);
  });

  it('refuses a forged user_id with 4xx and stores nothing', async () => {
    const apiKey = await signUp('Forged Florist');
    const { fields } = await openApprovePage(apiKey);
    const [kind, merchantId, expires] = fields.user_id!.split('.');
    const forged = `${kind}.${merchantId}.${expires}.${'A'.repeat(43)}`;
    const direct = await fetch(fields.callback_url!, {
      method: 'POST', headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ key_id: 1, user_id: forged, consumer_key: 'ck_forged', consumer_secret: 'cs_forged', key_permissions: 'read_write' }),
    });
    expect(direct.status).toBe(401);
    const viaStore = await approve({ ...fields, user_id: 'not-a-token' });
    expect(viaStore.status).toBe(400);
    expect(await wooConnection(apiKey)).toBeUndefined();
  });

  it('refuses a genuine user_id sent with another store address, and stores nothing', async () => {
    const apiKey = await signUp('Switched Stationer');
    const { fields } = await openApprovePage(apiKey);
    const elsewhere = new URL(fields.callback_url!);
    elsewhere.searchParams.set('site', 'https://attacker.example/');
    const switched = await fetch(elsewhere, {
      method: 'POST', headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ key_id: 1, user_id: fields.user_id, consumer_key: 'ck_theirs', consumer_secret: 'cs_theirs', key_permissions: 'read_write' }),
    });
    expect(switched.status).toBe(401);
    expect(await wooConnection(apiKey)).toBeUndefined();
  });

  it('denying returns with success=0 and stores nothing', async () => {
    const apiKey = await signUp('Denied Deli');
    const { deny } = await openApprovePage(apiKey);
    expect(new URL(deny).searchParams.get('success')).toBe('0');
    expect(await wooConnection(apiKey)).toBeUndefined();
  });
});
