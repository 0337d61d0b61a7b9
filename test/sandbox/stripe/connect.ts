// Stripe Connect for Standard accounts, as a platform meets it: the OAuth flow on
// connect.stripe.com (a consent page, then POST /oauth/token and POST /oauth/deauthorize with the
// platform's secret key, errors in OAuth's {error, error_description} shape), and API calls made
// with the platform's key plus `Stripe-Account: acct_...` acting on a connected account.
import { randomBytes } from 'node:crypto';
import express, { type Request, type Response } from 'express';
import { type Account, type SandboxState, newId } from './store';
import { StripeApiError } from './errors';
import type { WebhookDispatcher } from './webhooks';

/** Codes are short-lived: a user who lingers on the way back must start again. */
const CODE_TTL_SECONDS = 5 * 60;
const SCOPES = new Set(['read_write', 'read_only']);

/** OAuth's error shape (RFC 6749 §5.2), which the SDK turns into its StripeOAuthError classes. */
class OAuthError extends Error {
  constructor(readonly status: number, readonly code: string, description: string) {
    super(description);
  }
}

/** Makes `acct` a Connect platform (Dashboard → Connect settings): a client id and redirect URIs. */
export function makePlatform(state: SandboxState, acct: Account, name: string, redirectUris: string[]): string {
  for (const uri of redirectUris) new URL(uri); // throws on a malformed URI
  const clientId = newId('ca', 32);
  acct.platform = { clientId, name, redirectUris, connected: new Map() };
  state.platforms.set(clientId, acct);
  return clientId;
}

/**
 * The account a /v1 request acts on. Without `Stripe-Account` it is the key's own; with it, the
 * key must be a platform's and the account connected to it, else Stripe's 403.
 */
export function actingAccount(state: SandboxState, keyOwner: Account, key: string, header: string | undefined, method: string): Account {
  if (!header) return keyOwner;
  if (!keyOwner.platform) {
    throw new StripeApiError(403, 'invalid_request_error',
      "Only Stripe Connect platforms can work with other accounts. If you specified a client_id parameter, make sure it's correct. If you need to setup a Stripe Connect platform, you can do so at https://dashboard.stripe.com/account/applications/settings.");
  }
  const grant = keyOwner.platform.connected.get(header);
  const target = state.accounts.get(header);
  if (!grant || !target) {
    throw new StripeApiError(403, 'invalid_request_error',
      `The provided key '${key.slice(0, 8)}${'*'.repeat(8)}${key.slice(-4)}' does not have access to account '${header}' (or that account does not exist). Application access may have been revoked.`,
      { code: 'account_invalid' });
  }
  if (grant.scope === 'read_only' && method !== 'GET') {
    throw new StripeApiError(403, 'invalid_request_error',
      `This application does not have the required permissions for this endpoint on account '${header}'. Having the 'read_write' scope would allow this request to continue.`);
  }
  return target;
}

