/**
 * Every request Settle's Stripe connector makes, checked against Stripe's OpenAPI spec. The
 * connector (connectors/stripe) runs every operation it has against the sandbox through a recording
 * proxy; each recorded request is then decoded with the sandbox's validator against the spec's
 * operation for its path — an unknown parameter, a wrong type or a missing required one fails here,
 * whether or not the sandbox happened to accept it. Every mutating call must carry Settle's own key.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStripeSandbox, type StripeSandbox } from '../sandbox/stripe';
import { loadSpec, requestSchema } from '../sandbox/stripe/spec';
import { parseParams } from '../sandbox/stripe/params';
import { StripeApiError } from '../sandbox/stripe/errors';
import { sdk } from '../sandbox/stripe/test-helpers';
import { stripeClient } from '../../connectors/stripe/client';
import { connectStripe } from '../../connectors/stripe/connect';
import { StripeProcessor } from '../../connectors/stripe/processor';
import { StripeCardReaders } from '../../connectors/stripe/terminal';
import { money } from '../../core/money';

interface Recorded {
  method: string;
  path: string;
  query: string;
  body: string;
  idempotencyKey: string | undefined;
}

/** A pass-through in front of the sandbox that keeps each request as sent on the wire. */
async function startRecorder(target: string): Promise<{ url: string; requests: Recorded[]; close(): Promise<void> }> {
  const requests: Recorded[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', async () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const url = new URL(req.url ?? '/', 'http://recorder');
      requests.push({ method: req.method ?? 'GET', path: url.pathname, query: url.search.slice(1), body, idempotencyKey: req.headers['idempotency-key'] as string | undefined });
      const headers = Object.fromEntries(Object.entries(req.headers).filter(([k]) => !['host', 'content-length', 'connection'].includes(k))) as Record<string, string>;
      const answer = await fetch(`${target}${req.url}`, { method: req.method, headers, body: req.method === 'GET' || req.method === 'DELETE' ? undefined : body });
      res.writeHead(answer.status, { 'content-type': answer.headers.get('content-type') ?? 'application/json' });
      res.end(Buffer.from(await answer.arrayBuffer()));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    close: () => new Promise<void>((r) => (server.closeAllConnections(), server.close(() => r()))),
  };
}

/** The spec's path template for a concrete path (/v1/refunds/re_1 -> /v1/refunds/{refund}). */
function specTemplate(method: string, path: string): string | undefined {
  const paths = loadSpec().doc.paths as Record<string, Record<string, unknown>>;
  return Object.keys(paths).find((t) => paths[t]?.[method.toLowerCase()] && new RegExp(`^${t.replace(/\{[^}]+\}/g, '[^/]+')}$`).test(path));
}

/** What Stripe's spec says of a request: null when it accepts it, else Stripe's error message. */
function specVerdict(r: Pick<Recorded, 'method' | 'path' | 'query' | 'body'>): string | null {
  const template = specTemplate(r.method, r.path);
  if (!template) return `${r.method} ${r.path} is not an operation in Stripe's spec`;
  try {
    parseParams(r.method === 'POST' ? r.body : r.query, requestSchema(r.method, template));
    return null;
  } catch (e) {
    if (e instanceof StripeApiError) return `${r.method} ${template}: ${e.message}`;
    throw e;
  }
}

