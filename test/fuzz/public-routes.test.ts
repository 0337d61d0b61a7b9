/**
 * Bad input gets a clear error and changes nothing. fast-check sends every internet-facing route
 * requests it must refuse (test/fuzz/targets.ts); each answer must be a 4xx with a stable code (a
 * short text for a page a person reads), never a 5xx, and after each one every table (row count and
 * a hash of its rows) and every queue in Redis must be exactly as before. A replayed webhook is
 * the one exception to the 4xx: the platform retries on anything else, so it is acknowledged as a
 * duplicate, and still changes nothing.
 *
 * `npm test` runs a short version; `npm run chaos:fuzz` runs more inputs per route
 * (SETTLE_FUZZ_RUNS) and writes the figures to scripts/bench/results/chaos.json and BENCHMARKS.md.
 */
import { createHmac } from 'node:crypto';
import fc from 'fast-check';
import Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mergeChaosMetrics, writeChaosSection } from '../../scripts/bench/chaos-results';
import { markdownTable } from '../../scripts/bench/results';
import { webhookHeaders } from '../server/shopify-fake';
import { CONNECT_WEBHOOK_SECRET, startTwoMerchants, type Snapshot, type TwoMerchants } from '../isolation/two-merchants';
import { fuzzTargets, type Recorded, type Target } from './targets';
import type { FuzzRequest } from './inputs';

const RUNS = Number(process.env.SETTLE_FUZZ_RUNS ?? 30);
const RECORD = process.env.SETTLE_FUZZ_RECORD === '1';

interface Figures { inputs: number; serverErrors: number; stateChanges: number; missingCodes: number }
const figures: Figures = { inputs: 0, serverErrors: 0, stateChanges: 0, missingCodes: 0 };
const perTarget: { name: string; inputs: number; refused: number; duplicates: number }[] = [];