/** Ends a connection, as POST /oauth/deauthorize or the account owner in their Dashboard does. */
export function disconnect(state: SandboxState, hooks: WebhookDispatcher, platform: Account, accountId: string): boolean {
  const grant = platform.platform?.connected.get(accountId);
  const acct = state.accounts.get(accountId);
  if (!grant || !acct || !platform.platform) return false;
  platform.platform.connected.delete(accountId);
  state.removeKey(grant.accessToken);
  // Sent only to the platform that lost access, through its Connect endpoints.
  hooks.emit(acct, 'account.application.deauthorized', { id: platform.platform.clientId, object: 'application', name: platform.platform.name }, { platforms: [platform] });
  return true;
}

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** connect.stripe.com: the consent page and the two server-to-server OAuth endpoints. */
export function connectOAuth(state: SandboxState, hooks: WebhookDispatcher): express.Router {
  const router = express.Router();
  const form = express.urlencoded({ extended: false, limit: '32kb' });

  const oauth = (fn: (req: Request, res: Response) => void) => (req: Request, res: Response) => {
    try {
      fn(req, res);
    } catch (e) {
      if (!(e instanceof OAuthError)) throw e;
      res.status(e.status).json({ error: e.code, error_description: e.message });
    }
  };

  // The authorize request's parameters, checked the same way for the page and for its answer.
  const authorizeRequest = (q: Record<string, unknown>) => {
    const platform = state.platforms.get(String(q.client_id ?? ''));
    if (!platform?.platform) throw new OAuthError(400, 'invalid_client', `No such application: '${String(q.client_id ?? '')}'`);
    if (q.response_type !== 'code') throw new OAuthError(400, 'unsupported_response_type', "Only 'code' response_type is supported.");
    const redirectUri = q.redirect_uri === undefined ? platform.platform.redirectUris[0] : String(q.redirect_uri);
    if (!redirectUri || !platform.platform.redirectUris.includes(redirectUri)) {
      throw new OAuthError(400, 'invalid_redirect_uri', `Invalid redirect URI '${redirectUri ?? ''}'. Ensure this uri exactly matches one of the uris specified in your application settings.`);
    }
    const scope = q.scope === undefined ? 'read_only' : String(q.scope);
    return { platform, redirectUri, scope, state: q.state === undefined ? undefined : String(q.state) };
  };
  const back = (redirectUri: string, params: Record<string, string | undefined>) => {
    const url = new URL(redirectUri);
    for (const [k, v] of Object.entries(params)) if (v !== undefined) url.searchParams.set(k, v);
    return url.toString();
  };

  router.get('/oauth/authorize', oauth((req, res) => {
    const r = authorizeRequest(req.query);
    if (!SCOPES.has(r.scope)) return res.redirect(302, back(r.redirectUri, { error: 'invalid_scope', error_description: `Invalid scope: ${r.scope}`, state: r.state }));
    const hidden = Object.entries({ client_id: r.platform.platform!.clientId, response_type: 'code', scope: r.scope, redirect_uri: r.redirectUri, state: r.state })
      .filter(([, v]) => v !== undefined)
      .map(([k, v]) => `<input type="hidden" name="${k}" value="${escapeHtml(String(v))}">`).join('');
    res.type('html').send(`<!doctype html><title>Connect to ${escapeHtml(r.platform.platform!.name)}</title>
<h1>${escapeHtml(r.platform.platform!.name)} would like to connect to your Stripe account</h1>
<form method="post" action="/oauth/authorize">${hidden}
<label>Existing account id (optional) <input name="stripe_user_id"></label>
<button name="decision" value="allow">Connect my Stripe account</button>
<button name="decision" value="deny">Deny</button></form>`);
  }));

  // The consent page's answer. A new Standard account is made unless the user names one (signed in).
  router.post('/oauth/authorize', form, oauth((req, res) => {
    const body = req.body as Record<string, string>;
    const r = authorizeRequest(body);
    if (!SCOPES.has(r.scope)) throw new OAuthError(400, 'invalid_scope', `Invalid scope: ${r.scope}`);
    if (body.decision !== 'allow') return res.redirect(302, back(r.redirectUri, { error: 'access_denied', error_description: 'The user denied your request', state: r.state }));
    const acct = body.stripe_user_id ? state.accounts.get(body.stripe_user_id) : state.createAccount('US');
    if (!acct || acct.platform) throw new OAuthError(400, 'invalid_request', `No such account: '${body.stripe_user_id}'`);
    const code = `ac_${randomBytes(16).toString('hex')}`;
    state.oauthCodes.set(code, { clientId: r.platform.platform!.clientId, accountId: acct.id, scope: r.scope as 'read_write' | 'read_only', createdAt: state.now(), used: false });
    res.redirect(302, back(r.redirectUri, { scope: r.scope, code, state: r.state }));
  }));

  /** The platform's secret key, from the Authorization header or `client_secret`. */
  const platformOf = (req: Request, body: Record<string, string>): Account => {
    const bearer = /^Bearer\s+(\S+)$/i.exec(req.header('authorization') ?? '')?.[1];
    const key = bearer ?? body.client_secret;
    if (!key) throw new OAuthError(401, 'invalid_client', 'No authentication was provided. Send your secret API key using the Authorization header, or as a client_secret POST parameter.');
    const owner = state.accountForKey(key);
    if (!owner || key !== owner.secretKey) throw new OAuthError(401, 'invalid_client', `Invalid API Key provided: ${key.slice(0, 8)}${'*'.repeat(8)}${key.slice(-4)}`);
    if (!owner.platform) throw new OAuthError(401, 'invalid_client', 'This account is not a Connect platform: set it up in the Dashboard first.');
    return owner;
  };
  const only = (body: Record<string, string>, allowed: string[]) => {
    for (const k of Object.keys(body)) if (!allowed.includes(k)) throw new OAuthError(400, 'invalid_request', `Received unknown parameter: ${k}`);
  };

  router.post('/oauth/token', form, oauth((req, res) => {
    const body = (req.body ?? {}) as Record<string, string>;
    const platform = platformOf(req, body);
    only(body, ['grant_type', 'code', 'client_secret', 'scope']);
    if (!body.grant_type) throw new OAuthError(400, 'invalid_request', 'No grant type specified');
    if (body.grant_type !== 'authorization_code') {
      // refresh_token grants exist at Stripe; the sandbox does not model them (and says so).
      throw new OAuthError(400, 'unsupported_grant_type', `Stripe sandbox supports only grant_type=authorization_code, not ${body.grant_type}`);
    }
    if (!body.code) throw new OAuthError(400, 'invalid_request', 'No authorization code provided');
    const grant = state.oauthCodes.get(body.code);
    if (!grant) throw new OAuthError(400, 'invalid_grant', `Authorization code does not exist: ${body.code}`);
    if (grant.clientId !== platform.platform!.clientId) throw new OAuthError(400, 'invalid_grant', `Authorization code provided does not belong to you: ${body.code}`);
    if (grant.used) throw new OAuthError(400, 'invalid_grant', `This authorization code has already been used: ${body.code}`);
    if (state.now() - grant.createdAt > CODE_TTL_SECONDS) throw new OAuthError(400, 'invalid_grant', `Authorization code expired: ${body.code}`);
    grant.used = true;
    const acct = state.accounts.get(grant.accountId)!;
    const previous = platform.platform!.connected.get(acct.id);
    if (previous) state.removeKey(previous.accessToken);
    const accessToken = newId('sk_test', 32);
    platform.platform!.connected.set(acct.id, { scope: grant.scope, accessToken });
    state.addKey(accessToken, acct);
    hooks.emit(acct, 'account.application.authorized', { id: platform.platform!.clientId, object: 'application', name: platform.platform!.name }, { platforms: [platform] });
    res.json({
      access_token: accessToken, livemode: false, refresh_token: newId('rt', 32), scope: grant.scope,
      stripe_publishable_key: acct.publishableKey, stripe_user_id: acct.id, token_type: 'bearer',
    });
  }));

  router.post('/oauth/deauthorize', form, oauth((req, res) => {
    const body = (req.body ?? {}) as Record<string, string>;
    const platform = platformOf(req, body);
    only(body, ['client_id', 'stripe_user_id', 'client_secret']);
    if (!body.client_id) throw new OAuthError(400, 'invalid_request', 'No client_id provided');
    if (body.client_id !== platform.platform!.clientId) throw new OAuthError(401, 'invalid_client', `No such application: '${body.client_id}'`);
    if (!body.stripe_user_id) throw new OAuthError(400, 'invalid_request', 'No stripe_user_id provided');
    if (!disconnect(state, hooks, platform, body.stripe_user_id)) {
      throw new OAuthError(401, 'invalid_client', `This application is not connected to stripe account ${body.stripe_user_id}, or that account does not exist.`);
    }
    res.json({ stripe_user_id: body.stripe_user_id });
  }));
  return router;
}
