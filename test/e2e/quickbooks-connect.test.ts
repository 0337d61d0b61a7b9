/**
 * "Connect to QuickBooks" end to end over HTTP: the merchant connects a company on Intuit's consent
 * page; the tokens are stored encrypted; sales post to that company; the access token is refreshed and
 * the refresh token rotated; a company that disconnects Settle shows as revoked and books jobs stop
 * until the merchant reconnects (same company: mapping kept; another company: refused); disconnecting
 * revokes at Intuit. Changes the bookkeeper makes in QuickBooks to Settle's documents are flagged,
 * never overwritten: by webhook (legacy and CloudEvents, signature checked) and by the CDC catch-up.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SecretBox } from '../../core/secrets/secret-box';
import { openDatabase } from '../../connectors/database/open';
import type { Database } from '../../core/storage/database';
import { eventually, startSettleProcess } from '../support/settle-process';
import { startSettleStack, type SettleStack } from '../support/stack';
import { TEST_DATABASE_URL } from '../support/databases';
import { connectThroughIntuit, setUpIntuitApp, type IntuitApp } from '../support/quickbooks-connect';
import { merchantApi, payAsShopper, placeOrder, readBooks, readPayments, signUpAndConnect, startCheckout, type ConnectedMerchant } from '../support/journey';
import { intuitSignature } from '../sandbox/quickbooks/webhooks';

interface Flag { documentType: string; documentId: string; change: string; foundBy: string; postedAmountFormatted: string; currentAmountFormatted: string | null; explanation: string }

describe('Connect to QuickBooks, end to end', { timeout: 120_000 }, () => {
  let stack: SettleStack;
  let intuit: IntuitApp;
  let shop: ConnectedMerchant;
  let realmId: string;
  let db: Database;
  let box: SecretBox;

  beforeAll(async () => {
    stack = await startSettleStack({
      env: async (s, url) => {
        intuit = await setUpIntuitApp(s, url);
        // The catch-up runs only in the worker started for its own test, so webhooks are seen alone first.
        return { ...intuit.env, QUICKBOOKS_CATCH_UP_MS: '0' };
      },
    });
    db = await openDatabase({ databaseUrl: TEST_DATABASE_URL, dataDir: '', schema: stack.env.DATABASE_SCHEMA });
    box = new SecretBox(Buffer.from(stack.env.SETTLE_ENCRYPTION_KEY!, 'base64'));
    shop = await signUpAndConnect(stack.settleUrl, stack.sandboxes, 'Lamp Shop');
  }, 120_000);
  afterAll(async () => {
    await db?.close();
    await stack?.stop();
  });

  const api = (path: string, init: { method?: string; body?: unknown } = {}) => merchantApi(stack.settleUrl, shop.apiKey, path, init);
  const quickBooks = async () =>
    ((await api('/api/connections')).body as { connections: { platform: string; status: string; settings: { realmId?: string; mode?: string } }[] }).connections.find((c) => c.platform === 'quickbooks')!;
  const storedSecrets = async () => {
    const [row] = await db.query<{ secrets: string }>(`SELECT secrets FROM connections WHERE platform = 'quickbooks' AND merchant_id = $1`, [shop.merchantId]);
    return { sealed: row!.secrets, open: JSON.parse(box.open(row!.secrets)) as { accessToken?: string; refreshToken?: string } };
  };
  /** Settle's clock reaches the access token's expiry (the sandbox's 1 h is Settle's too). */
  const expireAccessToken = async () => {
    const { open } = await storedSecrets();
    await db.query(`UPDATE connections SET secrets = $2 WHERE platform = 'quickbooks' AND merchant_id = $1`, [shop.merchantId, box.seal(JSON.stringify({ ...open, accessTokenExpiresAt: 0 }))]);
  };
  const flags = async () => ((await api('/api/books/flags')).body as { flags: Flag[] }).flags;
  async function sale(price: string) {
    const product = (await shop.woo.post('products', { name: `Lamp ${price}`, regular_price: price })).data as { id: number };
    const order = await placeOrder(shop.woo, { productId: product.id, quantity: 1 });
    const checkout = await startCheckout(stack.settleUrl, shop.apiKey, order.id);
    expect(await payAsShopper(stack.settleUrl, checkout.payment.id)).toBe('succeeded');
    return checkout.payment.id;
  }
  const booksIn = (realm: string) => readBooks(stack.sandboxes, realm);
  /** The bookkeeper, in QuickBooks itself, on the company's documents. */
  async function inQuickBooks(path: string, body: unknown) {
    const { open } = await storedSecrets();
    const r = await fetch(`${stack.sandboxes.quickbooks.apiBaseUrl}${realmId}${path}`, {
      method: 'POST', headers: { authorization: `Bearer ${open.accessToken}`, 'content-type': 'application/json', accept: 'application/json' }, body: JSON.stringify(body),
    });
    expect(r.status).toBe(200);
    return r.json() as Promise<Record<string, Record<string, unknown>>>;
  }

  it('Cancel on Intuit\'s page connects nothing; a forged state is refused', async () => {
    const cancelled = await connectThroughIntuit(stack.settleUrl, shop.apiKey, { decision: 'cancel' });
    expect(cancelled.callback.status).toBe(400);
    expect(await cancelled.callback.text()).toContain('QuickBooks was not connected (access_denied)');
    const forged = await fetch(`${stack.settleUrl}/quickbooks/callback?state=forged.c2ln&code=x&realmId=1`, { redirect: 'manual' });
    expect(forged.status).toBe(400);
    expect(await forged.text()).toContain('not from Settle');
  });

  it('connects a company, keeps its tokens encrypted, and the sales post to it', async () => {
    const { callback, realmId: realm } = await connectThroughIntuit(stack.settleUrl, shop.apiKey);
    expect(callback.status).toBe(303);
    expect(callback.headers.get('location')).toBe('/admin/?connected=quickbooks');
    realmId = realm!;
    expect(await quickBooks()).toMatchObject({ status: 'active', settings: { realmId, mode: 'oauth' } });

    const { sealed, open } = await storedSecrets();
    expect(open.accessToken).toBeTruthy();
    expect(sealed).toMatch(/^v1\./);
    expect(sealed).not.toContain(open.accessToken!);
    expect(sealed).not.toContain(open.refreshToken!);
    const [everything] = await db.query<{ t: string }>(`SELECT string_agg(c::text, ' ') AS t FROM connections c`);
    expect(everything!.t).not.toContain(open.refreshToken!);

    const paymentId = await sale('100.00');
    await eventually(() => readPayments(stack.settleUrl, shop.apiKey), (v) => v.payments.find((p) => p.id === paymentId)?.booksStatus === 'posted', 60_000);
    const books = await booksIn(realmId);
    expect(books.documents.SalesReceipt?.map((d) => d.TotalAmt)).toEqual([100]);
    expect((await booksIn(shop.realmId)).documents.SalesReceipt ?? []).toEqual([]);
  });

  it('a webhook with a bad signature is refused with 401 and nothing is kept', async () => {
    const body = JSON.stringify({ eventNotifications: [{ realmId, dataChangeEvent: { entities: [{ name: 'SalesReceipt', id: '1', operation: 'Update', lastUpdated: '2026-01-01T00:00:00Z' }] } }] });
    const before = await db.query<{ n: string }>(`SELECT count(*) AS n FROM inbox WHERE platform = 'quickbooks'`);
    for (const signature of [intuitSignature('not-the-verifier-token', body), undefined]) {
      const r = await fetch(`${stack.settleUrl}/webhooks/quickbooks`, { method: 'POST', headers: { 'content-type': 'application/json', ...(signature ? { 'intuit-signature': signature } : {}) }, body });
      expect(r.status).toBe(401);
    }
    expect(await db.query<{ n: string }>(`SELECT count(*) AS n FROM inbox WHERE platform = 'quickbooks'`)).toEqual(before);
  });

  it('an edit in QuickBooks (legacy webhook) is flagged with what changed, and left as the bookkeeper made it', async () => {
    const current = (await (await fetch(`${stack.sandboxes.quickbooks.url}/_sandbox/companies/${realmId}/documents`)).json()) as { documents: { SalesReceipt: { Id: string; SyncToken: string; Line: Record<string, unknown>[] }[] } };
    const sr = current.documents.SalesReceipt[0]!;
    const line = structuredClone(sr.Line.find((l) => l.DetailType === 'SalesItemLineDetail')!) as { Amount: number; SalesItemLineDetail: { UnitPrice: number } };
    line.Amount = 90;
    line.SalesItemLineDetail.UnitPrice = 90;
    await inQuickBooks('/salesreceipt?operation=update', { Id: sr.Id, SyncToken: sr.SyncToken, sparse: true, Line: [line] });

    const [flag] = await eventually(flags, (f) => f.length === 1);
    expect(flag).toMatchObject({ documentType: 'SalesReceipt', documentId: sr.Id, change: 'edited', foundBy: 'webhook', postedAmountFormatted: '$100.00', currentAmountFormatted: '$90.00' });
    expect(flag!.explanation).toContain('its total is now $90.00, Settle posted $100.00');
    expect((await booksIn(realmId)).documents.SalesReceipt?.map((d) => d.TotalAmt)).toEqual([90]);
  });

  it('a deletion told by a CloudEvents webhook is flagged', async () => {
    await stack.sandboxes.quickbooks.subscribeWebhooks(intuit.app.client_id, { url: `${stack.settleUrl}/webhooks/quickbooks`, format: 'cloudevents' });
    type Fees = { documents: { Purchase?: { Id: string; SyncToken: string }[] } };
    const current = await eventually(async () => (await (await fetch(`${stack.sandboxes.quickbooks.url}/_sandbox/companies/${realmId}/documents`)).json()) as Fees, (d) => (d.documents.Purchase ?? []).length > 0);
    const fee = current.documents.Purchase![0]!;
    await inQuickBooks('/purchase?operation=delete', { Id: fee.Id, SyncToken: fee.SyncToken });
    const found = await eventually(flags, (f) => f.some((x) => x.change === 'deleted'));
    expect(found.find((x) => x.change === 'deleted')).toMatchObject({ documentType: 'Purchase', documentId: fee.Id, foundBy: 'webhook' });
  });

  it('the catch-up (Change Data Capture) finds an edit made while webhooks were off', async () => {
    await stack.sandboxes.quickbooks.subscribeWebhooks(intuit.app.client_id, { url: `${stack.settleUrl}/webhooks/quickbooks`, enabled: false });
    const current = (await (await fetch(`${stack.sandboxes.quickbooks.url}/_sandbox/companies/${realmId}/documents`)).json()) as { documents: { SalesReceipt: { Id: string; SyncToken: string }[] } };
    const sr = current.documents.SalesReceipt[0]!;
    await inQuickBooks('/salesreceipt?operation=update', { Id: sr.Id, SyncToken: sr.SyncToken, sparse: true, PrivateNote: 'Fixed by the bookkeeper' });
    expect((await flags()).some((x) => x.foundBy === 'catch_up')).toBe(false);
    const catchUp = await startSettleProcess(['--worker-only'], { ...stack.env, QUICKBOOKS_CATCH_UP_MS: '500' });
    const found = await eventually(flags, (f) => f.some((x) => x.foundBy === 'catch_up')).finally(() => catchUp.stop());
    // The edit and the deletion the webhooks told of are not flagged a second time.
    expect(found).toHaveLength(3);
    expect(found.filter((x) => x.foundBy === 'catch_up')).toEqual([expect.objectContaining({ documentType: 'SalesReceipt', documentId: sr.Id, change: 'edited', currentAmountFormatted: '$90.00' })]);
  });

  it('an expired access token is refreshed and the refresh token rotated', async () => {
    const before = (await storedSecrets()).open;
    await stack.sandboxes.quickbooks.advanceClock(3600);
    await expireAccessToken();
    const paymentId = await sale('20.00');
    await eventually(() => readPayments(stack.settleUrl, shop.apiKey), (v) => v.payments.find((p) => p.id === paymentId)?.booksStatus === 'posted', 60_000);
    const after = (await storedSecrets()).open;
    expect(after.refreshToken).not.toBe(before.refreshToken);
    expect(after.accessToken).not.toBe(before.accessToken);
  });

  it('a company that disconnects Settle shows as revoked, and its books jobs stop until the merchant reconnects', async () => {
    // The access token has most of its hour left: QuickBooks refuses it, then Intuit refuses the refresh.
    await stack.sandboxes.quickbooks.disconnectApp(realmId);
    const paymentId = await sale('30.00');
    await eventually(quickBooks, (c) => c.status === 'revoked', 60_000);
    const [held] = await eventually(
      () => db.query<{ attempts: number; last_error: string }>(`SELECT attempts, last_error FROM outbox WHERE topic = 'books.post_entry' AND done_at IS NULL`),
      (rows) => rows.length === 1 && rows[0]!.attempts >= 1,
    );
    expect(held!.last_error).toContain('connect to QuickBooks again');
    expect((await readPayments(stack.settleUrl, shop.apiKey)).payments.find((p) => p.id === paymentId)?.booksStatus).toBe('pending');

    // Another company is refused: Settle's documents and mapping are in this one.
    const other = await connectThroughIntuit(stack.settleUrl, shop.apiKey);
    expect(other.callback.status).toBe(409);
    expect(await other.callback.text()).toContain(`another QuickBooks company (${realmId})`);
    expect((await quickBooks()).status).toBe('revoked');
    // The held job did not go on retrying in the meantime.
    expect((await db.query<{ attempts: number }>(`SELECT attempts FROM outbox WHERE topic = 'books.post_entry' AND done_at IS NULL`))[0]!.attempts).toBe(held!.attempts);

    const again = await connectThroughIntuit(stack.settleUrl, shop.apiKey, { realmId });
    expect(again.callback.status).toBe(303);
    expect(await quickBooks()).toMatchObject({ status: 'active', settings: { realmId } });
    await eventually(() => readPayments(stack.settleUrl, shop.apiKey), (v) => v.payments.find((p) => p.id === paymentId)?.booksStatus === 'posted', 60_000);
    const books = await booksIn(realmId);
    expect(books.documents.SalesReceipt?.map((d) => d.TotalAmt)).toEqual([90, 20, 30]);
    // The mapping was kept: no second clearing account.
    expect(books.documents.Account?.filter((a) => a.Name === 'Stripe clearing')).toHaveLength(1);
  });

  it('disconnecting revokes Settle\'s access at Intuit and deletes the tokens', async () => {
    expect(await stack.sandboxes.quickbooks.connected(realmId)).toBe(true);
    const r = await api('/api/connections/quickbooks', { method: 'DELETE' });
    expect(r).toMatchObject({ status: 200, body: { platform: 'quickbooks', status: 'disconnected' } });
    expect(await stack.sandboxes.quickbooks.connected(realmId)).toBe(false);
    expect((await storedSecrets()).open).toEqual({});
  });
});
