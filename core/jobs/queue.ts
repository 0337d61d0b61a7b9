/** The queues Settle's worker drains. */
export type QueueName = 'inbound' | 'store' | 'books' | 'processor' | 'reports' | 'reconciliation' | 'shopify' | 'imports' | 'quickbooks' | 'alerts';

/**
 * The job-queue port (BullMQ on Redis in connectors/queue). `jobId` is Settle's own id for the work,
 * so enqueueing the same work twice while it is waiting or running is a no-op.
 */
export interface JobQueue {
  enqueue(queue: QueueName, jobId: string, data: Record<string, unknown>): Promise<void>;
  close(): Promise<void>;
}
