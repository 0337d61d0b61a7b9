import { RetryableError, SettleError } from '../../core/errors';

/** Settle's app at Intuit (developer portal: Keys & credentials) and where Intuit's OAuth endpoints are. */
export interface QuickBooksApp {
  clientId: string;
  clientSecret: string;
  authorizeUrl: string;
  tokenUrl: string;
  revokeUrl: string;
}

/** What Settle asks of the company: its books (not payments, not the user's profile). */
export const QUICKBOOKS_SCOPE = 'com.intuit.quickbooks.accounting';

export interface QuickBooksTokens {
  accessToken: string;
  refreshToken: string;
  /** Unix milliseconds. */
  accessTokenExpiresAt: number;
}

/** Intuit's consent page, which sends the merchant back to `redirectUri` with code, realmId and our state. */
export function quickBooksAuthorizeUrl(app: QuickBooksApp, state: string, redirectUri: string): string {
  const url = new URL(app.authorizeUrl);
  url.search = new URLSearchParams({ client_id: app.clientId, response_type: 'code', scope: QUICKBOOKS_SCOPE, redirect_uri: redirectUri, state }).toString();
  return url.toString();
}

const basic = (app: { clientId: string; clientSecret: string }) => `Basic ${Buffer.from(`${app.clientId}:${app.clientSecret}`).toString('base64')}`;

async function post(url: string, app: QuickBooksApp, body: URLSearchParams | string, contentType: string, doing: string): Promise<Response> {
  try {
    return await fetch(url, {
      method: 'POST',
      headers: { Accept: 'application/json', 'Content-Type': contentType, Authorization: basic(app) },
      body,
      signal: AbortSignal.timeout(20_000),
    });
  } catch (error) {
    throw new RetryableError(`Intuit did not answer while ${doing}: ${(error as Error).message}`);
  }
}

/** Exchanges the single-use code from the consent page for the company's tokens. */
export async function exchangeQuickBooksCode(app: QuickBooksApp, code: string, redirectUri: string, now = Date.now()): Promise<QuickBooksTokens> {
  const response = await post(app.tokenUrl, app, new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: redirectUri }), 'application/x-www-form-urlencoded', 'connecting QuickBooks');
  if (response.status >= 500) throw new RetryableError(`Intuit failed while connecting QuickBooks (${response.status})`);
  const body = (await response.json().catch(() => ({}))) as { access_token?: string; refresh_token?: string; expires_in?: number; error?: string };
  if (!response.ok || !body.access_token || !body.refresh_token) {
    if (body.error === 'invalid_client') throw new SettleError('quickbooks_app_refused', 'Intuit refused Settle\'s app credentials (QUICKBOOKS_CLIENT_ID / QUICKBOOKS_CLIENT_SECRET).', 502);
    throw new SettleError('quickbooks_connect_failed', `QuickBooks was not connected: Intuit refused the authorization (${body.error ?? response.status}). Start connecting to QuickBooks again from Settle.`, 400);
  }
  return { accessToken: body.access_token, refreshToken: body.refresh_token, accessTokenExpiresAt: now + (body.expires_in ?? 3600) * 1000 };
}

/** Ends Settle's access to the company at Intuit (both tokens). An unknown token counts as done. */
export async function revokeQuickBooks(app: QuickBooksApp, refreshToken: string): Promise<void> {
  const response = await post(app.revokeUrl, app, JSON.stringify({ token: refreshToken }), 'application/json', 'disconnecting QuickBooks');
  if (response.status >= 500 || response.status === 429) throw new RetryableError(`Intuit failed while disconnecting QuickBooks (${response.status})`);
  if (!response.ok) throw new SettleError('quickbooks_revoke_failed', `Intuit refused to end Settle's access (${response.status}).`, 502);
}
