// OAuth2 refresh, token expiry, API authentication, minorversion and throttling.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startQuickBooksSandbox, type QuickBooksSandbox } from './index';
import { connect, type Connected } from './helpers';

let sandbox: QuickBooksSandbox;
let c: Connected;
beforeAll(async () => {
  sandbox = await startQuickBooksSandbox();
  c = await connect(sandbox);
});
afterAll(async () => {
  await sandbox?.close();
});

const basic = (id: string, secret: string): string => `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`;
const refresh = (token: string, auth = basic(c.app.client_id, c.app.client_secret)) =>
  fetch(sandbox.tokenUrl, {
    method: 'POST',
    headers: { authorization: auth, 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
    body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: token }).toString(),
  });
const api = (path: string, token?: string) =>
  fetch(`${sandbox.apiBaseUrl}${c.company.realm_id}${path}`, { headers: token ? { authorization: `Bearer ${token}` } : {} });

describe('OAuth2 and API authentication', () => {
  it('refresh_token grant through node-quickbooks rotates the refresh token', async () => {
    const before = c.qbo.refreshToken as string;
    const r = await c.call<Record<string, unknown>>('refreshAccessToken');
    expect(r).toMatchObject({ token_type: 'bearer', expires_in: 3600, x_refresh_token_expires_in: 15552000 });
    expect(r.refresh_token).not.toBe(before);
    expect(c.qbo.token).toBe(r.access_token);
    const again = await refresh(before);
    expect(again.status).toBe(400);
    expect(await again.json()).toMatchObject({ error: 'invalid_grant' });
    // The new access token works on the API.
    expect((await api('/account/1', c.qbo.token)).status).toBe(200);
  });

  it('rejects a wrong client secret with 401 invalid_client', async () => {
    const r = await refresh(c.qbo.refreshToken as string, basic(c.app.client_id, 'wrong'));
    expect(r.status).toBe(401);
    expect(await r.json()).toEqual({ error: 'invalid_client' });
  });

  it('answers 401 AuthenticationFailed for missing, unknown and expired tokens', async () => {
    for (const token of [undefined, 'not-a-token']) {
      const r = await api('/account/1', token);
      expect(r.status).toBe(401);
      const body = (await r.json()) as { Fault: { type: string; Error: { code: string; Message: string }[] } };
      expect(body.Fault.type).toBe('AuthenticationFault');
      expect(body.Fault.Error[0]).toMatchObject({ code: '3200', Message: expect.stringContaining('AuthenticationFailed') });
    }
    const fresh = c.qbo.token;
    await sandbox.advanceClock(3599);
    expect((await api('/account/1', fresh)).status).toBe(200);
    await sandbox.advanceClock(2);
    const expired = await api('/account/1', fresh);
    expect(expired.status).toBe(401);
    // node-quickbooks surfaces it as an error carrying the fault body.
    const f = await c.fault('getAccount', '1');
    expect(f.Fault.Error[0]?.code).toBe('3200');
    await c.call('refreshAccessToken'); // the refresh token (180 days) still works
    expect((await api('/account/1', c.qbo.token)).status).toBe(200);
  });

  it('requires minorversion to be a number up to 75', async () => {
    const token = c.qbo.token;
    expect((await api('/account/1?minorversion=75', token)).status).toBe(200);
    expect((await api('/account/1?minorversion=76', token)).status).toBe(400);
    expect((await api('/account/1?minorversion=abc', token)).status).toBe(400);
  });

  it('throttles after 500 requests per minute per realm with 429 ThrottleExceeded', async () => {
    await sandbox.advanceClock(60); // fresh window
    const token = c.qbo.token;
    for (let i = 0; i < 500; i += 5) {
      const batch = await Promise.all([0, 1, 2, 3, 4].map(() => api('/account/1', token)));
      expect(batch.every((r) => r.status === 200)).toBe(true);
    }
    const last = await api('/account/1', token);
    expect(last.status).toBe(429);
    const body = (await last.json()) as { Fault: { Error: { code: string; Message: string }[] } };
    expect(body.Fault.Error[0]).toMatchObject({ code: '3001', Message: expect.stringContaining('ThrottleExceeded') });
    await sandbox.advanceClock(60);
    expect((await api('/account/1', token)).status).toBe(200);
  });
});
