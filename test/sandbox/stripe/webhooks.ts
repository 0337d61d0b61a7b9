// Events and webhook delivery. An event is stored on the account and queued for every
// endpoint subscribed to its type. Deliveries run off the request path (the API answers
// first), one at a time per account in creation order; a failure is retried after the
// configured delays on its own timer, so one broken endpoint does not stall the others. After
// those, Stripe's live-mode schedule takes over in sandbox time (up to 3 days): moving the clock
// (POST /_sandbox/clock/advance) sends the retries that have come due.
import { createHmac } from 'node:crypto';
import { type Account, type SandboxState, type StripeObject, newId, snapshot } from './store';
import { SPEC_API_VERSION, validateStripeResponse } from './spec';

export interface Delivery {
  id: string;
  event: string;
  type: string;
  endpoint: string;
  url: string;
  attempt: number;
  status: number | null; // HTTP status, null on connection error
  error?: string;
  at: string; // ISO wall-clock time of the attempt
  /** Sandbox time (unix seconds) of the next retry, when one is scheduled on the sandbox clock. */
  next_retry_at?: number;
}

/**
 * Stripe's live mode retries a failed delivery for up to three days with an exponential back-off;
 * these are the waits (sandbox seconds) after the fast retries, summing to just under 72 h.
 */
export const LIVE_RETRY_SCHEDULE_S = [3600, 2 * 3600, 4 * 3600, 8 * 3600, 16 * 3600, 32 * 3600];

/** How long deliveries made close together are gathered before being sent newest first. */
const OUT_OF_ORDER_WINDOW_MS = 50;

type Job = { acct: Account; event: StripeObject; ep: StripeObject };

export interface RequestInfo {
  id: string | null;
  idempotency_key: string | null;
}

/** Stripe-Signature value the SDK's constructEvent accepts (NOTES.md, Webhooks.js). */
export function signPayload(payload: string, secret: string, t = Math.floor(Date.now() / 1000)): string {
  const sig = createHmac('sha256', secret).update(`${t}.${payload}`).digest('hex');
  return `t=${t},v1=${sig}`;
}

export class WebhookDispatcher {
  private readonly log = new Map<string, Delivery[]>();
  private readonly chains = new Map<string, Promise<void>>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private inFlight = 0;
  private idleWaiters: (() => void)[] = [];
  private closed = false;
  private held: Job[] = [];
  /** Deliveries gathered for the out_of_order switch, and the timer that sends them reversed. */
  private shuffled: Job[] = [];
  private shuffleTimer: NodeJS.Timeout | null = null;
  /** Retries waiting for the sandbox clock (live-mode schedule). */
  private dueOnClock: (Job & { attempt: number; due: number })[] = [];

  constructor(
    private readonly state: SandboxState,
    private readonly retryDelaysMs: number[],
  ) {}

  /**
   * Create, store and queue an event. `object` is snapshotted at this moment. An event of an account
   * connected to platforms also goes to those platforms' Connect endpoints, naming the `account`;
   * `platforms` overrides which (account.application.* events go to one platform only).
   */
  emit(
    acct: Account,
    type: string,
    object: StripeObject,
    opts: { previous?: Record<string, unknown>; request?: RequestInfo; platforms?: Account[] } = {},
  ): StripeObject {
    const subscribed = (ep: StripeObject) => {
      const types = ep.enabled_events as string[];
      return ep.status === 'enabled' && (types.includes('*') || types.includes(type));
    };
    const platforms = opts.platforms ?? this.state.platformsOf(acct);
    const targets: { owner: Account; ep: StripeObject }[] = [
      ...(opts.platforms ? [] : [...acct.webhookEndpoints.values()].filter((ep) => !acct.connectEndpoints.has(ep.id) && subscribed(ep)).map((ep) => ({ owner: acct, ep }))),
      ...platforms.flatMap((p) => [...p.webhookEndpoints.values()].filter((ep) => p.connectEndpoints.has(ep.id) && subscribed(ep)).map((ep) => ({ owner: p, ep }))),
    ];
    const data: Record<string, unknown> = { object: snapshot(object) };
    // The spec: previous_attributes is only included in events of type *.updated.
    if (opts.previous && type.endsWith('.updated')) data.previous_attributes = snapshot(opts.previous);
    const event: StripeObject = {
      id: newId('evt'),
      object: 'event',
      ...(platforms.length > 0 ? { account: acct.id } : {}),
      api_version: SPEC_API_VERSION,
      created: this.state.now(),
      data,
      livemode: false,
      pending_webhooks: targets.length,
      request: opts.request ?? { id: null, idempotency_key: null },
      type,
    };
    const check = validateStripeResponse(event);
    if (!check.ok) {
      console.error('[stripe-sandbox] invalid event', type, JSON.stringify(check.errors, null, 2));
      throw new Error(`sandbox bug: event ${type} does not match the spec`);
    }
    acct.events.set(event.id, event);
    const copies = this.state.switches.deliver_twice ? 2 : 1;
    for (const { owner, ep } of targets) {
      for (let i = 0; i < copies; i++) {
        if (this.state.switches.hold_deliveries) this.held.push({ acct: owner, event, ep });
        else if (this.state.switches.out_of_order) this.shuffle({ acct: owner, event, ep });
        else this.enqueue(owner, event, ep, 1);
      }
    }
    return event;
  }

