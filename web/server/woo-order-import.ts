import { recordStoreOrder } from '../../core/reconciliation/snapshots';
import { beginOrderImport, failOrderImport, recordImportProgress } from '../../core/stores/order-imports';
import { importOrdersModifiedSince } from '../../connectors/woocommerce/import';
import { wooClient, type WooSecrets, type WooSettings } from '../../connectors/woocommerce/client';
import { RetryableError } from '../../core/errors';
import type { Services } from './services';

/**
 * The worker's part of an order import: reads the store's orders modified since the run's start
 * date, a page of 100 at a time, upserting each order's snapshot and counting each page on the run.
 * Delivered twice, it reads again and records the same snapshots (upserts), with the same counts.
 * A failure (the store refused the keys, did not answer) is recorded on the run in words, not
 * retried blindly: the admin shows it and the merchant imports again once the store is fixed.
 */
export async function runWooOrderImport(services: Services, importId: string): Promise<string> {
  const begun = await beginOrderImport(services.db, importId);
  if (!begun) return 'unknown order import';
  const { merchantId, run } = begun;
  if (run.status !== 'running') return `already ${run.status}`;
  const connection = await services.connections.find<WooSettings, WooSecrets>(merchantId, 'woocommerce');
  if (!connection) {
    await failOrderImport(services.db, importId, 'The WooCommerce store is no longer connected. Connect it again to import its orders.');
    return 'failed: not connected';
  }
  try {
    const done = await importOrdersModifiedSince(
      wooClient(connection.settings, connection.secrets),
      run.modifiedAfter,
      (order) => recordStoreOrder(services.db, merchantId, 'woocommerce', order),
      (progress) => recordImportProgress(services.db, importId, progress),
    );
    return `imported ${done.ordersDone} orders in ${done.pagesDone} pages`;
  } catch (error) {
    const later = error instanceof RetryableError ? ' Import again in a few minutes.' : '';
    await failOrderImport(services.db, importId, `The import stopped: ${(error as Error).message}.${later}`.replace('..', '.'));
    return 'failed';
  }
}
