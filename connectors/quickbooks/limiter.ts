import type { Redis } from 'ioredis';
import { RetryableError } from '../../core/errors';

/**
 * Intuit's limits per company (realm): 500 requests a minute, 10 at once; of those, 40 batch requests
 * a minute per company and app (and 120 per company, which one app cannot reach under its 40).
 */
export const QUICKBOOKS_LIMITS = { perMinute: 500, inFlight: 10, batchesPerMinute: 40 };

// A second of margin on the minute: Intuit counts a request when it arrives, we when we send it.
const WINDOW_MS = 61_000;
// A worker killed mid-request never releases its slot; the slot frees itself after this long.
const LEASE_MS = 120_000;
// Waits shorter than this are waited in the job; longer ones give the job back to the queue, delayed.
const WAIT_IN_JOB_MS = 2_000;

/**
 * Takes a slot for one request to a realm, atomically across every worker process: answers 0 when
 * taken, else how many ms to wait. Uses Redis' own clock so processes' clocks need not agree.
 * KEYS: sent (sorted set of request ids by send time), held (slot ids by lease expiry), and for a
 * batch request batches (sorted set of batch requests by send time).
 * ARGV: slot id, window ms, per-window limit, in-flight limit, lease ms, batch per-window limit.
 */
const TAKE = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local window, limit, inflight, lease = tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4]), tonumber(ARGV[5])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now)
if redis.call('ZCARD', KEYS[2]) >= inflight then return 25 end
if redis.call('ZCARD', KEYS[1]) >= limit then
  local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
  return math.max(1, tonumber(oldest[2]) + window - now)
end
if KEYS[3] then
  redis.call('ZREMRANGEBYSCORE', KEYS[3], '-inf', now - window)
  if redis.call('ZCARD', KEYS[3]) >= tonumber(ARGV[6]) then
    local oldest = redis.call('ZRANGE', KEYS[3], 0, 0, 'WITHSCORES')
    return math.max(1, tonumber(oldest[2]) + window - now)
  end
  redis.call('ZADD', KEYS[3], now, ARGV[1])
  redis.call('PEXPIRE', KEYS[3], window)
end
redis.call('ZADD', KEYS[1], now, ARGV[1])
redis.call('ZADD', KEYS[2], now + lease, ARGV[1])
redis.call('PEXPIRE', KEYS[1], window)
redis.call('PEXPIRE', KEYS[2], lease)
return 0
`;

/**
 * Keeps Settle within Intuit's limits for each QuickBooks company, across all of the worker's jobs and
 * processes (the counts live in Redis), so QuickBooks never has to answer 429. A request that would
 * pass the minute's limit is not sent: the job is handed back to the queue to run when the window
 * has room (RetryableError with retryAfterMs, which the worker turns into a delayed retry).
 */
export class RealmLimiter {
  private seq = 0;

  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly limits = QUICKBOOKS_LIMITS,
  ) {}

  run<T>(realmId: string, request: () => Promise<T>): Promise<T> {
    return this.take(realmId, false, request);
  }

  /** A batch request: one of the minute's requests, and one of its batch requests. */
  runBatch<T>(realmId: string, request: () => Promise<T>): Promise<T> {
    return this.take(realmId, true, request);
  }

  private async take<T>(realmId: string, batch: boolean, request: () => Promise<T>): Promise<T> {
    const slot = `${process.pid}.${Date.now()}.${this.seq++}`;
    const key = (name: string) => `${this.prefix}:qbo-limit:${realmId}:${name}`;
    const keys = batch ? [key('sent'), key('held'), key('batches')] : [key('sent'), key('held')];
    const { perMinute, inFlight, batchesPerMinute } = this.limits;
    for (;;) {
      const wait = Number(await this.redis.eval(TAKE, keys.length, ...keys, slot, WINDOW_MS, perMinute, inFlight, LEASE_MS, batchesPerMinute));
      if (wait === 0) break;
      const limit = batch ? `${perMinute} requests or ${batchesPerMinute} batch requests` : `${perMinute} requests`;
      if (wait > WAIT_IN_JOB_MS) throw new RetryableError(`QuickBooks company ${realmId} is at its ${limit} a minute; Settle posts the rest when the minute has room.`, wait);
      await new Promise((resolve) => setTimeout(resolve, wait));
    }
    try {
      return await request();
    } finally {
      await this.redis.zrem(key('held'), slot);
    }
  }
}
