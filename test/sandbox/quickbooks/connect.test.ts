// The sandbox's consent page, authorization_code grant, revocation, webhooks and CDC: what it
// accepts and, above all, what it refuses as Intuit would.
import { createServer, type Server } from 'node:http';
import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startQuickBooksSandbox, type QuickBooksSandbox } from './index';
import { intuitSignature } from './webhooks';

const REDIRECT = 'https://settle.example/quickbooks/callback';
let sandbox: QuickBooksSandbox;
let app: { client_id: string; client_secret: string };

beforeAll(async () => {
  sandbox = await startQuickBooksSandbox();
  app = await sandbox.createApp({ redirect_uris: [REDIRECT] });
});
afterAll(async () => sandbox?.close());

const basic = (id: string, secret: string) => `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`;
const consentQuery = (over: Record<string, string> = {}) =>
  new URLSearchParams({ client_id: app.client_id, response_type: 'code', scope: 'com.intuit.quickbooks.accounting', redirect_uri: REDIRECT, state: 'st-1', ...over });

/** The merchant presses Connect (or Cancel) on the consent page; answers where Intuit sends them back. */
async function consent(decision = 'connect', over: Record<string, string> = {}): Promise<URL> {
  const page = await fetch(`${sandbox.authorizeUrl}?${consentQuery(over)}`);
  expect(page.status).toBe(200);
  expect(await page.text()).toContain('<button type="submit" name="decision" value="connect">Connect</button>');
  const r = await fetch(sandbox.authorizeUrl, {
    method: 'POST', redirect: 'manual', headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ ...Object.fromEntries(consentQuery(over)), decision, realm_id: '', company_name: 'Lamp shop' }),
  });
  expect(r.status).toBe(302);
  return new URL(r.headers.get('location')!);
}
const exchange = (code: string, secret = app.client_secret, redirectUri = REDIRECT) =>
  fetch(sandbox.tokenUrl, {
    method: 'POST',
    headers: { authorization: basic(app.client_id, secret), 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
    body: new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: redirectUri }),
  });

describe('consent page and authorization_code grant', () => {
  it('refuses an unregistered redirect URI, a missing state and an unknown scope before showing anything', async () => {
    expect((await fetch(`${sandbox.authorizeUrl}?${consentQuery({ redirect_uri: 'https://evil.example/cb' })}`)).status).toBe(400);
    expect((await fetch(`${sandbox.authorizeUrl}?${consentQuery({ state: '' })}`)).status).toBe(400);
    expect((await fetch(`${sandbox.authorizeUrl}?${consentQuery({ scope: 'com.intuit.quickbooks.everything' })}`)).status).toBe(400);
  });

  it('Cancel sends the merchant back with access_denied and no code', async () => {
    const back = await consent('cancel');
    expect(back.searchParams.get('error')).toBe('access_denied');
    expect(back.searchParams.get('state')).toBe('st-1');
    expect(back.searchParams.has('code')).toBe(false);
  });

  it('exchanges a code once, with the right secret and redirect URI; a reused code also ends what it issued', async () => {
    const back = await consent();
    expect(`${back.origin}${back.pathname}`).toBe(REDIRECT);
    const code = back.searchParams.get('code')!;
    const realmId = back.searchParams.get('realmId')!;
    expect(realmId).toMatch(/^\d+$/);

    const wrongSecret = await exchange(code, 'not-the-secret');
    expect(wrongSecret.status).toBe(401);
    expect(await wrongSecret.json()).toEqual({ error: 'invalid_client' });
    expect((await exchange(code, app.client_secret, 'https://settle.example/other')).status).toBe(400);
    const bad = await exchange('made-up-code');
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ error: 'invalid_grant' });

    const ok = await exchange(code);
    expect(ok.status).toBe(200);
    const tokens = (await ok.json()) as { access_token: string; refresh_token: string; expires_in: number; x_refresh_token_expires_in: number };
    expect(tokens).toMatchObject({ token_type: 'bearer', expires_in: 3600, x_refresh_token_expires_in: 15552000 });
    const api = () => fetch(`${sandbox.apiBaseUrl}${realmId}/account/1`, { headers: { authorization: `Bearer ${tokens.access_token}` } });
    expect((await api()).status).toBe(200);

    const reused = await exchange(code);
    expect(reused.status).toBe(400);
    expect(await reused.json()).toMatchObject({ error: 'invalid_grant', error_description: 'Authorization code already used' });
    expect((await api()).status).toBe(401);
    expect(await sandbox.connected(realmId)).toBe(false);
  });

  it('a code expires after 5 minutes', async () => {
    const code = (await consent()).searchParams.get('code')!;
    await sandbox.advanceClock(301);
    expect((await exchange(code)).status).toBe(400);
  });
});

