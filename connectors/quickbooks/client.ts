import QuickBooks from 'node-quickbooks';
import { RetryableError, SettleError } from '../../core/errors';
import { notePlatformTrouble, troubleOf } from '../platform-trouble';
import { needsReview } from './explain';
import type { ConnectionStatus } from '../../core/merchants/connections';

export interface QuickBooksSettings {
  realmId: string;
  /** `oauth` when connected through "Connect to QuickBooks": the app's client id and secret come from configuration. */
  mode?: 'oauth';
  status?: ConnectionStatus;
}
export interface QuickBooksSecrets {
  clientId: string;
  clientSecret: string;
  accessToken: string;
  refreshToken: string;
  /** Unix milliseconds; the access token is refreshed a few minutes before. */
  accessTokenExpiresAt: number;
}

/**
 * Points the official client at QuickBooks (or the sandbox). The client reads these when an
 * instance is created, so this runs once at start-up from configuration.
 */
export function configureQuickBooksEndpoints(endpoints: { apiBase: string; tokenUrl: string }): void {
  QuickBooks.V3_ENDPOINT_BASE_URL = endpoints.apiBase.endsWith('/') ? endpoints.apiBase : `${endpoints.apiBase}/`;
  QuickBooks.TOKEN_URL = endpoints.tokenUrl;
}

export function quickBooksClient(settings: QuickBooksSettings, secrets: QuickBooksSecrets): QuickBooks {
  // Arguments: client id/secret, OAuth2 access token, no OAuth1 token secret, realm, endpoint as
  // configured (no "sandbox-" rewriting), no debug output (it would log documents), minor version.
  return new QuickBooks(secrets.clientId, secrets.clientSecret, secrets.accessToken, false, settings.realmId, true, false, '75', '2.0', secrets.refreshToken);
}

interface Fault {
  Fault?: { Error?: { Message?: string; Detail?: string; code?: string; element?: string }[]; type?: string };
}

/** Runs one callback-style client call as a promise, turning Intuit faults into core's errors. */
export function call<T>(run: (callback: (error: unknown, body?: unknown) => void) => void, doing: string): Promise<T> {
  return new Promise((resolve, reject) => {
    run((error, body) => (error ? reject(quickBooksFailure(error, doing)) : resolve(body as T)));
  });
}

function quickBooksFailure(error: unknown, doing: string): Error {
  const e = error as Fault & { response?: { status?: number; data?: Fault }; message?: string };
  const fault = e.Fault ?? e.response?.data?.Fault;
  const status = e.response?.status;
  const first = fault?.Error?.[0];
  const trouble = troubleOf(status);
  if (trouble) notePlatformTrouble('quickbooks', trouble);
  if (status === 429) return new RetryableError(`QuickBooks is throttling requests while ${doing}`, 60_000);
  if (status === undefined && !fault) return new RetryableError(`QuickBooks did not answer while ${doing}: ${e.message ?? 'no response'}`);
  if (status !== undefined && status >= 500) return new RetryableError(`QuickBooks failed while ${doing} (${status})`);
  if (status === 401 || fault?.type === 'AuthenticationFault') {
    return new SettleError('books_access_denied', `QuickBooks refused Settle's connection while ${doing}; reconnect QuickBooks.`, 502);
  }
  const detail = first ? `${first.Message ?? ''} ${first.Detail ?? ''}`.trim() : (e.message ?? 'unknown fault');
  // 610 Object Not Found: deleted, or never there. Naming a field, it is a reference made inactive: a person must fix it.
  if (first?.code === '610' && !first.element) return new SettleError('books_not_found', `QuickBooks has no such document (${doing})`, 404);
  // 6240 Duplicate Name Exists: another job created the same account, item or customer first.
  if (first?.code === '6240') return new SettleError('books_duplicate_name', `QuickBooks refused ${doing}: ${detail}`, 409);
  // Anything else Intuit validated and refused needs a person: it goes to the bookkeeper's review queue.
  if (first && (fault?.type === 'ValidationFault' || status === 400)) return needsReview(first, doing);
  return new SettleError('books_rejected', `QuickBooks refused ${doing}: ${detail}`, 502);
}