describe('fuzzing every public route', () => {
  let world: TwoMerchants;
  let recorded: Recorded;
  let baseline: Snapshot;
  let targets: Target[] = [];

  const send = async (req: FuzzRequest) => {
    const headers = Object.fromEntries(Object.entries(req.headers).filter((h): h is [string, string] => h[1] !== undefined));
    const res = await fetch(`${world.settle.url}${req.path}`, { method: req.method, headers, body: req.body, redirect: 'manual' });
    return { status: res.status, text: await res.text() };
  };

  /** A real delivery of each kind, accepted before the fuzzing starts, so replaying it is part of the fuzz. */
  async function recordDeliveries(w: TwoMerchants): Promise<Recorded> {
    const post = async (path: string, body: string, headers: Record<string, string>) => {
      const res = await fetch(`${w.settle.url}${path}`, { method: 'POST', body, headers: { 'Content-Type': 'application/json', ...headers } });
      if (res.status !== 200) throw new Error(`${path} → ${res.status} ${await res.text()}`);
    };
    const event = (id: string, account?: string) => JSON.stringify({
      id, object: 'event', type: 'payment_intent.succeeded', ...(account ? { account } : {}), data: { object: { id: 'pi_recorded', object: 'payment_intent' } },
    });
    const stripeEvent = event('evt_recorded');
    await post(`/webhooks/stripe/${w.a.id}`, stripeEvent, { 'Stripe-Signature': Stripe.webhooks.generateTestHeaderString({ payload: stripeEvent, secret: w.a.stripeWebhookSecret }) });
    const connectEvent = event('evt_connect_recorded', w.a.stripeAccount);
    await post('/webhooks/stripe/connect', connectEvent, { 'Stripe-Signature': Stripe.webhooks.generateTestHeaderString({ payload: connectEvent, secret: CONNECT_WEBHOOK_SECRET }) });
    const wooOrder = JSON.stringify({ id: 501, status: 'processing', date_modified_gmt: '2026-12-01T09:00:00' });
    await post(`/webhooks/woocommerce/${w.a.id}`, wooOrder, { 'X-WC-Webhook-Topic': 'order.updated', 'X-WC-Webhook-Signature': createHmac('sha256', w.a.wooWebhookSecret).update(wooOrder).digest('base64') });
    const shopifyOrder = { body: JSON.stringify({ id: 820982911946154500, admin_graphql_api_id: 'gid://shopify/Order/820982911946154500', financial_status: 'paid' }), eventId: 'evt-recorded' };
    await post('/webhooks/shopify', shopifyOrder.body, webhookHeaders(w.a.shop, 'orders/paid', shopifyOrder.body, shopifyOrder.eventId));
    return { stripeEvent, connectEvent, wooOrder, shopifyOrder };
  }

  beforeAll(async () => {
    world = await startTwoMerchants();
    recorded = await recordDeliveries(world);
    targets = fuzzTargets(world, recorded);
    baseline = await world.snapshot();
  }, 60_000);

  afterAll(async () => {
    await world?.close();
    if (!RECORD) return;
    mergeChaosMetrics({ 'fuzz.inputs': figures.inputs, 'fuzz.server_errors': figures.serverErrors, 'fuzz.state_changes': figures.stateChanges });
    writeChaosSection('fuzz', [
      '## Bad input: fuzzing every public route',
      '',
      `\`npm run chaos:fuzz\` (${RUNS} inputs per route group, fast-check; \`npm test\` runs 30): every webhook, the payment API, the`,
      "shopper's pages, the OAuth callbacks and the plugin's signed calls get requests they must refuse. Each must be answered",
      'with a 4xx and a stable code (a replayed webhook: 200 as a duplicate) and leave every table and queue as it was.',
      '',
      markdownTable([
        ['Figure', 'Goal', 'Measured'],
        ['Inputs tried', '—', figures.inputs], ['5xx answers', 0, figures.serverErrors], ['State changes on rejected input', 0, figures.stateChanges],
        ['Refusals without a stable code', 0, figures.missingCodes],
      ]),
      '',
      markdownTable([['Route group', 'Inputs', 'Refused (4xx)', 'Replays acknowledged'], ...perTarget.map((t) => [t.name, t.inputs, t.refused, t.duplicates])]),
      '',
      `Run ${new Date().toISOString().slice(0, 10)}; raw figures in \`scripts/bench/results/chaos.json\` (\`fuzz.*\`).`,
    ].join('\n'));
  });

  /** What is wrong with the answer to a request the route must refuse, if anything. */
  function problemsWith(target: Target, res: { status: number; text: string }, tally: (typeof perTarget)[number]): string[] {
    if (res.status >= 500) {
      figures.serverErrors++;
      return [`a ${res.status}`];
    }
    if (target.accepts?.(res.status, res.text)) {
      tally.duplicates++;
      return [];
    }
    if (res.status < 400) return [`accepted with ${res.status}`];
    tally.refused++;
    if (target.kind === 'page') return res.text.trim() ? [] : ['an empty page'];
    let error: { code?: unknown; message?: unknown } | undefined;
    try {
      error = (JSON.parse(res.text) as { error?: typeof error }).error;
    } catch {
      error = undefined;
    }
    if (typeof error?.code === 'string' && /^[a-z][a-z0-9_]*$/.test(error.code) && typeof error.message === 'string' && error.message) return [];
    figures.missingCodes++;
    return ['no stable error code'];
  }

  const changed = (before: Snapshot, after: Snapshot) => Object.keys({ ...before, ...after }).filter((k) => before[k] !== after[k]);

  it.each(Array.from({ length: 14 }, (_, i) => i))('route group %i: refused with a 4xx and a stable code, and nothing changes', async (index) => {
    const target = targets[index]!;
    const tally = { name: target.name, inputs: 0, refused: 0, duplicates: 0 };
    perTarget.push(tally);
    await fc.assert(fc.asyncProperty(target.requests, async (req) => {
      const res = await send(req);
      figures.inputs++;
      tally.inputs++;
      const problems = problemsWith(target, res, tally);
      const after = await world.snapshot();
      const tables = changed(baseline, after);
      if (tables.length) {
        figures.stateChanges++;
        problems.push(`changed ${tables.join(', ')}`);
        baseline = after;
      }
      if (problems.length) throw new Error(`${target.name} — ${req.label}: ${problems.join('; ')}. Answer: ${res.status} ${res.text.slice(0, 300)}`);
    }), { numRuns: RUNS, endOnFailure: true });
  }, 600_000);

  it('covers every route group', () => {
    expect(targets).toHaveLength(14);
    expect(figures.serverErrors + figures.stateChanges + figures.missingCodes).toBe(0);
  });
});