describe("Settle's Stripe requests against Stripe's spec", { timeout: 60_000 }, () => {
  let sandbox: StripeSandbox;
  let recorder: Awaited<ReturnType<typeof startRecorder>>;
  const shapes = new Map<string, Recorded>();

  beforeAll(async () => {
    sandbox = await startStripeSandbox();
    recorder = await startRecorder(sandbox.url);
    const keys = sandbox.createAccount();
    const dashboard = sdk(sandbox, keys.secret_key);

    // Everything the connector does, as Settle does it: connect, then every PaymentProcessor operation.
    const { settings } = await connectStripe({ secretKey: keys.secret_key, publishableKey: keys.publishable_key, webhookUrl: 'http://127.0.0.1:9/webhooks/stripe/m_1', apiBase: recorder.url });
    const stripe = new StripeProcessor(stripeClient(keys.secret_key, recorder.url), settings, recorder.url);
    const usd = (cents: number) => money(cents, 'USD');
    const meta = { settle_merchant: 'm_1', order_id: '41', order_number: '41', store: 'woocommerce' };
    const since = new Date(sandbox.now() * 1000);

    const paid = await stripe.createPayment({ amount: usd(4200), description: 'Order 41', metadata: meta, idempotencyKey: 'checkout-m_1-41', captureMethod: 'automatic' });
    await stripe.shopperSession(paid.processorRef);
    await dashboard.paymentIntents.confirm(paid.processorRef, { payment_method: 'pm_card_visa' });
    const facts = await stripe.paymentFacts(paid.processorRef);
    await stripe.movement(facts.sale!.id);
    expect(await stripe.findPayment({ metadata: meta, createdSince: since })).toEqual(paid);
    const refund = await stripe.refund({ processorRef: paid.processorRef, amount: usd(1000), settleRefundId: 'rf_1', reason: 'requested_by_customer', idempotencyKey: 'refund-rf_1' });
    await stripe.refund({ processorRef: paid.processorRef, amount: usd(500), settleRefundId: 'rf_2', reason: 'Scratched blade', idempotencyKey: 'refund-rf_2' });
    await stripe.refundFacts(refund.refundId);
    expect((await stripe.findRefund({ processorRef: paid.processorRef, settleRefundId: 'rf_1' }))?.refundId).toBe(refund.refundId);

    const held = await stripe.createPayment({ amount: usd(9000), description: 'Order 42', metadata: { ...meta, order_id: '42' }, idempotencyKey: 'checkout-m_1-42-manual', captureMethod: 'manual' });
    await dashboard.paymentIntents.confirm(held.processorRef, { payment_method: 'pm_card_visa' });
    await stripe.capture({ processorRef: held.processorRef, amount: usd(6000), idempotencyKey: 'capture-pay_42-6000' });
    const released = await stripe.createPayment({ amount: usd(3000), description: 'Order 43', metadata: { ...meta, order_id: '43' }, idempotencyKey: 'checkout-m_1-43-manual', captureMethod: 'manual' });
    await dashboard.paymentIntents.confirm(released.processorRef, { payment_method: 'pm_card_visa' });
    await stripe.cancel({ processorRef: released.processorRef, idempotencyKey: 'cancel-pay_43' });

    const disputed = await dashboard.paymentIntents.create({ amount: 2500, currency: 'usd', payment_method: 'pm_card_createDispute', confirm: true });
    const dispute = (await dashboard.disputes.list({ payment_intent: disputed.id })).data[0]!;
    await stripe.dispute(dispute.id);
    await stripe.submitDisputeEvidence({
      disputeId: dispute.id, idempotencyKey: `dispute-evidence-${dispute.id}-0123456789abcdef`,
      evidence: {
        customerName: 'Ada Shopper', customerEmailAddress: 'ada@example.com', productDescription: 'A canoe paddle', shippingCarrier: 'UPS',
        shippingTrackingNumber: '1Z999', shippingDate: '2026-03-02', explanation: 'Delivered and signed for.',
      },
    });
    await stripe.eventsSince(Math.floor(since.getTime() / 1000)); // the reconciliation sweep's catch-up read
    await stripe.movementsSince(Math.floor(since.getTime() / 1000)); // and its read of the balance transactions

    // Counter sales on a Stripe Terminal reader (the in-person connector).
    const readers = new StripeCardReaders(stripeClient(keys.secret_key, recorder.url));
    const reader = await readers.registerReader({
      registrationCode: 'simulated-wpe', label: 'Till 1', idempotencyKey: 'reader-m_1-till-1',
      address: { displayName: 'Shop', line1: '1 Main St', city: 'Springfield', postalCode: '12345', country: 'US', state: 'IL' },
    });
    await readers.reader(reader.readerId);
    const counter = await readers.createInPersonPayment({ amount: usd(1200), description: 'Counter sale', metadata: { settle_merchant: 'm_1' }, idempotencyKey: 'counter-cs_1' });
    await readers.collectOnReader({ readerId: reader.readerId, processorRef: counter.processorRef });
    await readers.cancelReaderAction({ readerId: reader.readerId });

    // Customers, saved cards, off-session charges and subscriptions (Stripe Billing).
    const { customerRef } = await stripe.createCustomer({ email: 'ada@example.com', name: 'Ada', settleCustomerId: 'cus_1', idempotencyKey: 'customer-cus_1' });
    const setup = await stripe.startCardSetup({ customerRef, settleSetupId: 'cset_1', idempotencyKey: 'card-setup-cset_1' });
    await dashboard.setupIntents.confirm(setup.setupRef, { payment_method: 'pm_card_visa' });
    const { card } = await stripe.cardSetupFacts(setup.setupRef);
    const saved = await stripe.createSavedCardPayment({
      amount: usd(5000), description: 'Order 44', metadata: { ...meta, order_id: '44' }, customerRef, cardRef: card!.cardRef,
      idempotencyKey: 'saved-card-m_1-woocommerce-44-USD-50.00',
    });
    expect(await stripe.chargeOffSession({ processorRef: saved.processorRef, cardRef: card!.cardRef, idempotencyKey: `charge-pay_44` })).toMatchObject({ status: 'succeeded' });
    const subscription = await stripe.createSubscription({
      customerRef, cardRef: card!.cardRef, amount: usd(2500), interval: 'month', description: 'Coffee club', settleSubscriptionId: 'sub_1', idempotencyKey: 'subscription-sub_1',
    });
    await stripe.subscriptionFacts(subscription.subscriptionRef);
    const invoice = (await dashboard.invoices.list({ subscription: subscription.subscriptionRef })).data[0]!;
    expect(await stripe.invoiceFacts(invoice.id!)).toMatchObject({ status: 'paid', settleSubscriptionId: 'sub_1' });
    await stripe.cancelSubscription({ subscriptionRef: subscription.subscriptionRef, idempotencyKey: 'cancel-sub_1' });

    sandbox.advanceClock(3 * 86400);
    const payout = (await dashboard.payouts.list()).data[0]!;
    await stripe.payout(payout.id);

    for (const r of recorder.requests) shapes.set(`${r.method} ${specTemplate(r.method, r.path) ?? r.path} ${[...new URLSearchParams(r.method === 'POST' ? r.body : r.query).keys()].sort().join('&')}`, r);
  });

  afterAll(async () => {
    await recorder?.close();
    await sandbox?.close();
  });

  it('records every operation the connector uses', () => {
    const operations = new Set([...shapes.values()].map((r) => `${r.method} ${specTemplate(r.method, r.path)}`));
    expect([...operations].sort()).toEqual([
      'DELETE /v1/subscriptions/{subscription_exposed_id}',
      'GET /v1/balance_transactions',
      'GET /v1/balance_transactions/{id}',
      'GET /v1/disputes/{dispute}',
      'GET /v1/events',
      'GET /v1/invoices/{invoice}',
      'GET /v1/payment_intents',
      'GET /v1/payment_intents/{intent}',
      'GET /v1/payouts/{payout}',
      'GET /v1/refunds',
      'GET /v1/refunds/{refund}',
      'GET /v1/setup_intents/{intent}',
      'GET /v1/subscriptions/{subscription_exposed_id}',
      'GET /v1/terminal/readers/{reader}',
      'POST /v1/customers',
      'POST /v1/disputes/{dispute}',
      'POST /v1/payment_intents',
      'POST /v1/payment_intents/{intent}/cancel',
      'POST /v1/payment_intents/{intent}/capture',
      'POST /v1/payment_intents/{intent}/confirm',
      'POST /v1/prices',
      'POST /v1/refunds',
      'POST /v1/setup_intents',
      'POST /v1/subscriptions',
      'POST /v1/terminal/locations',
      'POST /v1/terminal/readers',
      'POST /v1/terminal/readers/{reader}/cancel_action',
      'POST /v1/terminal/readers/{reader}/process_payment_intent',
      'POST /v1/webhook_endpoints',
    ]);
  });

  it("every request shape is one Stripe's spec accepts", () => {
    const refused = [...shapes.values()].map(specVerdict).filter((v) => v !== null);
    expect(refused).toEqual([]);
  });

  it("every mutating request carries a key derived from Settle's ids, never the SDK's random one", () => {
    // Handing a payment to a reader, and stopping the reader, move no money and must be repeatable
    // for the same payment (a declined tap is collected again): the SDK's own retry key is right there.
    const repeatable = /^\/v1\/terminal\/readers\/[^/]+\/(process_payment_intent|cancel_action)$/;
    const posts = [...shapes.values()].filter((r) => r.method === 'POST' && !repeatable.test(r.path));
    expect(posts.length).toBeGreaterThan(5);
    for (const r of posts) expect(r.idempotencyKey, `${r.path}`).toMatch(/^(checkout|capture|cancel|refund|webhook-endpoint|dispute-evidence|reader|counter|customer|card-setup|saved-card|charge|subscription)-/);
  });

  it('the validator refuses a wrong shape: unknown parameter, wrong type, missing required, unknown path', () => {
    const create = { method: 'POST', path: '/v1/payment_intents', query: '' };
    expect(specVerdict({ ...create, body: 'amount=4200&currency=usd' })).toBeNull();
    expect(specVerdict({ ...create, body: 'amount=4200&currency=usd&amount_cents=4200' })).toMatch(/unknown parameter: amount_cents/);
    expect(specVerdict({ ...create, body: 'amount=42.00&currency=usd' })).toMatch(/Invalid integer/);
    expect(specVerdict({ ...create, body: 'currency=usd' })).toMatch(/Missing required param: amount/);
    expect(specVerdict({ ...create, body: 'amount=4200&currency=usd&capture_method=later' })).not.toBeNull();
    expect(specVerdict({ method: 'GET', path: '/v1/refunds', query: 'metadata[settle_refund]=rf_1', body: '' })).toMatch(/unknown parameter/);
    expect(specVerdict({ method: 'POST', path: '/v1/payment_intents/pi_1/settle', query: '', body: '' })).toMatch(/not an operation/);
  });
});
