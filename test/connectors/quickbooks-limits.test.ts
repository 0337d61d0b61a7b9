/**
 * Intuit's per-company limits (500 requests a minute, 10 at once) against the QuickBooks sandbox,
 * which answers 429 past them: Settle's limiter keeps a company under both, across concurrent jobs,
 * and a request that would pass the minute goes back to the queue for later instead of being sent.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Queue, QueueEvents, type Job } from 'bullmq';
import { Redis } from 'ioredis';
import { startQuickBooksSandbox, type QuickBooksSandbox } from '../sandbox/quickbooks';
import { connect, type Connected } from '../sandbox/quickbooks/helpers';
import { call } from '../../connectors/quickbooks/client';
import { QUICKBOOKS_LIMITS, RealmLimiter } from '../../connectors/quickbooks/limiter';
import { redisConnection, retryLater, startBullWorker } from '../../connectors/queue/bullmq';
import { RetryableError } from '../../core/errors';
import { QuickBooksBooks } from '../../connectors/quickbooks/books';
import { sendBatch } from '../../connectors/quickbooks/batch';
import type { BooksMapping } from '../../core/books/mapping';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
let sandbox: QuickBooksSandbox;
let redis: Redis;
beforeAll(async () => {
  sandbox = await startQuickBooksSandbox({ port: 0 });
  redis = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
});
afterAll(async () => {
  redis?.disconnect();
  await sandbox?.close();
});

const customer = (c: Connected, name: string) =>
  call<{ Id: string }>((cb) => c.qbo.createCustomer({ DisplayName: name }, cb), `the customer ${name}`);
const customers = async (c: Connected) =>
  (await (await fetch(`${sandbox.url}/_sandbox/companies/${c.company.realm_id}/documents`)).json()).documents.Customer as unknown[];
const outcome = (p: Promise<unknown>) => p.then(() => 'created', (e: Error) => e);

describe('QuickBooks limits per company', () => {
  it('forty jobs posting at once all land: never more than ten in flight, no 429', async () => {
    const unlimited = await connect(sandbox);
    // Without the limiter the sandbox refuses some (the test could fail): Intuit's 429, retryable after a minute.
    const refused = (await Promise.all(Array.from({ length: 40 }, (_, i) => outcome(customer(unlimited, `Shopper ${i}`)))))
      .filter((r): r is RetryableError => r instanceof RetryableError);
    expect(refused.length).toBeGreaterThan(0);
    expect(refused[0]?.retryAfterMs).toBe(60_000);

    const c = await connect(sandbox);
    const limiter = new RealmLimiter(redis, `test-${randomUUID()}`);
    const results = await Promise.all(Array.from({ length: 40 }, (_, i) => outcome(limiter.run(c.company.realm_id, () => customer(c, `Shopper ${i}`)))));
    expect(results.filter((r) => r !== 'created')).toEqual([]);
    expect(await customers(c)).toHaveLength(40);
  });

  it('the 501st request of a minute is not sent: the job comes back when the minute has room', async () => {
    const c = await connect(sandbox);
    const limiter = new RealmLimiter(redis, `test-${randomUUID()}`);
    const read = () => call((cb) => c.qbo.findCustomers([{ field: 'limit', value: 1 }], cb), 'looking up customers');
    for (let batch = 0; batch < 50; batch++) await Promise.all(Array.from({ length: 10 }, () => limiter.run(c.company.realm_id, read)));
    const held = await outcome(limiter.run(c.company.realm_id, () => customer(c, 'One too many')));
    expect(held).toBeInstanceOf(RetryableError);
    expect((held as RetryableError).retryAfterMs).toBeGreaterThan(50_000);
    // QuickBooks never saw it, and the company is not throttled: another company's limiter state is apart.
    expect(await customers(c)).toHaveLength(0);
  }, 180_000);

  it("a batch request past the minute's batch limit is not sent, though single requests still go", async () => {
    const c = await connect(sandbox);
    // Intuit's 40 a minute, scaled down to 3 so the minute cannot pass while the test sends them.
    const limiter = new RealmLimiter(redis, `test-${randomUUID()}`, { ...QUICKBOOKS_LIMITS, batchesPerMinute: 3 });
    const batch = (n: number) => limiter.runBatch(c.company.realm_id, () =>
      call(sendBatch(c.qbo, `batch-${n}`, [{ key: '1', prepared: { type: 'Customer', body: { DisplayName: `Batch shopper ${n}` }, what: 'the customer' } }]), 'a batch'));
    for (let n = 0; n < 3; n++) await batch(n);
    const held = await outcome(batch(3));
    expect(held).toBeInstanceOf(RetryableError);
    expect((held as RetryableError).retryAfterMs).toBeGreaterThan(30_000);
    expect(await customers(c)).toHaveLength(3);
    await limiter.run(c.company.realm_id, () => customer(c, 'Single shopper'));
    expect(await customers(c)).toHaveLength(4);
  }, 180_000);

  it("QuickBooks' 429 on a batch is retryable after 60 s, and nothing of the batch is posted", async () => {
    const c = await connect(sandbox);
    // Another app's worth of batches: this company's batch minute is used up without Settle's limiter.
    for (let n = 0; n < 40; n++) await call(sendBatch(c.qbo, `other-${n}`, [{ key: '1', prepared: { type: 'Customer', body: { DisplayName: `Other ${n}` }, what: 'the customer' } }]), 'a batch');
    const books = new QuickBooksBooks(c.qbo, { resolve: async () => '1' } as unknown as BooksMapping);
    const throttled = await outcome(books.postBatch('settle-bb_x', [{ key: '1', prepared: { type: 'Customer', body: { DisplayName: 'Throttled' }, what: 'the customer' } }]));
    expect(throttled).toBeInstanceOf(RetryableError);
    expect((throttled as RetryableError).retryAfterMs).toBe(60_000);
    expect(await customers(c)).toHaveLength(40);
    expect(await sandbox.throttledRequests(c.company.realm_id)).toBe(1);
  }, 180_000);

  it('a QuickBooks 5xx is retried with backoff, and the retry makes one document', async () => {
    const c = await connect(sandbox);
    const limiter = new RealmLimiter(redis, `test-${randomUUID()}`);
    const post = () => limiter.run(c.company.realm_id, () =>
      call<{ Id: string }>((cb) => c.qbo.createCustomer({ DisplayName: 'Retried shopper', requestId: 'entry-5xx.customer' }, cb), 'the customer'));
    await sandbox.failNextRequests(1);
    const failed = await outcome(post());
    // Retryable with no fixed wait: BullMQ's exponential backoff decides when.
    expect(failed).toBeInstanceOf(RetryableError);
    expect((failed as RetryableError).retryAfterMs).toBeUndefined();
    await post();
    await post();
    expect(await customers(c)).toHaveLength(1);
  });

  it('a 429 puts the books job back on the queue for 60 s, without spending a try', async () => {
    const prefix = `test-${randomUUID()}`;
    const connection = redisConnection(REDIS_URL);
    const queue = new Queue('books', { connection, prefix });
    const events = new QueueEvents('books', { connection: redisConnection(REDIS_URL), prefix });
    await events.waitUntilReady();
    const worker = startBullWorker('books', connection, prefix, async (job: Job, token?: string) => {
      const throttled = new RetryableError('QuickBooks is throttling requests', 60_000);
      if (token) await retryLater(job, token, throttled.retryAfterMs ?? 0);
    });
    try {
      const delayed = new Promise((resolve) => events.once('delayed', resolve));
      const job = await queue.add('books', { outboxId: 'x' }, { jobId: 'entry-1', attempts: 8 });
      await delayed;
      const again = await queue.getJob(job.id ?? '');
      expect(await again?.getState()).toBe('delayed');
      expect(again?.attemptsMade).toBe(0);
      expect((again?.timestamp ?? 0) + (again?.delay ?? 0)).toBeGreaterThan(Date.now() + 55_000);
    } finally {
      await worker.close();
      await queue.obliterate({ force: true });
      await queue.close();
      await events.close();
      connection.disconnect();
    }
  });
});
