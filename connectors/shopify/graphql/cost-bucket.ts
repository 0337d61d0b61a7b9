/**
 * Shopify's cost-based throttling as Settle keeps track of it: each shop (and API) has a leaky
 * bucket of points that refills at `restoreRate` per second up to `maximumAvailable`; every query
 * costs points. Each response's `extensions.cost.throttleStatus` tells where the bucket stands, so
 * Settle waits until a query is affordable instead of sending it to be refused.
 * (doc: shopify.dev/docs/api/usage/rate-limits)
 */

/** `extensions.cost` of a Shopify GraphQL response. */
export interface QueryCost {
  requestedQueryCost: number;
  actualQueryCost: number | null;
  throttleStatus: { maximumAvailable: number; currentlyAvailable: number; restoreRate: number };
}

/** Time as the client sees it; tests pass a clock they move by hand. */
export interface Clock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

export const realClock: Clock = { now: () => Date.now(), sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)) };

interface BucketState {
  maximumAvailable: number;
  available: number;
  restoreRate: number;
  at: number;
}

/** The buckets of every shop this process talks to, and what each operation was last charged. */
export class CostBuckets {
  private readonly buckets = new Map<string, BucketState>();
  private readonly costs = new Map<string, number>();

  constructor(readonly clock: Clock = realClock) {}

  /** Points the bucket holds now, refilled since Shopify last reported it; undefined before the first report. */
  available(bucket: string): number | undefined {
    const state = this.buckets.get(bucket);
    if (!state) return undefined;
    const refilled = state.available + (state.restoreRate * (this.clock.now() - state.at)) / 1000;
    return Math.min(state.maximumAvailable, refilled);
  }

  /** What Settle expects the operation to cost: what Shopify asked for it last time (its requested cost). */
  expectedCost(operation: string): number | undefined {
    return this.costs.get(operation);
  }

  /**
   * How long to wait before the operation is affordable: 0 when it is, or when Shopify has not yet
   * said anything about this bucket or this operation (the first call finds out).
   */
  waitBefore(bucket: string, operation: string, reserve = 0): number {
    const state = this.buckets.get(bucket);
    const cost = this.expectedCost(operation);
    const available = this.available(bucket);
    if (!state || cost === undefined || available === undefined) return 0;
    // A query dearer than the whole bucket is never affordable: Shopify refuses it outright, so send it and hear why.
    const needed = Math.min(cost + reserve, state.maximumAvailable);
    if (available >= needed) return 0;
    return Math.ceil(((needed - available) / state.restoreRate) * 1000);
  }

  /** Takes the operation's expected cost out now, so concurrent calls for the same shop do not all spend the same points. */
  spend(bucket: string, operation: string): void {
    const state = this.buckets.get(bucket);
    const cost = this.expectedCost(operation);
    const available = this.available(bucket);
    if (!state || cost === undefined || available === undefined) return;
    this.buckets.set(bucket, { ...state, available: available - cost, at: this.clock.now() });
  }

  /** Shopify's report after a response (throttled or not) replaces Settle's estimate. */
  record(bucket: string, operation: string, cost: QueryCost): void {
    const { maximumAvailable, currentlyAvailable, restoreRate } = cost.throttleStatus;
    this.buckets.set(bucket, { maximumAvailable, available: currentlyAvailable, restoreRate, at: this.clock.now() });
    this.costs.set(operation, cost.requestedQueryCost);
  }
}
