import type { Job, Worker } from 'bullmq';
import { UnrecoverableError } from 'bullmq';
import type { Logger } from 'pino';
import { applyInboundEvent } from '../../core/payments/settlement';
import { markStoreOrderPaid } from '../../core/stores/mark-paid';
import { syncStoreRefund } from '../../core/stores/sync-refund';
import { noteOnStoreOrder } from '../../core/stores/order-note';
import { recordSaleInStore } from '../../core/stores/record-sale';
import { postToBooks } from './quickbooks-books';
import { sendRefund } from '../../core/payments/refunds';
import { recheckPayment } from '../../core/payments/outcome-unknown';
import { prepareReportRun, reportRunJobId, unfinishedReportRuns } from '../../core/reports/runs';
import { pendingOutboxItems, recordOutboxFailure, QUEUE_FOR_TOPIC } from '../../core/outbox/outbox';
import { inboundJobId, unprocessedInboundEvents } from '../../core/inbox/inbox';
import { checkAllWooWebhooks } from './woo-webhook-health';
import { runWooOrderImport } from './woo-order-import';
import { orderImportJobId, unfinishedOrderImports } from '../../core/stores/order-imports';
import { RetryableError, SettleError } from '../../core/errors';
import { observeJobs, redisConnection, retryLater, scheduleEvery, startBullWorker } from '../../connectors/queue/bullmq';
import { reconcile } from './reconciliation-jobs';
import { applyShopifyWebhook } from '../../connectors/shopify/apply-webhook';
import { tellShopifyReadiness } from '../../connectors/shopify/readiness';
import { pendingReadinessChecks } from '../../core/payments/sessions/readiness';
import type { QueueName } from '../../core/jobs/queue';
import { answerShopifySession } from '../../core/payments/sessions/settle';
import { appPaymentSessions, ShopifyPaymentSessionsGateway } from '../../connectors/shopify/payment-sessions-gateway';
import { applyQuickBooksChange, startQuickBooksCatchUp } from './quickbooks-changes';
import type { Services } from './services';
import { runAlertChecks } from './alert-jobs';
import { observeJob, serveMetrics } from './metrics';
import { SmtpAlertMailer } from '../../connectors/mail/smtp';

type Handler = (services: Services, job: Job) => Promise<string>;

const HANDLERS: Record<QueueName, Handler> = {
  inbound: (s, job) => applyInboundEvent(s, Number(job.data.inboxId)),
  // The outbox id says what the store work is: "store:<payment>" marks paid, "store-refund:…" syncs a
  // refund, "store-note:…" leaves a note (an authorization released), "store-sale:…" records a counter sale.
  store: (s, job) => {
    const id = String(job.data.outboxId);
    if (id.startsWith('store-refund:')) return syncStoreRefund(s, id);
    if (id.startsWith('store-note:')) return noteOnStoreOrder(s, id);
    if (id.startsWith('store-sale:')) return recordSaleInStore(s, id);
    if (id.startsWith('shopify-session:')) return answerShopifySession(s, shopifySessions(s), id);
    return markStoreOrderPaid(s, id);
  },
  books: (s, job) => postToBooks(s, String(job.data.outboxId)),
  // "refund:…" sends a refund; "recheck:…" re-reads a payment whose capture answer was lost.
  processor: (s, job) => {
    const id = String(job.data.outboxId);
    return id.startsWith('recheck:') ? recheckPayment(s, id) : sendRefund(s, id);
  },
  // A long report (the daily summary over months), prepared a month at a time with its progress on the run.
  reports: (s, job) => prepareReportRun(s, String(job.data.runId)),
  reconciliation: (s, job) => reconcile(s, job),
  // A Shopify webhook from the inbox, or (outbox work) telling Shopify whether checkout offers Settle.
  shopify: (s, job) => (job.data.outboxId ? tellShopifyReadiness(s, String(job.data.outboxId)) : applyShopifyWebhook(s, Number(job.data.inboxId))),
  // A connected store's recent orders, read a page at a time with the progress on the import.
  imports: (s, job) => runWooOrderImport(s, String(job.data.importId)),
  quickbooks: (s, job) => applyQuickBooksChange(s, Number(job.data.inboxId)),
  // The scheduled check: alerts raised, emailed (when SMTP_URL is set) and resolved.
  alerts: (s) => runAlertChecks(s, alertMailer(s)),
};

const mailers = new WeakMap<Services, SmtpAlertMailer>();
const alertMailer = (s: Services) => {
  if (!s.config.SMTP_URL) return undefined;
  if (!mailers.has(s)) mailers.set(s, new SmtpAlertMailer(s.config.SMTP_URL, s.config.ALERT_FROM));
  return mailers.get(s);
};

/** Shopify's Payments Apps API, reached through the shop URL template (the sandbox's in tests). */
const shopifySessions = (s: Services) =>
  new ShopifyPaymentSessionsGateway(appPaymentSessions(s));

/** How often durable work that lost its queue entry (a crash between commit and enqueue) is re-queued. */
const SWEEP_MS = 5_000;

