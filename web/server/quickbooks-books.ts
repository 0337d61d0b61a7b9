import { postEntryToBooks } from '../../core/books/post-entry';
import { loadOutboxItem } from '../../core/outbox/outbox';
import { RetryableError, SettleError } from '../../core/errors';
import { quickBooksAccess } from '../../connectors/quickbooks/access';
import type { Services } from './services';
import { quickBooksApp } from './services';

/**
 * Worker: posts a ledger entry to the books. When QuickBooks refuses the access token before it
 * expires (the company disconnected Settle, or Intuit ended it early), Settle asks Intuit for a new
 * one at once: a refused refresh marks the connection revoked (shown to the merchant; the job stops
 * until they reconnect), a new token is used on the job's next try.
 */
export async function postToBooks(services: Services, outboxId: string): Promise<string> {
  try {
    return await postEntryToBooks(services, outboxId);
  } catch (error) {
    if (!(error instanceof SettleError && error.code === 'books_access_denied')) throw error;
    const item = await loadOutboxItem(services.db, outboxId);
    if (!item) throw error;
    await quickBooksAccess(services.db, services.connections, item.merchantId, services.config.QUICKBOOKS_TOKEN_URL, quickBooksApp(services.config), true);
    throw new RetryableError(`${error.message} Settle has a new access token and tries again.`);
  }
}
