/**
 * Generators: a business history (sales, refunds and their outcomes, disputes, payouts), the order
 * in which Stripe's webhooks arrive (reordered, repeated), and how history and delivery interleave.
 * Plans are index-based, independent of how many events a history makes, so they shrink well.
 */
import fc from 'fast-check';
import type { Step, WebhookEvent } from './stripe-model';

const sale = fc.record({
  kind: fc.constant('sale' as const),
  items: fc.integer({ min: 50, max: 50_000 }),
  shipping: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 2_000 })),
  tax: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 4_000 })),
  // One sale in five is taken in Stripe itself, outside Settle's checkout.
  outside: fc.oneof({ arbitrary: fc.constant(false), weight: 4 }, { arbitrary: fc.constant(true), weight: 1 }),
  declinedFirst: fc.oneof({ arbitrary: fc.constant(false), weight: 4 }, { arbitrary: fc.constant(true), weight: 1 }),
});
const pick = fc.nat({ max: 9 });
const step: fc.Arbitrary<Step> = fc.oneof(
  { arbitrary: sale, weight: 3 },
  { arbitrary: fc.record({ kind: fc.constant('refund' as const), pick, percent: fc.oneof(fc.constant(100), fc.integer({ min: 1, max: 99 })), pending: fc.boolean() }), weight: 3 },
  { arbitrary: fc.record({ kind: fc.constant('refund_outcome' as const), pick, fails: fc.boolean() }), weight: 3 },
  { arbitrary: fc.record({ kind: fc.constant('dispute' as const), pick }), weight: 2 },
  { arbitrary: fc.record({ kind: fc.constant('close_dispute' as const), pick, won: fc.boolean() }), weight: 2 },
  { arbitrary: fc.record({ kind: fc.constant('payout' as const), arrives: fc.oneof({ arbitrary: fc.constant(true), weight: 3 }, { arbitrary: fc.constant(false), weight: 1 }) }), weight: 3 },
  { arbitrary: fc.record({ kind: fc.constant('payout_arrives' as const), pick }), weight: 1 },
);

/** At most 12 steps, starting with a sale or more so that most steps have something to act on. */
export const historyArb: fc.Arbitrary<Step[]> = fc
  .tuple(fc.array(sale, { minLength: 1, maxLength: 3 }), fc.array(step, { maxLength: 9 }))
  .map(([sales, rest]) => [...sales, ...rest]);

/**
 * How the events arrive: optionally reversed, then each move takes one event and puts it (or a
 * copy of it) somewhere else. A copy is a redelivery (same event id) or the same change sent again
 * under a new id; nothing is ever dropped, so every event arrives at least once.
 */
export interface DeliveryPlan {
  reverse: boolean;
  moves: { at: number; to: number; copy: 'none' | 'redelivery' | 'new_event' }[];
}
export const deliveryPlanArb: fc.Arbitrary<DeliveryPlan> = fc.record({
  reverse: fc.boolean(),
  moves: fc.array(fc.record({ at: fc.nat(), to: fc.nat(), copy: fc.constantFrom('none' as const, 'redelivery' as const, 'new_event' as const) }), { maxLength: 25 }),
});

export function deliveryOrder(events: WebhookEvent[], plan: DeliveryPlan): WebhookEvent[] {
  const order = plan.reverse ? [...events].reverse() : [...events];
  for (const move of plan.moves) {
    if (order.length === 0) break;
    const from = move.at % order.length;
    const event = order[from]!;
    if (move.copy === 'none') order.splice(from, 1);
    const copy = move.copy === 'new_event' ? { ...event, id: `${event.id}_again` } : event;
    order.splice(move.to % (order.length + 1), 0, copy);
  }
  return order;
}

/** Interleaving: where history pauses for delivery (besides after every payout), and which new events are held back a round. */
export interface Schedule {
  cuts: number[];
  late: number[];
}
export const scheduleArb: fc.Arbitrary<Schedule> = fc.record({ cuts: fc.array(fc.nat(), { maxLength: 3 }), late: fc.array(fc.nat(), { maxLength: 3 }) });

/** The history in parts: each ends at a payout (made or arrived) or a cut. */
export function segmentsOf(steps: Step[], cuts: number[]): Step[][] {
  const ends = new Set(cuts.map((c) => c % (steps.length + 1)));
  steps.forEach((s, i) => (s.kind === 'payout' || s.kind === 'payout_arrives') && ends.add(i + 1));
  const segments: Step[][] = [];
  let start = 0;
  for (const end of [...ends, steps.length].sort((a, b) => a - b)) {
    if (end > start) segments.push(steps.slice(start, end));
    start = Math.max(start, end);
  }
  return segments;
}