/**
 * The worker: drains the inbound, store and books queues, and sweeps the inbox and outbox for work
 * whose enqueue was lost. Every handler is safe to run twice.
 */
export function startWorker(services: Services, log: Logger): { close(): Promise<void> } {
  const connection = redisConnection(services.redisUrl);
  connection.on('error', (error) => log.warn({ err: error.message }, 'redis connection problem'));
  const workers: Worker[] = (Object.keys(HANDLERS) as QueueName[]).map((name) =>
    startBullWorker(name, connection, services.config.QUEUE_PREFIX, async (job, token) => {
      try {
        const outcome = await HANDLERS[name](services, job);
        log.info({ queue: name, job: job.id, outcome }, 'job done');
        return outcome;
      } catch (error) {
        if (job.data.outboxId) await recordOutboxFailure(services.db, String(job.data.outboxId), (error as Error).message).catch(() => undefined);
        log.warn({ queue: name, job: job.id, attempt: job.attemptsMade + 1, err: (error as Error).message }, 'job failed');
        if (error instanceof RetryableError && error.retryAfterMs && token) await retryLater(job, token, error.retryAfterMs);
        // A problem a person must fix (bad credentials, a refused document) is not retried blindly.
        if (error instanceof SettleError && !(error instanceof RetryableError)) throw new UnrecoverableError(error.message);
        throw error;
      }
    }, 4, services.config.JOB_LOCK_MS),
  );
  for (const w of workers) w.on('error', (error) => log.warn({ err: error.message }, 'worker error'));
  for (const w of workers) observeJobs(w, w.name as QueueName, observeJob);
  if (services.config.RECONCILIATION_SWEEP_MS > 0) {
    scheduleEvery(connection, services.config.QUEUE_PREFIX, 'reconciliation', 'reconciliation-sweep', services.config.RECONCILIATION_SWEEP_MS, {}).catch((error: Error) =>
      log.warn({ err: error.message }, 'could not schedule the reconciliation sweep'),
    );
  }

  if (services.config.ALERTS_CHECK_MS > 0) {
    scheduleEvery(connection, services.config.QUEUE_PREFIX, 'alerts', 'alerts-check', services.config.ALERTS_CHECK_MS, {}).catch((error: Error) =>
      log.warn({ err: error.message }, 'could not schedule the alert check'),
    );
  }
  const metrics = services.config.METRICS_PORT > 0
    ? serveMetrics({ port: services.config.METRICS_PORT, host: services.config.HOST, token: services.config.METRICS_TOKEN, counts: () => services.jobs.counts() })
    : undefined;
  metrics?.catch((error: Error) => log.warn({ err: error.message }, 'could not serve the worker\'s /metrics'));

  // WooCommerce never retries a disabled webhook: the check repairs it and back-fills what it missed.
  // A check still running when the next is due is not started twice (each store's check is safe to repeat).
  let wooChecking = false;
  const checkWoo = async () => {
    if (wooChecking) return;
    wooChecking = true;
    try {
      await checkAllWooWebhooks(services, (merchantId, error) => log.warn({ merchantId, err: error.message }, 'woocommerce webhook check failed'));
    } finally {
      wooChecking = false;
    }
  };
  const wooCheck = services.config.WOO_WEBHOOK_CHECK_MS > 0
    ? setInterval(() => void checkWoo().catch((error: Error) => log.warn({ err: error.message }, 'woocommerce webhook check failed')), services.config.WOO_WEBHOOK_CHECK_MS)
    : undefined;
  wooCheck?.unref();

  const sweep = async () => {
    for (const { id, merchantId, platform } of await unprocessedInboundEvents(services.db, 30)) {
      await services.jobs.enqueue(platform === 'shopify' || platform === 'quickbooks' ? platform : 'inbound', inboundJobId(merchantId, id), { inboxId: id });
    }
    for (const item of await pendingOutboxItems(services.db, 30)) await services.jobs.enqueue(QUEUE_FOR_TOPIC[item.topic], item.id, { outboxId: item.id });
    // Added where no queue is at hand (a connection's or a plan's change): queued here, without waiting.
    for (const id of await pendingReadinessChecks(services.db)) await services.jobs.enqueue('shopify', id, { outboxId: id });
    for (const runId of await unfinishedReportRuns(services.db, 10)) await services.jobs.enqueue('reports', reportRunJobId(runId), { runId });
    for (const importId of await unfinishedOrderImports(services.db, 10)) await services.jobs.enqueue('imports', orderImportJobId(importId), { importId });
  };
  const quickBooksCatchUp = startQuickBooksCatchUp(services, log);
  const timer = setInterval(() => sweep().catch((error: Error) => log.warn({ err: error.message }, 'sweep failed')), SWEEP_MS);
  timer.unref();

  return {
    async close() {
      clearInterval(timer);
      clearInterval(wooCheck);
      quickBooksCatchUp.stop();
      mailers.get(services)?.close();
      const server = await metrics?.catch(() => undefined);
      server?.close();
      await Promise.all(workers.map((w) => w.close()));
      connection.disconnect();
    },
  };
}
