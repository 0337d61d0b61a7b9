/**
 * /metrics as Prometheus scrapes it, from the server and from the separate worker: a shopper pays,
 * Stripe's signed webhooks arrive, and the webhook and job figures move; Stripe throttles Settle
 * (429) and the throttling figure moves. The token keeps strangers out.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, freePort } from '../support/settle-process';
import { startSettleStack, type SettleStack } from '../support/stack';
import { payAsShopper, placeOrder, signUpAndConnect, startCheckout, type ConnectedMerchant } from '../support/journey';
import { figure, scrape } from '../support/metrics';

const TOKEN = 'metrics-token-for-the-test-0123';

describe('/metrics for operators', { timeout: 120_000 }, () => {
  let stack: SettleStack;
  let merchant: ConnectedMerchant;
  let productId: number;
  let serverMetrics: string;
  let workerMetrics: string;

  beforeAll(async () => {
    const metricsPort = await freePort();
    stack = await startSettleStack({ env: { METRICS_TOKEN: TOKEN, METRICS_PORT: String(metricsPort) } });
    serverMetrics = `${stack.settleUrl}/metrics`;
    workerMetrics = `http://127.0.0.1:${metricsPort}/metrics`;
    merchant = await signUpAndConnect(stack.settleUrl, stack.sandboxes, 'Metrics Hardware');
    productId = (await merchant.woo.post('products', { name: 'Hammer', regular_price: '25.00' })).data.id;
  }, 120_000);

  afterAll(async () => {
    await stack?.stop();
  });

  it('refuses a scrape without the token, on the server and on the worker', async () => {
    for (const url of [serverMetrics, workerMetrics]) {
      expect((await fetch(url)).status).toBe(401);
      expect((await fetch(url, { headers: { Authorization: 'Bearer wrong-token-wrong-token' } })).status).toBe(401);
      expect((await fetch(url, { headers: { Authorization: `Bearer ${TOKEN}` } })).status).toBe(200);
    }
  });

  it('counts and times the webhooks that arrive, and the jobs they become', async () => {
    const before = await scrape(serverMetrics, TOKEN);
    const accepted = figure(before, 'settle_webhooks_received_total', { platform: 'stripe', status: '200' });
    const timed = figure(before, 'settle_webhook_duration_seconds_count', { platform: 'stripe' });
    const jobsBefore = await scrape(workerMetrics, TOKEN);
    const inboundJobs = figure(jobsBefore, 'settle_job_duration_seconds_count', { queue: 'inbound', outcome: 'completed' });

    const order = await placeOrder(merchant.woo, { productId, quantity: 1 });
    const { payment } = await startCheckout(stack.settleUrl, merchant.apiKey, order.id);
    expect(await payAsShopper(stack.settleUrl, payment.id)).toBe('succeeded');
    await eventually(async () => (await merchant.woo.get(`orders/${order.id}`)).data.status, (s) => s === 'processing');

    const after = await eventually(() => scrape(serverMetrics, TOKEN), (t) => figure(t, 'settle_webhooks_received_total', { platform: 'stripe', status: '200' }) > accepted);
    expect(figure(after, 'settle_webhook_duration_seconds_count', { platform: 'stripe' })).toBeGreaterThan(timed);
    const jobsAfter = await eventually(() => scrape(workerMetrics, TOKEN), (t) => figure(t, 'settle_job_duration_seconds_count', { queue: 'inbound', outcome: 'completed' }) > inboundJobs);
    expect(figure(jobsAfter, 'settle_job_duration_seconds_count', { queue: 'store', outcome: 'completed' })).toBeGreaterThan(0);
    // Queue depths are read at each scrape, on both.
    expect(figure(after, 'settle_queue_jobs', { queue: 'inbound', state: 'waiting' })).toBeGreaterThanOrEqual(0);
    expect(figure(jobsAfter, 'settle_queue_jobs', { queue: 'books', state: 'failed' })).toBeGreaterThanOrEqual(0);
  });

  it('counts a bad signature as a refused delivery', async () => {
    const refused = () => scrape(serverMetrics, TOKEN).then((t) => figure(t, 'settle_webhooks_received_total', { platform: 'stripe', status: '400' }));
    expect(() => figure('', 'settle_webhooks_received_total')).toThrow();
    const before = await refused().catch(() => 0);
    const response = await fetch(`${stack.settleUrl}/webhooks/stripe/${merchant.merchantId}`, {
      method: 'POST', headers: { 'Content-Type': 'application/json', 'Stripe-Signature': 't=1,v1=forged' }, body: '{"id":"evt_forged","type":"charge.succeeded"}',
    });
    expect(response.status).toBe(400);
    expect(await refused()).toBe(before + 1);
  });

  it('counts Stripe throttling Settle (429)', async () => {
    const throttled = (t: string) => figure(t, 'settle_platform_errors_total', { platform: 'stripe', kind: 'throttled' });
    const before = throttled(await scrape(serverMetrics, TOKEN));
    stack.sandboxes.stripe.setSwitches({ throttle_429: { count: 1, match: 'POST /v1/payment_intents' } });
    const order = await placeOrder(merchant.woo, { productId, quantity: 2 });
    // Settle backs off and tries again: the shopper still gets a payment.
    const { payment } = await startCheckout(stack.settleUrl, merchant.apiKey, order.id);
    expect(payment.status).toBe('awaiting_payment');
    expect(throttled(await scrape(serverMetrics, TOKEN))).toBe(before + 1);
  });
});
