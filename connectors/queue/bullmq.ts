import { DelayedError, Queue, Worker, type Job, type ConnectionOptions } from 'bullmq';
import { Redis } from 'ioredis';
import type { JobQueue, QueueName } from '../../core/jobs/queue';

export const QUEUE_NAMES: QueueName[] = ['inbound', 'store', 'books', 'processor', 'reports', 'reconciliation', 'shopify', 'imports', 'quickbooks', 'alerts'];

/** Retry policy: exponential backoff from 1 s; a job still failing after 8 tries waits for the sweep. */
const JOB_OPTIONS = { attempts: 8, backoff: { type: 'exponential', delay: 1000 }, removeOnComplete: 1000, removeOnFail: 5000 };

export function redisConnection(url: string): Redis {
  // BullMQ workers block on Redis; maxRetriesPerRequest null is what BullMQ requires for them.
  return new Redis(url, { maxRetriesPerRequest: null, enableOfflineQueue: true, lazyConnect: false });
}

/** Answers whether Redis is reachable, within `timeoutMs`, without leaving a connection behind. */
export async function pingRedis(url: string, timeoutMs = 2000): Promise<boolean> {
  const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null, connectTimeout: timeoutMs });
  redis.on('error', () => undefined);
  try {
    await redis.connect();
    return (await redis.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    redis.disconnect();
  }
}

/** core's JobQueue on BullMQ. `prefix` keeps tests and deployments sharing one Redis apart. */
export class BullJobQueue implements JobQueue {
  private readonly queues = new Map<QueueName, Queue>();

  constructor(
    private readonly connection: ConnectionOptions,
    private readonly prefix: string,
  ) {}

  private queue(name: QueueName): Queue {
    let queue = this.queues.get(name);
    if (!queue) {
      queue = new Queue(name, { connection: this.connection, prefix: this.prefix, defaultJobOptions: JOB_OPTIONS });
      this.queues.set(name, queue);
    }
    return queue;
  }

  async enqueue(queue: QueueName, jobId: string, data: Record<string, unknown>): Promise<void> {
    // BullMQ ids may not contain ':' (it separates Redis key parts).
    await this.queue(queue).add(queue, data, { jobId: jobId.replace(/:/g, '.') });
  }

  /**
   * Enqueues work again that stopped for good (a job failed without retry, e.g. while QuickBooks was
   * disconnected): a failed job with that id is retried from the start; otherwise as `enqueue`.
   */
  async requeue(queue: QueueName, jobId: string, data: Record<string, unknown>): Promise<void> {
    const job = await this.queue(queue).getJob(jobId.replace(/:/g, '.'));
    if (job && (await job.getState()) === 'failed') return job.retry('failed', { resetAttemptsMade: true, resetAttemptsStarted: true });
    await this.enqueue(queue, jobId, data);
  }

  /** Several jobs for one queue in one Redis round trip (the webhook path batches), same job id rules. */
  async enqueueMany(queue: QueueName, jobs: readonly { jobId: string; data: Record<string, unknown> }[]): Promise<void> {
    await this.queue(queue).addBulk(jobs.map((j) => ({ name: queue, data: j.data, opts: { jobId: j.jobId.replace(/:/g, '.') } })));
  }

  async counts(): Promise<Record<string, Record<string, number>>> {
    const result: Record<string, Record<string, number>> = {};
    for (const name of QUEUE_NAMES) result[name] = await this.queue(name).getJobCounts('waiting', 'active', 'delayed', 'failed');
    return result;
  }

  async close(): Promise<void> {
    await Promise.all([...this.queues.values()].map((q) => q.close()));
  }
}

/**
 * A job BullMQ adds to `queue` every `everyMs` (a job scheduler, kept in Redis): upserting the same
 * `schedulerId` again only changes its interval, so every worker may call this at start-up.
 */
export async function scheduleEvery(connection: ConnectionOptions, prefix: string, queue: QueueName, schedulerId: string, everyMs: number, data: Record<string, unknown>): Promise<void> {
  const q = new Queue(queue, { connection, prefix });
  try {
    await q.upsertJobScheduler(schedulerId, { every: everyMs }, { name: schedulerId, data, opts: { removeOnComplete: 100, removeOnFail: 100 } });
  } finally {
    await q.close();
  }
}

export function startBullWorker(
  name: QueueName,
  connection: ConnectionOptions,
  prefix: string,
  handle: (job: Job, token?: string) => Promise<unknown>,
  concurrency = 4,
  lockMs = 30_000,
): Worker {
  // A crashed worker's jobs are taken over once their claim lapses: checked every half claim.
  return new Worker(name, handle, { connection, prefix, concurrency, lockDuration: lockMs, stalledInterval: Math.ceil(lockMs / 2) });
}

/**
 * Gives a job back to its queue to run again in `ms` (e.g. QuickBooks' minute is full), without
 * spending one of its tries and without a worker sleeping on it. Throws what BullMQ expects.
 */
export async function retryLater(job: Job, token: string, ms: number): Promise<never> {
  await job.moveToDelayed(Date.now() + ms, token);
  throw new DelayedError();
}

/** How a job attempt ended (one given back to wait with retryLater is neither, and is not reported). */
export type JobOutcome = 'completed' | 'failed';
export type JobObserver = (queue: QueueName, seconds: number, outcome: JobOutcome) => void;

/**
 * The job timing hook: tells `observe` how long each attempt of the worker's jobs ran and how it
 * ended, from BullMQ's own events (an attempt starts 'active', ends 'completed' or 'failed').
 */
export function observeJobs(worker: Worker, queue: QueueName, observe: JobObserver): void {
  const started = new Map<string, number>();
  const end = (job: Job | undefined, outcome: JobOutcome) => {
    const at = job?.id ? started.get(job.id) : undefined;
    if (at === undefined) return;
    started.delete(job!.id!);
    observe(queue, (performance.now() - at) / 1000, outcome);
  };
  worker.on('active', (job) => void (job.id && started.set(job.id, performance.now())));
  worker.on('completed', (job) => end(job, 'completed'));
  worker.on('failed', (job) => end(job, 'failed'));
}
