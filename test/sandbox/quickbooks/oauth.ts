// Intuit's OAuth 2.0 (discovery.json): the consent page (GET/POST /connect/oauth2, where the merchant
// picks a company and connects it), the token endpoint (POST /oauth2/v1/tokens/bearer, grants
// authorization_code and refresh_token) and revocation (POST /v2/oauth2/tokens/revoke).
// Error bodies follow oauth2/failure_token_response.json: {"error": ..., "error_description"?}.
import express, { type Request, type Response } from 'express';
import { ACCESS_TOKEN_TTL_S, type SandboxStore, type Token } from './store';
import { consentPage } from './consent-page';
import type { Books } from './books';

export const SCOPES = new Set(['com.intuit.quickbooks.accounting', 'com.intuit.quickbooks.payment', 'openid', 'profile', 'email', 'phone', 'address']);

function clientFrom(req: Request): { id?: string; secret?: string } {
  const m = /^Basic\s+(\S+)$/i.exec(req.get('authorization') ?? '');
  if (m) {
    const decoded = Buffer.from(m[1] as string, 'base64').toString('utf8');
    const at = decoded.indexOf(':');
    if (at > 0) return { id: decoded.slice(0, at), secret: decoded.slice(at + 1) };
  }
  // client_secret_post is also listed in discovery.json's token_endpoint_auth_methods_supported.
  const body = (req.body ?? {}) as Record<string, unknown>;
  return { id: body.client_id as string | undefined, secret: body.client_secret as string | undefined };
}

/** What the consent page needs from its query, checked as Intuit does before showing anything. */
function authorizeRequest(store: SandboxStore, q: Record<string, unknown>): { error: string } | { clientId: string; redirectUri: string; scope: string; state: string } {
  const clientId = typeof q.client_id === 'string' ? q.client_id : '';
  const redirectUri = typeof q.redirect_uri === 'string' ? q.redirect_uri : '';
  if (!store.apps.has(clientId)) return { error: 'invalid_client: unknown client_id' };
  if (!store.redirectUris.get(clientId)?.includes(redirectUri)) return { error: 'invalid_request: redirect_uri is not registered for this app' };
  if (q.response_type !== 'code') return { error: 'unsupported_response_type: response_type must be code' };
  const scopes = typeof q.scope === 'string' ? q.scope.split(' ').filter(Boolean) : [];
  if (scopes.length === 0 || scopes.some((s) => !SCOPES.has(s))) return { error: `invalid_scope: ${String(q.scope ?? '')}` };
  // Intuit requires a state (CSRF protection); a request without one is refused.
  if (typeof q.state !== 'string' || q.state === '') return { error: 'invalid_request: state is required' };
  return { clientId, redirectUri, scope: scopes.join(' '), state: q.state };
}

export function oauthRouter(store: SandboxStore, books: Books): express.Router {
  const router = express.Router();

  router.get('/connect/oauth2', (req: Request, res: Response) => {
    const r = authorizeRequest(store, req.query);
    if ('error' in r) return void res.status(400).type('text/plain').send(r.error);
    const companies = [...store.companies.values()].filter((c) => c.clientId === r.clientId);
    res.type('html').send(consentPage(req.originalUrl, r, companies));
  });

  // The consent form: "Connect" with a company (an existing one, or a new one), or "Cancel".
  router.post('/connect/oauth2', express.urlencoded({ extended: false }), (req: Request, res: Response) => {
    const body = (req.body ?? {}) as Record<string, string>;
    const r = authorizeRequest(store, body);
    if ('error' in r) return void res.status(400).type('text/plain').send(r.error);
    const back = new URL(r.redirectUri);
    back.searchParams.set('state', r.state);
    if (body.decision !== 'connect') {
      back.searchParams.set('error', 'access_denied');
      return void res.redirect(302, back.toString());
    }
    let company = store.companies.get(body.realm_id ?? '');
    if (company && company.clientId !== r.clientId) return void res.status(400).type('text/plain').send('unknown company');
    if (!company) {
      company = store.createCompany(r.clientId, body.company_name || 'Sandbox Company', body.home_currency || 'USD');
      books.seed(company);
    }
    back.searchParams.set('code', store.issueCode(company.realmId, r.clientId, r.redirectUri));
    back.searchParams.set('realmId', company.realmId);
    res.redirect(302, back.toString());
  });

  router.post('/oauth2/v1/tokens/bearer', express.urlencoded({ extended: false }), (req: Request, res: Response) => {
    const client = clientFrom(req);
    if (!client.id || store.apps.get(client.id) !== client.secret) {
      res.status(401).json({ error: 'invalid_client' });
      return;
    }
    const body = (req.body ?? {}) as Record<string, unknown>;
    const tokens = (realmId: string): void => {
      const { access, refresh } = store.issueTokens(realmId, client.id as string);
      res.json({
        token_type: 'bearer',
        expires_in: ACCESS_TOKEN_TTL_S,
        refresh_token: refresh.token,
        x_refresh_token_expires_in: Math.round((refresh.expiresAt - store.now()) / 1000),
        access_token: access.token,
      });
    };
    if (body.grant_type === 'authorization_code') {
      const code = typeof body.code === 'string' ? store.codes.get(body.code) : undefined;
      if (!code || code.clientId !== client.id || code.expiresAt <= store.now() || code.redirectUri !== body.redirect_uri) {
        res.status(400).json({ error: 'invalid_grant', error_description: 'Incorrect or invalid authorization code' });
        return;
      }
      if (code.used) {
        // RFC 6749 §4.1.2: a code used twice is refused, and what the first use issued is revoked.
        store.revokeAll(code.realmId, code.clientId);
        res.status(400).json({ error: 'invalid_grant', error_description: 'Authorization code already used' });
        return;
      }
      code.used = true;
      return tokens(code.realmId);
    }
    if (body.grant_type !== 'refresh_token') {
      res.status(400).json({ error: 'unsupported_grant_type' });
      return;
    }
    const old = typeof body.refresh_token === 'string' ? store.refreshTokens.get(body.refresh_token) : undefined;
    if (!old || old.clientId !== client.id || old.expiresAt <= store.now()) {
      res.status(400).json({ error: 'invalid_grant', error_description: 'Incorrect or invalid refresh token' });
      return;
    }
    // Rotation choice: every refresh returns a new refresh token and the old one stops
    // working at once. Intuit keeps returning the same value for ~24 h and then rotates; the
    // strict variant is chosen so a client that fails to persist the new token is caught in
    // tests, not in production a day later.
    store.refreshTokens.delete(old.token);
    tokens(old.realmId);
  });

  // Revoking either token of a connection ends the whole connection (access and refresh tokens).
  router.post('/v2/oauth2/tokens/revoke', express.json(), express.urlencoded({ extended: false }), (req: Request, res: Response) => {
    const client = clientFrom(req);
    if (!client.id || store.apps.get(client.id) !== client.secret) {
      res.status(401).json({ error: 'invalid_client' });
      return;
    }
    const given = (req.body as Record<string, unknown> | undefined)?.token;
    const token: Token | undefined = typeof given === 'string' ? (store.refreshTokens.get(given) ?? store.accessTokens.get(given)) : undefined;
    if (typeof given !== 'string' || given === '') {
      res.status(400).json({ error: 'invalid_request' });
      return;
    }
    // RFC 7009 §2.2: an unknown or already revoked token is answered 200 too.
    if (token && token.clientId === client.id) store.revokeAll(token.realmId, token.clientId);
    res.status(200).end();
  });
  return router;
}
