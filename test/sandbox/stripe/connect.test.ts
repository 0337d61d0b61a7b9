// Stripe Connect (Standard accounts, OAuth) as a platform meets it: the consent page's answer, the
// code exchange and its refusals in OAuth's error format, Stripe-Account on API calls, Connect
// webhooks carrying `account`, and deauthorization.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import Stripe from 'stripe';
import { startStripeSandbox, type SandboxPlatform, type StripeSandbox } from './index';
import { sdk, startReceiver, type Receiver } from './test-helpers';

let sandbox: StripeSandbox;
let platform: SandboxPlatform;
let stripe: Stripe;
let connectHooks: Receiver;
let ownHooks: Receiver;
const REDIRECT = 'https://platform.example/connect/callback';

beforeAll(async () => {
  sandbox = await startStripeSandbox({ webhookRetryDelaysMs: [] });
  platform = sandbox.createPlatform({ name: 'Settle', redirect_uris: [REDIRECT] });
  stripe = sdk(sandbox, platform.secret_key);
  connectHooks = await startReceiver();
  ownHooks = await startReceiver();
  await stripe.webhookEndpoints.create({ url: connectHooks.url, enabled_events: ['*'], connect: true });
  await stripe.webhookEndpoints.create({ url: ownHooks.url, enabled_events: ['*'] });
});
afterAll(async () => {
  await sandbox?.close();
  await connectHooks?.close();
  await ownHooks?.close();
});

async function caught(p: Promise<unknown>): Promise<Stripe.errors.StripeError> {
  try {
    await p;
  } catch (e) {
    return e as Stripe.errors.StripeError;
  }
  throw new Error('expected the call to fail');
}

/** What the user's browser does on the consent page: press Connect (or Deny); returns the redirect. */
async function consent(query: Record<string, string>, decision: 'allow' | 'deny' = 'allow'): Promise<URL> {
  const page = await fetch(`${sandbox.url}/oauth/authorize?${new URLSearchParams(query)}`);
  expect(page.status).toBe(200);
  expect(await page.text()).toContain('would like to connect to your Stripe account');
  const answer = await fetch(`${sandbox.url}/oauth/authorize`, {
    method: 'POST', redirect: 'manual', headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ ...query, decision }),
  });
  expect(answer.status).toBe(302);
  return new URL(answer.headers.get('location')!);
}

const authorize = { response_type: 'code', client_id: '', scope: 'read_write', state: 'st-123' };

async function connectNewAccount(): Promise<Stripe.OAuthToken> {
  const back = await consent({ ...authorize, client_id: platform.client_id });
  return stripe.oauth.token({ grant_type: 'authorization_code', code: back.searchParams.get('code')! });
}

describe('OAuth', () => {
  it('approving sends the user back with code, scope and state; the code is exchanged once', async () => {
    const back = await consent({ ...authorize, client_id: platform.client_id });
    expect(`${back.origin}${back.pathname}`).toBe(REDIRECT);
    expect(back.searchParams.get('state')).toBe('st-123');
    expect(back.searchParams.get('scope')).toBe('read_write');
    const code = back.searchParams.get('code')!;
    expect(code).toMatch(/^ac_/);

    const token = await stripe.oauth.token({ grant_type: 'authorization_code', code });
    expect(token).toMatchObject({ scope: 'read_write', livemode: false, token_type: 'bearer' });
    expect(token.stripe_user_id).toMatch(/^acct_/);
    expect(token.stripe_publishable_key).toMatch(/^pk_test_/);

    const again = await caught(stripe.oauth.token({ grant_type: 'authorization_code', code }));
    expect(again).toBeInstanceOf(Stripe.errors.StripeInvalidGrantError);
    expect(again.statusCode).toBe(400);
  });

  it('refuses unknown codes, codes of another platform and calls without the platform key (OAuth error format)', async () => {
    const unknown = await fetch(`${sandbox.url}/oauth/token`, {
      method: 'POST', headers: { Authorization: `Bearer ${platform.secret_key}`, 'Content-Type': 'application/x-www-form-urlencoded' },
      body: 'grant_type=authorization_code&code=ac_forged',
    });
    expect(unknown.status).toBe(400);
    expect(await unknown.json()).toEqual({ error: 'invalid_grant', error_description: 'Authorization code does not exist: ac_forged' });

    const other = sandbox.createPlatform({ name: 'Other', redirect_uris: ['https://other.example/cb'] });
    const back = await consent({ ...authorize, client_id: other.client_id });
    const stolen = await caught(stripe.oauth.token({ grant_type: 'authorization_code', code: back.searchParams.get('code')! }));
    expect(stolen).toBeInstanceOf(Stripe.errors.StripeInvalidGrantError);
    // ...and the code still works for its own platform.
    const own = await sdk(sandbox, other.secret_key).oauth.token({ grant_type: 'authorization_code', code: back.searchParams.get('code')! });
    expect(own.stripe_user_id).toMatch(/^acct_/);

    const plain = sandbox.createAccount();
    const notPlatform = await caught(sdk(sandbox, plain.secret_key).oauth.token({ grant_type: 'authorization_code', code: 'ac_x' }));
    expect(notPlatform.type).toBe('StripeInvalidClientError');
    const badGrant = await caught(stripe.oauth.token({ grant_type: 'client_credentials' } as never));
    expect(badGrant.type).toBe('StripeUnsupportedGrantTypeError');
  });

  it('a denied consent, an unregistered redirect_uri and an unknown client are refused', async () => {
    const denied = await consent({ ...authorize, client_id: platform.client_id }, 'deny');
    expect(denied.searchParams.get('error')).toBe('access_denied');
    expect(denied.searchParams.get('code')).toBeNull();
    expect(denied.searchParams.get('state')).toBe('st-123');

    const badRedirect = await fetch(`${sandbox.url}/oauth/authorize?${new URLSearchParams({ ...authorize, client_id: platform.client_id, redirect_uri: 'https://evil.example/cb' })}`);
    expect(badRedirect.status).toBe(400);
    expect(((await badRedirect.json()) as { error: string }).error).toBe('invalid_redirect_uri');
    const unknownClient = await fetch(`${sandbox.url}/oauth/authorize?${new URLSearchParams({ ...authorize, client_id: 'ca_nobody' })}`);
    expect(unknownClient.status).toBe(400);
  });
});

