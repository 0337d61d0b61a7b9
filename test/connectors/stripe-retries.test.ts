/**
 * Settle's Stripe connector as configured for production (connectors/stripe/client.ts: the SDK's
 * retries, Settle's idempotency keys) against the sandbox's faults: what the SDK absorbs, what it
 * gives up on ("outcome unknown", a RetryableError for the job to settle by re-reading), and that
 * no fault ever makes a second object.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type Stripe from 'stripe';
import { startStripeSandbox, type StripeSandbox } from '../sandbox/stripe';
import { NO_FAULTS } from '../sandbox/stripe/store';
import { sdk } from '../sandbox/stripe/test-helpers';
import { stripeClient } from '../../connectors/stripe/client';
import { StripeProcessor } from '../../connectors/stripe/processor';
import { RetryableError } from '../../core/errors';
import { money } from '../../core/money';

let sandbox: StripeSandbox;
beforeAll(async () => {
  sandbox = await startStripeSandbox();
});
afterAll(() => sandbox?.close());
beforeEach(() => void sandbox.setSwitches({ ...NO_FAULTS }));

function merchant() {
  const keys = sandbox.createAccount();
  const processor = new StripeProcessor(stripeClient(keys.secret_key, sandbox.url), { publishableKey: keys.publishable_key, webhookEndpointId: 'we_none' }, sandbox.url);
  return { processor, dashboard: sdk(sandbox, keys.secret_key) };
}

const order = (id: string) => ({
  amount: money(2500, 'USD'), description: `Order ${id}`, metadata: { order_id: id }, idempotencyKey: `checkout-${id}`, captureMethod: 'automatic' as const,
});

/** The idempotency keys Stripe saw for the objects' creation (events carry their request). */
const creationKeys = async (dashboard: Stripe, type: string) =>
  (await dashboard.events.list({ type, limit: 100 })).data.map((e) => e.request?.idempotency_key);

async function paid(processor: StripeProcessor, dashboard: Stripe, id: string) {
  const { processorRef } = await processor.createPayment(order(id));
  await dashboard.paymentIntents.confirm(processorRef, { payment_method: 'pm_card_visa' });
  return processorRef;
}

describe("the connector's retries against Stripe's faults", { timeout: 30_000 }, () => {
  it('two 500s before the work: the SDK retries with Settle\'s key; one intent', async () => {
    const { processor, dashboard } = merchant();
    sandbox.setSwitches({ fail_with_500: { count: 2, match: 'POST /v1/payment_intents' } });
    const { processorRef } = await processor.createPayment(order('o-1'));
    expect((await dashboard.paymentIntents.list()).data.map((p) => p.id)).toEqual([processorRef]);
    expect(await creationKeys(dashboard, 'payment_intent.created')).toEqual(['checkout-o-1']);
  });

  it('three 500s: the SDK gives up after its two retries and the outcome is unknown (RetryableError); nothing made', async () => {
    const { processor, dashboard } = merchant();
    sandbox.setSwitches({ fail_with_500: { count: 3, match: 'POST /v1/payment_intents' } });
    await expect(processor.createPayment(order('o-2'))).rejects.toBeInstanceOf(RetryableError);
    expect((await dashboard.paymentIntents.list()).data).toHaveLength(0);
  });

  it('a 500 after the work: not retried (Stripe would replay it); re-reading finds the one object', async () => {
    const { processor, dashboard } = merchant();
    sandbox.setSwitches({ fail_with_500: { count: 1, after_apply: true, match: 'POST /v1/payment_intents' } });
    await expect(processor.createPayment(order('o-3'))).rejects.toBeInstanceOf(RetryableError);
    const found = await processor.findPayment({ metadata: { order_id: 'o-3' }, createdSince: new Date() });
    expect((await dashboard.paymentIntents.list()).data.map((p) => p.id)).toEqual([found?.processorRef]);

    const ref = await paid(processor, dashboard, 'o-4');
    sandbox.setSwitches({ fail_with_500: { count: 1, after_apply: true, match: 'POST /v1/refunds' } });
    const refund = { processorRef: ref, amount: money(1000, 'USD'), settleRefundId: 'rf_3', reason: null, idempotencyKey: 'refund-rf_3' };
    await expect(processor.refund(refund)).rejects.toBeInstanceOf(RetryableError);
    // Asking again with the same key only replays the failure: it never refunds twice.
    await expect(processor.refund(refund)).rejects.toBeInstanceOf(RetryableError);
    const again = await processor.findRefund({ processorRef: ref, settleRefundId: 'rf_3' });
    expect((await dashboard.refunds.list({ payment_intent: ref })).data.map((r) => [r.id, r.amount])).toEqual([[again?.refundId, 1000]]);
  });

  it('a connection cut after the work: the SDK retries with the same key and gets the one refund back', async () => {
    const { processor, dashboard } = merchant();
    const ref = await paid(processor, dashboard, 'o-5');
    sandbox.setSwitches({ drop_connection: { count: 1, after_apply: true, match: 'POST /v1/refunds' } });
    const facts = await processor.refund({ processorRef: ref, amount: money(2500, 'USD'), settleRefundId: 'rf_5', reason: null, idempotencyKey: 'refund-rf_5' });
    expect((await dashboard.refunds.list({ payment_intent: ref })).data.map((r) => r.id)).toEqual([facts.refundId]);
    expect(await creationKeys(dashboard, 'refund.created')).toEqual(['refund-rf_5']);
  });

  it('429s: backed off and asked again (three times), then left to the job', async () => {
    const { processor, dashboard } = merchant();
    sandbox.setSwitches({ throttle_429: { count: 3, match: 'POST /v1/payment_intents' } });
    await processor.createPayment(order('o-6'));
    expect((await dashboard.paymentIntents.list()).data).toHaveLength(1);
    sandbox.setSwitches({ throttle_429: { count: 4, match: 'POST /v1/payment_intents' } });
    await expect(processor.createPayment(order('o-7'))).rejects.toBeInstanceOf(RetryableError);
    expect((await dashboard.paymentIntents.list()).data).toHaveLength(1);
  });
});
