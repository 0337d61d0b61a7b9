import type { Connection, ConnectionStore } from '../../core/merchants/connections';
import { endConnection } from '../../core/merchants/connections';
import type { Queryable } from '../../core/storage/database';
import { SettleError } from '../../core/errors';
import type { QuickBooksSecrets, QuickBooksSettings } from './client';
import { refreshIfExpiring, RefreshRefusedError } from './tokens';

type Stored = Connection<QuickBooksSettings, Partial<QuickBooksSecrets>>;

/** Refreshes running now, by merchant: jobs of one process wait for one refresh instead of racing it. */
const refreshing = new Map<string, Promise<QuickBooksSecrets>>();

/**
 * The merchant's QuickBooks credentials with an access token good for a while. A rotated refresh token
 * is saved before anything else can fail. When Intuit refuses the refresh token (invalid_grant) the
 * connection is marked revoked, so the merchant is told and books jobs stop until they reconnect.
 */
export async function quickBooksAccess(
  db: Queryable, connections: ConnectionStore, merchantId: string, tokenUrl: string, app?: { clientId: string; clientSecret: string }, force = false,
): Promise<{ settings: QuickBooksSettings; secrets: QuickBooksSecrets }> {
  const c = await connections.find<QuickBooksSettings, Partial<QuickBooksSecrets>>(merchantId, 'quickbooks');
  if (!c) throw new SettleError('platform_not_connected', 'Connect to QuickBooks in Settle\'s setup first.', 409);
  if (c.settings.status && c.settings.status !== 'active') {
    throw new SettleError('books_reconnect_needed', `QuickBooks is ${c.settings.status}: connect to QuickBooks again in Settle to post to the books.`, 409);
  }
  const key = `${merchantId}.${force}`;
  let pending = refreshing.get(key);
  if (!pending) {
    pending = refresh(db, connections, c, tokenUrl, app, force).finally(() => refreshing.delete(key));
    refreshing.set(key, pending);
  }
  return { settings: c.settings, secrets: await pending };
}

function withApp(secrets: Partial<QuickBooksSecrets>, app?: { clientId: string; clientSecret: string }): QuickBooksSecrets {
  // Connections made through OAuth keep only their tokens; pasted ones carry their own app credentials.
  const clientId = secrets.clientId ?? app?.clientId;
  const clientSecret = secrets.clientSecret ?? app?.clientSecret;
  if (!clientId || !clientSecret) throw new SettleError('quickbooks_not_configured', 'Settle\'s QuickBooks app is not set up (QUICKBOOKS_CLIENT_ID, QUICKBOOKS_CLIENT_SECRET).', 503);
  return { ...(secrets as QuickBooksSecrets), clientId, clientSecret };
}

async function refresh(
  db: Queryable, connections: ConnectionStore, c: Stored, tokenUrl: string, app: { clientId: string; clientSecret: string } | undefined, force: boolean,
): Promise<QuickBooksSecrets> {
  const current = withApp(c.secrets, app);
  try {
    const fresh = await refreshIfExpiring(current, tokenUrl, Date.now(), force);
    if (fresh !== current) {
      const { accessToken, refreshToken, accessTokenExpiresAt } = fresh;
      await connections.save({ ...c, secrets: { ...c.secrets, accessToken, refreshToken, accessTokenExpiresAt } });
    }
    return fresh;
  } catch (error) {
    if (!(error instanceof RefreshRefusedError)) throw error;
    // Another process may have rotated the token a moment ago: its new one is in the database.
    const now = await connections.find<QuickBooksSettings, Partial<QuickBooksSecrets>>(c.merchantId, 'quickbooks');
    if (now && now.secrets.refreshToken !== c.secrets.refreshToken) return withApp(now.secrets, app);
    await endConnection(db, c.merchantId, 'quickbooks', null, 'revoked');
    throw error;
  }
}