describe('Stripe-Account', () => {
  it('acts on the connected account; an unconnected account or a non-platform key gets 403', async () => {
    const { stripe_user_id: account } = await connectNewAccount();
    const pi = await stripe.paymentIntents.create({ amount: 1500, currency: 'usd', payment_method: 'pm_card_visa', confirm: true, payment_method_types: ['card'] } as never, { stripeAccount: account! });
    expect(pi.status).toBe('succeeded');
    expect((await stripe.paymentIntents.retrieve(pi.id, {}, { stripeAccount: account! })).amount).toBe(1500);
    // It is the connected account's payment, not the platform's.
    expect((await caught(stripe.paymentIntents.retrieve(pi.id))).statusCode).toBe(404);

    const stranger = sandbox.createAccount();
    const refused = await caught(stripe.paymentIntents.list({}, { stripeAccount: stranger.id }));
    expect(refused).toBeInstanceOf(Stripe.errors.StripePermissionError);
    expect(refused.statusCode).toBe(403);
    expect(refused.code).toBe('account_invalid');
    expect(refused.message).toContain(`does not have access to account '${stranger.id}'`);

    const notPlatform = await caught(sdk(sandbox, stranger.secret_key).paymentIntents.list({}, { stripeAccount: account! }));
    expect(notPlatform.statusCode).toBe(403);
    expect(notPlatform.message).toContain('Only Stripe Connect platforms');
  });
});

describe('Connect webhooks and deauthorization', () => {
  it("events of a connected account reach the platform's Connect endpoint with `account`; deauthorization ends access", async () => {
    const { stripe_user_id: account } = await connectNewAccount();
    const pi = await stripe.paymentIntents.create({ amount: 900, currency: 'usd', payment_method: 'pm_card_visa', confirm: true, payment_method_types: ['card'] } as never, { stripeAccount: account! });
    const hit = await connectHooks.waitFor((r) => r.json.type === 'payment_intent.succeeded' && r.json.data.object.id === pi.id);
    expect((hit.json as unknown as { account: string }).account).toBe(account);
    const event = stripe.webhooks.constructEvent(hit.raw, String(hit.headers['stripe-signature']), sandbox.webhookEndpoints(platform.id).find((e) => e.url === connectHooks.url)!.secret);
    expect(event.account).toBe(account);
    await sandbox.webhooksIdle();
    // The platform's own (non-Connect) endpoint hears nothing of its connected accounts.
    expect(ownHooks.received.some((r) => r.json.data.object.id === pi.id)).toBe(false);

    expect(await stripe.oauth.deauthorize({ client_id: platform.client_id, stripe_user_id: account! })).toEqual({ stripe_user_id: account });
    const gone = await connectHooks.waitFor((r) => r.json.type === 'account.application.deauthorized' && (r.json as unknown as { account: string }).account === account);
    expect(gone.json.data.object).toMatchObject({ id: platform.client_id, object: 'application' });
    expect((await caught(stripe.paymentIntents.retrieve(pi.id, {}, { stripeAccount: account! }))).code).toBe('account_invalid');
    const twice = await caught(stripe.oauth.deauthorize({ client_id: platform.client_id, stripe_user_id: account! }));
    expect(twice.type).toBe('StripeInvalidClientError');
  });

  it("the account owner removing the platform in their Dashboard sends account.application.deauthorized", async () => {
    const { stripe_user_id: account } = await connectNewAccount();
    sandbox.revokeAccess(account!, platform.client_id);
    await connectHooks.waitFor((r) => r.json.type === 'account.application.deauthorized' && (r.json as unknown as { account: string }).account === account);
    expect((await caught(stripe.balanceTransactions.list({}, { stripeAccount: account! }))).statusCode).toBe(403);
  });
});
