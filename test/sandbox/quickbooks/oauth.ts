// Intuit's OAuth2 token endpoint (POST /oauth2/v1/tokens/bearer), refresh_token grant only:
// the consent step (authorization_code) is played by POST /_sandbox/companies instead.
// Error bodies follow oauth2/failure_token_response.json: {"error": ..., "error_description"?}.
import express, { type Request, type Response } from 'express';
import { ACCESS_TOKEN_TTL_S, type SandboxStore } from './store';

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

export function oauthRouter(store: SandboxStore): express.Router {
  const router = express.Router();
  router.post('/oauth2/v1/tokens/bearer', express.urlencoded({ extended: false }), (req: Request, res: Response) => {
    const client = clientFrom(req);
    if (!client.id || store.apps.get(client.id) !== client.secret) {
      res.status(401).json({ error: 'invalid_client' });
      return;
    }
    const body = (req.body ?? {}) as Record<string, unknown>;
    if (body.grant_type !== 'refresh_token') {
      res.status(400).json({ error: 'unsupported_grant_type', error_description: 'Only refresh_token is supported by the sandbox' });
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
    const { access, refresh } = store.issueTokens(old.realmId, old.clientId);
    res.json({
      token_type: 'bearer',
      expires_in: ACCESS_TOKEN_TTL_S,
      refresh_token: refresh.token,
      x_refresh_token_expires_in: Math.round((refresh.expiresAt - store.now()) / 1000),
      access_token: access.token,
    });
  });
  return router;
}
