// The sandbox on a bad day, as tests switch it on: Stripe answering 500 (before or after it did the
// work), throttling with 429, a connection dropped without an answer, slow answers. Each fault acts
// on the next `count` requests, or on a `ratio` of them, optionally only on one endpoint.
import type { Request, Response } from 'express';
import { StripeApiError } from './errors';
import type { Fault, SandboxState } from './store';

export type { Fault } from './store';

export type FaultName = 'fail_with_500' | 'throttle_429' | 'drop_connection';
export const FAULT_NAMES: FaultName[] = ['fail_with_500', 'throttle_429', 'drop_connection'];

/** What a request meets: nothing, or a fault and whether it strikes before or after the work. */
export type Strike = { fault: FaultName; afterApply: boolean } | null;

/** Checks a switch value from a test or the control endpoint; null turns the fault off. */
export function parseFault(name: FaultName, value: unknown): Fault | null {
  if (value === null || value === false || value === undefined) return null;
  if (typeof value !== 'object') throw new Error(`${name} must be an object like {"count": 2} or {"ratio": 0.3}, or null`);
  const f = value as Record<string, unknown>;
  for (const k of Object.keys(f)) if (!['count', 'ratio', 'match', 'after_apply'].includes(k)) throw new Error(`${name}: unknown field ${k}`);
  const count = f.count === undefined ? undefined : Number(f.count);
  const ratio = f.ratio === undefined ? undefined : Number(f.ratio);
  if ((count === undefined) === (ratio === undefined)) throw new Error(`${name} needs exactly one of count or ratio`);
  if (count !== undefined && (!Number.isInteger(count) || count < 1)) throw new Error(`${name}.count must be a positive whole number`);
  if (ratio !== undefined && !(ratio > 0 && ratio <= 1)) throw new Error(`${name}.ratio must be in (0, 1]`);
  if (f.match !== undefined && typeof f.match !== 'string') throw new Error(`${name}.match must be a string like "POST /v1/refunds"`);
  // A throttled request is refused before Stripe looks at it: it can never have been applied.
  if (name === 'throttle_429' && f.after_apply) throw new Error('throttle_429 cannot be after_apply: Stripe refuses throttled requests before running them');
  return { count, ratio, match: f.match as string | undefined, after_apply: f.after_apply === true };
}

/** Decides (and counts down) which fault, if any, strikes this request. Throttling is checked first, as Stripe's limiter runs first. */
export function strike(state: SandboxState, method: string, path: string, isReplay: boolean): Strike {
  for (const name of FAULT_NAMES) {
    const f = state.switches[name];
    if (!f) continue;
    if (f.match && !`${method} ${path}`.startsWith(f.match)) continue;
    // An answer replayed from an idempotency key runs nothing, so "after apply" has nothing to follow.
    if (f.after_apply && isReplay) continue;
    if (f.ratio !== undefined && Math.random() >= f.ratio) continue;
    if (f.count !== undefined) {
      f.count -= 1;
      if (f.count <= 0) state.switches[name] = null;
    }
    return { fault: name, afterApply: Boolean(f.after_apply) };
  }
  return null;
}

/** Stripe's answer to an internal failure (type api_error, HTTP 500). */
export const internalError = () =>
  new StripeApiError(500, 'api_error',
    "Sorry, something went wrong. We've already been notified of the problem, but if you need any help, you can reach us at https://support.stripe.com/contact.");

/** Stripe's 429: too many requests; the SDK raises StripeRateLimitError for the status. */
export function sendThrottled(res: Response, requestId: string): void {
  const err = new StripeApiError(429, 'invalid_request_error',
    'Request rate limit exceeded. Learn more about rate limits here https://stripe.com/docs/rate-limits.', { code: 'rate_limit' });
  res.setHeader('Request-Id', requestId);
  // Stripe names the limiter that refused; it sends no Retry-After (clients back off on their own).
  res.setHeader('Stripe-Rate-Limited-Reason', 'global-rate');
  res.status(429).json(err.body());
}

/** The connection is cut with no answer at all: the SDK sees ECONNRESET. */
export function dropConnection(req: Request): void {
  req.socket.destroy();
}

/** Holds an answer back for `delay_ms` (a slow Stripe), then sends it. */
export function delayed(state: SandboxState, send: () => void): void {
  const ms = state.switches.delay_ms;
  if (ms > 0) setTimeout(send, ms);
  else send();
}