  /** Send the held deliveries, in creation order or reversed (out-of-order tests). */
  release(opts: { reverse?: boolean } = {}): number {
    const jobs = this.held;
    this.held = [];
    if (opts.reverse) jobs.reverse();
    for (const j of jobs) this.enqueue(j.acct, j.event, j.ep, 1);
    return jobs.length;
  }

  /** Gathers deliveries for a moment, then sends them newest first (the out_of_order switch). */
  private shuffle(job: Job) {
    this.shuffled.push(job);
    if (this.shuffleTimer) return;
    this.shuffleTimer = setTimeout(() => {
      const jobs = this.shuffled.reverse();
      this.shuffled = [];
      this.shuffleTimer = null;
      for (const j of jobs) this.enqueue(j.acct, j.event, j.ep, 1);
      this.settle();
    }, OUT_OF_ORDER_WINDOW_MS);
  }

  /** Sends the clock-scheduled retries that are due at sandbox time `now`; returns how many. */
  runDue(now: number): number {
    const due = this.dueOnClock.filter((r) => r.due <= now);
    this.dueOnClock = this.dueOnClock.filter((r) => r.due > now);
    for (const r of due) this.enqueue(r.acct, r.event, r.ep, r.attempt);
    return due.length;
  }

  deliveries(accountId: string): Delivery[] {
    return [...(this.log.get(accountId) ?? [])];
  }

  /** Resolves once no delivery is running or waiting for a retry timer. */
  idle(): Promise<void> {
    if (this.inFlight === 0 && this.timers.size === 0 && !this.shuffleTimer) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  close(): void {
    this.closed = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    if (this.shuffleTimer) clearTimeout(this.shuffleTimer);
    this.shuffleTimer = null;
    this.dueOnClock = [];
    this.settle();
  }

  private settle() {
    if (this.inFlight === 0 && this.timers.size === 0 && !this.shuffleTimer) {
      const waiters = this.idleWaiters;
      this.idleWaiters = [];
      waiters.forEach((w) => w());
    }
  }

  private enqueue(acct: Account, event: StripeObject, ep: StripeObject, attempt: number) {
    if (this.closed) return;
    this.inFlight++;
    const prev = this.chains.get(acct.id) ?? Promise.resolve();
    const next = prev
      .then(() => this.attempt(acct, event, ep, attempt))
      .catch((e) => console.error('[stripe-sandbox] delivery bug', e))
      .finally(() => {
        this.inFlight--;
        this.settle();
      });
    this.chains.set(acct.id, next);
  }

  private async attempt(acct: Account, event: StripeObject, ep: StripeObject, attempt: number) {
    if (this.closed) return;
    // Stripe sends the event pretty-printed; the signature covers these exact bytes.
    const payload = JSON.stringify(event, null, 2);
    const url = String(ep.url);
    const record: Delivery = {
      id: newId('whdel'),
      event: event.id,
      type: String(event.type),
      endpoint: ep.id,
      url,
      attempt,
      status: null,
      at: new Date().toISOString(),
    };
    try {
      const res = await fetch(url, {
        method: 'POST',
        headers: {
          'Content-Type': 'application/json; charset=utf-8',
          'User-Agent': 'Stripe/1.0 (+https://stripe.com/docs/webhooks)',
          Accept: '*/*; q=0.5, application/xml',
          'Cache-Control': 'no-cache',
          // Signed with the wall clock, not the sandbox clock: receivers check the
          // timestamp against their own clock (SDK tolerance 300 s).
          'Stripe-Signature': signPayload(payload, String(ep.secret)),
        },
        body: payload,
        signal: AbortSignal.timeout(10_000),
      });
      record.status = res.status;
      await res.arrayBuffer().catch(() => undefined);
    } catch (e) {
      record.error = e instanceof Error ? e.message : String(e);
    }
    const list = this.log.get(acct.id) ?? [];
    list.push(record);
    this.log.set(acct.id, list);
    const ok = record.status !== null && record.status >= 200 && record.status < 300;
    if (ok) {
      const pending = Number(event.pending_webhooks);
      if (pending > 0) event.pending_webhooks = pending - 1;
      return;
    }
    if (this.closed) return;
    const delay = this.retryDelaysMs[attempt - 1];
    if (delay === undefined) {
      const wait = LIVE_RETRY_SCHEDULE_S[attempt - 1 - this.retryDelaysMs.length];
      if (wait === undefined) return; // three days of trying: Stripe gives up (the event stays listable)
      record.next_retry_at = this.state.now() + wait;
      this.dueOnClock.push({ acct, event, ep, attempt: attempt + 1, due: record.next_retry_at });
      return;
    }
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      this.enqueue(acct, event, ep, attempt + 1);
      this.settle();
    }, delay);
    this.timers.add(timer);
  }
}
