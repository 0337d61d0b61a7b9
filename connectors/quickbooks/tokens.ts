import { SettleError, RetryableError } from '../../core/errors';
import type { QuickBooksSecrets } from './client';

/** Intuit no longer accepts the refresh token: only connecting to QuickBooks again restores access. */
export class RefreshRefusedError extends SettleError {
  constructor() {
    super('books_reconnect_needed', 'QuickBooks no longer accepts Settle’s connection: connect to QuickBooks again in Settle.', 409);
  }
}

/** Refresh this long before expiry, so a job never starts with a token about to lapse. */
const MARGIN_MS = 5 * 60_000;

/**
 * Returns the same secrets while the access token is good, otherwise new ones from Intuit's token
 * endpoint (refresh_token grant; `force`: whatever the expiry says, e.g. after QuickBooks refused the token), client credentials in Basic auth) with the rotated refresh token.
 */
export async function refreshIfExpiring(secrets: QuickBooksSecrets, tokenUrl: string, now = Date.now(), force = false): Promise<QuickBooksSecrets> {
  if (!force && secrets.accessTokenExpiresAt - now > MARGIN_MS) return secrets;
  let response: Response;
  try {
    response = await fetch(tokenUrl, {
      method: 'POST',
      headers: {
        Accept: 'application/json',
        'Content-Type': 'application/x-www-form-urlencoded',
        Authorization: `Basic ${Buffer.from(`${secrets.clientId}:${secrets.clientSecret}`).toString('base64')}`,
      },
      body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: secrets.refreshToken }),
      signal: AbortSignal.timeout(20_000),
    });
  } catch (error) {
    throw new RetryableError(`QuickBooks' token endpoint did not answer: ${(error as Error).message}`);
  }
  if (response.status >= 500 || response.status === 429) throw new RetryableError(`QuickBooks' token endpoint failed (${response.status})`);
  if (!response.ok) {
    const refused = (await response.json().catch(() => ({}))) as { error?: string };
    // invalid_grant: the refresh token is expired or was revoked (the company disconnected Settle).
    if (refused.error === 'invalid_grant') throw new RefreshRefusedError();
    throw new SettleError('books_token_refresh_failed', `Intuit refused to refresh Settle's QuickBooks access (${refused.error ?? response.status}).`, 502);
  }
  const body = (await response.json()) as { access_token: string; refresh_token: string; expires_in: number };
  return { ...secrets, accessToken: body.access_token, refreshToken: body.refresh_token, accessTokenExpiresAt: now + body.expires_in * 1000 };
}
