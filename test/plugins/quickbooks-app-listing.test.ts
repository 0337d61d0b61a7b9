/**
 * Settle's QuickBooks app listing (plugins/quickbooks/app-listing.json), as entered in Intuit's developer
 * portal: every URL in it is one Settle serves, the redirect URI is the callback Settle sends to Intuit,
 * the scope is the one Settle asks for, and the webhook entities are exactly the documents Settle posts.
 * The Launch and Disconnect URLs show a merchant what to do next and change nothing.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { QUICKBOOKS_SCOPE } from '../../connectors/quickbooks/oauth';
import { POSTED_ENTITIES } from '../../connectors/quickbooks/changes';
import { SESSION_COOKIE, SessionTokens } from '../../web/server/auth';
import { startSettleInProcess } from '../support/in-process';

interface Listing {
  scopes: string[];
  appUrls: { hostDomain: string; launchUrl: string; disconnectUrl: string; connectReconnectUrl: string };
  redirectUris: string[];
  termsOfService: { endUserLicenseAgreementUrl: string; privacyPolicyUrl: string };
  webhooks: { endpointUrl: string; entities: Record<string, string[]> };
}

const listing = JSON.parse(readFileSync(new URL('../../plugins/quickbooks/app-listing.json', import.meta.url), 'utf8')) as Listing;

describe('QuickBooks app listing (plugins/quickbooks)', () => {
  let settle: Awaited<ReturnType<typeof startSettleInProcess>>;
  const origin = `https://${listing.appUrls.hostDomain}`;
  /** The listing's URL, on the Settle under test. */
  const local = (url: string) => `${settle.url}${new URL(url).pathname}`;

  beforeAll(async () => {
    settle = await startSettleInProcess({ QUICKBOOKS_CLIENT_ID: 'listing-test', QUICKBOOKS_CLIENT_SECRET: 'listing-secret' });
  });
  afterAll(() => settle?.close());

  it('names URLs on its host domain over https, the redirect URI being the callback Settle sends Intuit', () => {
    const urls = [...Object.values(listing.appUrls).filter((u) => u.startsWith('http')), ...listing.redirectUris, listing.webhooks.endpointUrl, ...Object.values(listing.termsOfService)];
    for (const url of urls) expect(new URL(url).origin, url).toBe(origin);
    expect(listing.redirectUris).toEqual([`${origin}/quickbooks/callback`]);
    expect(listing.scopes).toEqual([QUICKBOOKS_SCOPE]);
  });

  it('subscribes to changes of exactly the documents Settle posts (to flag a bookkeeper’s edits)', () => {
    expect(Object.keys(listing.webhooks.entities).sort()).toEqual([...POSTED_ENTITIES].sort());
    for (const operations of Object.values(listing.webhooks.entities)) expect(operations).toContain('Delete');
  });

  it('Launch URL: a signed-in merchant lands in the admin; anyone else is told how to sign in', async () => {
    const anonymous = await fetch(local(listing.appUrls.launchUrl), { redirect: 'manual' });
    expect(anonymous.status).toBe(200);
    expect(await anonymous.text()).toContain('sign in with the link in your WooCommerce admin');

    const session = new SessionTokens(settle.services.config.encryptionKey).issue('m_listing', 'session', 600);
    const signedIn = await fetch(local(listing.appUrls.launchUrl), { redirect: 'manual', headers: { cookie: `${SESSION_COOKIE}=${session}` } });
    expect(signedIn.status).toBe(303);
    expect(signedIn.headers.get('location')).toBe('/admin/');

    const forged = await fetch(local(listing.appUrls.launchUrl), { redirect: 'manual', headers: { cookie: `${SESSION_COOKIE}=${session.slice(0, -2)}xx` } });
    expect(forged.status).toBe(200);
  });

  it('Disconnect URL: says what stops and how to reconnect', async () => {
    const res = await fetch(local(listing.appUrls.disconnectUrl));
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(text).toContain('Settle no longer posts to this QuickBooks company');
    expect(text).toContain('Connect to QuickBooks');
  });

  it('Connect/Reconnect URL needs the merchant signed in; the webhook endpoint refuses an unsigned delivery', async () => {
    const connect = await fetch(local(listing.appUrls.connectReconnectUrl), { redirect: 'manual' });
    expect(connect.status).toBe(401);
    const webhook = await fetch(local(listing.webhooks.endpointUrl), { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"eventNotifications":[]}' });
    expect(webhook.status).toBe(401);
  });

  it('privacy policy and licence agreement pages are served', async () => {
    for (const url of Object.values(listing.termsOfService)) {
      const res = await fetch(local(url));
      expect(res.status, url).toBe(200);
      expect(await res.text()).toMatch(/<h1>Settle (privacy policy|licence agreement)<\/h1>/);
    }
    expect((await fetch(`${settle.url}/legal/nothing`)).status).toBe(404);
  });
});