describe('revocation', () => {
  it('revoking the refresh token ends the connection; wrong credentials are refused', async () => {
    const back = await consent();
    const tokens = (await (await exchange(back.searchParams.get('code')!)).json()) as { refresh_token: string; access_token: string };
    const revoke = (secret: string) =>
      fetch(sandbox.revokeUrl, { method: 'POST', headers: { authorization: basic(app.client_id, secret), 'content-type': 'application/json' }, body: JSON.stringify({ token: tokens.refresh_token }) });
    expect((await revoke('wrong')).status).toBe(401);
    expect(await sandbox.connected(back.searchParams.get('realmId')!)).toBe(true);
    expect((await revoke(app.client_secret)).status).toBe(200);
    expect(await sandbox.connected(back.searchParams.get('realmId')!)).toBe(false);
    const refreshed = await fetch(sandbox.tokenUrl, {
      method: 'POST', headers: { authorization: basic(app.client_id, app.client_secret), 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: tokens.refresh_token }),
    });
    expect(await refreshed.json()).toMatchObject({ error: 'invalid_grant' });
  });
});

describe('webhooks and Change Data Capture', () => {
  let receiver: Server;
  let receiverUrl: string;
  const received: { signature: string; body: string }[] = [];
  let realmId: string;
  let token: string;

  beforeAll(async () => {
    receiver = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        received.push({ signature: String(req.headers['intuit-signature']), body });
        res.end();
      });
    });
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
    receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks`;
    const back = await consent();
    realmId = back.searchParams.get('realmId')!;
    token = ((await (await exchange(back.searchParams.get('code')!)).json()) as { access_token: string }).access_token;
  });
  afterAll(() => new Promise<void>((r) => receiver.close(() => r())));

  const api = (path: string, body?: unknown) =>
    fetch(`${sandbox.apiBaseUrl}${realmId}${path}`, {
      method: body ? 'POST' : 'GET',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', accept: 'application/json' },
      body: body ? JSON.stringify(body) : undefined,
    });

  it('signs with the scheme of Intuit\'s official test vectors', () => {
    const vectors = JSON.parse(readFileSync(new URL('../../../../shared/contracts/quickbooks/webhooks/intuit-signature.test-vectors.json', import.meta.url), 'utf8')) as {
      vectors: { verifierToken: string; rawBody: string; intuitSignature: string }[];
    };
    for (const v of vectors.vectors) expect(intuitSignature(v.verifierToken, v.rawBody)).toBe(v.intuitSignature);
  });

  it('sends a signed legacy notification, then CloudEvents, for changes; none while switched off', async () => {
    const { verifier_token } = await sandbox.subscribeWebhooks(app.client_id, { url: receiverUrl, format: 'legacy' });
    const account = (await (await api('/account', { Name: 'Checking', AccountType: 'Bank' })).json()) as { Account: { Id: string; SyncToken: string } };
    await sandbox.webhookDeliveries();
    const legacy = received.at(-1)!;
    expect(legacy.signature).toBe(intuitSignature(verifier_token, legacy.body));
    expect(JSON.parse(legacy.body)).toMatchObject({ eventNotifications: [{ realmId, dataChangeEvent: { entities: [{ name: 'Account', id: account.Account.Id, operation: 'Create' }] } }] });

    await sandbox.subscribeWebhooks(app.client_id, { url: receiverUrl, format: 'cloudevents' });
    await api('/account?operation=update', { Id: account.Account.Id, SyncToken: account.Account.SyncToken, sparse: true, Name: 'Main checking' });
    await sandbox.webhookDeliveries();
    const [event] = JSON.parse(received.at(-1)!.body) as Record<string, string>[];
    expect(event).toMatchObject({ specversion: '1.0', type: 'qbo.account.updated.v1', intuitentityid: account.Account.Id, intuitaccountid: realmId });

    const count = received.length;
    await sandbox.subscribeWebhooks(app.client_id, { url: receiverUrl, enabled: false });
    await api('/account', { Name: 'Savings', AccountType: 'Bank' });
    await sandbox.webhookDeliveries();
    expect(received).toHaveLength(count);
  });

  it('CDC lists what changed since a moment, deleted ones as status Deleted; refuses a missing or too old changedSince', async () => {
    const since = new Date(Date.parse((await (await api('/account/1')).json() as { time: string }).time) - 1000).toISOString();
    const transfer = (await (await api('/transfer', { FromAccountRef: { value: '1' }, ToAccountRef: { value: '2' }, Amount: 5 })).json()) as { Transfer: { Id: string; SyncToken: string } };
    await api('/transfer?operation=delete', { Id: transfer.Transfer.Id, SyncToken: transfer.Transfer.SyncToken });
    const cdc = (await (await api(`/cdc?entities=Transfer,Account&changedSince=${encodeURIComponent(since)}`)).json()) as {
      CDCResponse: { QueryResponse: Record<string, { Id: string; status?: string }[]>[] }[];
    };
    const [transfers] = cdc.CDCResponse[0]!.QueryResponse;
    expect(transfers!.Transfer).toEqual([expect.objectContaining({ Id: transfer.Transfer.Id, status: 'Deleted' })]);

    expect((await api('/cdc?entities=Transfer')).status).toBe(400);
    const old = new Date(Date.now() - 31 * 86_400_000).toISOString();
    expect((await api(`/cdc?entities=Transfer&changedSince=${old}`)).status).toBe(400);
    expect((await api(`/cdc?entities=Invoicez&changedSince=${encodeURIComponent(since)}`)).status).toBe(400);
  });
});
