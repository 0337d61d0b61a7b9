import type { Logger } from 'pino';
import { loadInboundEvent, markInboundProcessed } from '../../core/inbox/inbox';
import { quickBooksAccess } from '../../connectors/quickbooks/access';
import { quickBooksClient } from '../../connectors/quickbooks/client';
import { catchUpQuickBooks, noteQuickBooksChange } from '../../connectors/quickbooks/changes';
import type { QuickBooksChangeNotice } from '../../connectors/quickbooks/webhooks';
import type { Services } from './services';
import { quickBooksApp } from './services';

/** The merchant's QuickBooks client, tokens refreshed as needed (a revoked connection throws). */
async function clientFor(services: Services, merchantId: string) {
  const { settings, secrets } = await quickBooksAccess(services.db, services.connections, merchantId, services.config.QUICKBOOKS_TOKEN_URL, quickBooksApp(services.config));
  return { settings, qbo: quickBooksClient(settings, secrets) };
}

/** Worker: one change Intuit's webhook told of (queue 'quickbooks'). Safe to run twice. */
export async function applyQuickBooksChange(services: Services, inboxId: number): Promise<string> {
  const event = await loadInboundEvent(services.db, inboxId);
  if (!event || event.processedAt) return 'already done';
  const notice = event.payload as QuickBooksChangeNotice;
  const flagged = await noteQuickBooksChange(services.db, async () => (await clientFor(services, event.merchantId)).qbo, event.merchantId, notice, 'webhook');
  await markInboundProcessed(services.db, inboxId);
  return flagged ? `${notice.entity} ${notice.id} flagged for the bookkeeper` : `${notice.entity} ${notice.id}: nothing Settle posted changed`;
}

/** Change Data Capture for every connected company: finds what webhooks missed. */
export async function catchUpAllQuickBooks(services: Services, failed: (merchantId: string, error: Error) => void): Promise<void> {
  const rows = await services.db.query<{ merchant_id: string }>(
    `SELECT merchant_id FROM connections WHERE platform = 'quickbooks' AND coalesce(settings->>'status', 'active') = 'active'`,
  );
  for (const { merchant_id: merchantId } of rows) {
    try {
      const { settings, qbo } = await clientFor(services, merchantId);
      await catchUpQuickBooks(services.db, qbo, merchantId, settings.realmId);
    } catch (error) {
      failed(merchantId, error as Error);
    }
  }
}

/** Runs the catch-up every QUICKBOOKS_CATCH_UP_MS in the worker; one run at a time. */
export function startQuickBooksCatchUp(services: Services, log: Logger): { stop(): void } {
  const every = services.config.QUICKBOOKS_CATCH_UP_MS;
  if (every <= 0) return { stop: () => undefined };
  let running = false;
  const run = async () => {
    if (running) return;
    running = true;
    try {
      await catchUpAllQuickBooks(services, (merchantId, error) => log.warn({ merchantId, err: error.message }, 'quickbooks catch-up failed'));
    } finally {
      running = false;
    }
  };
  const timer = setInterval(() => void run().catch((error: Error) => log.warn({ err: error.message }, 'quickbooks catch-up failed')), every);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
