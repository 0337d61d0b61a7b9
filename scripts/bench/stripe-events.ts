/**
 * Signed Stripe webhook deliveries for load generation: each call gives a new event id (so every
 * request is a new inbox row, not a duplicate) with the header Stripe would send for those bytes.
 */
import { createHmac, randomBytes } from 'node:crypto';

const EVENT_ID = '@@EVENT_ID@@';
const INTENT_ID = '@@INTENT_ID@@';

/**
 * A payment_intent.payment_failed shaped like Stripe's (its size matters: the body is hashed,
 * parsed and stored as jsonb), pretty-printed as Stripe sends it. Settle subscribes to this type,
 * and as the intent matches no Settle payment the worker (running alongside on PGlite) settles each
 * one with a few queries, with no call to Stripe that the sandbox could only answer "no such intent".
 */
function eventText(created: number): string {
  const intent = {
    id: INTENT_ID, object: 'payment_intent', amount: 10000, amount_capturable: 0, amount_received: 0,
    capture_method: 'automatic', client_secret: `${INTENT_ID}_secret_bench`, confirmation_method: 'automatic', created, currency: 'usd',
    description: 'Order #1042', latest_charge: 'ch_bench', livemode: false, metadata: { settle_payment_id: 'pay_bench', order_id: '1042' },
    payment_method: null, payment_method_types: ['card'], receipt_email: 'shopper@example.com', status: 'requires_payment_method',
    last_payment_error: {
      charge: 'ch_bench', code: 'card_declined', decline_code: 'generic_decline', doc_url: 'https://stripe.com/docs/error-codes/card-declined',
      message: 'Your card was declined.', type: 'card_error',
    },
    amount_details: { tip: {} }, automatic_payment_methods: null, canceled_at: null, cancellation_reason: null, customer: null,
    next_action: null, on_behalf_of: null, processing: null, review: null, setup_future_usage: null,
    shipping: null, statement_descriptor: null, statement_descriptor_suffix: null, transfer_data: null, transfer_group: null,
    payment_method_options: { card: { installments: null, mandate_options: null, network: null, request_three_d_secure: 'automatic' } },
  };
  const event = {
    id: EVENT_ID, object: 'event', api_version: '2025-01-27.acacia', created, data: { object: intent }, livemode: false,
    pending_webhooks: 1, request: { id: 'req_bench', idempotency_key: null }, type: 'payment_intent.payment_failed',
  };
  return JSON.stringify(event, null, 2);
}

export interface SignedDelivery {
  body: string;
  signature: string;
}

/** Returns a generator of distinct, freshly signed deliveries; `runTag` keeps runs' ids apart. */
export function stripeEventSource(secret: string, runTag = randomBytes(4).toString('hex')): () => SignedDelivery {
  // Split once around the placeholders: each delivery is then a few concatenations and one HMAC,
  // so the load generator (sharing two cores with the server) spends little per request.
  const parts = eventText(Math.floor(Date.now() / 1000)).split(/@@(?:EVENT_ID|INTENT_ID)@@/);
  const ids = [...eventText(0).matchAll(/@@(EVENT_ID|INTENT_ID)@@/g)].map((m) => m[1]);
  let n = 0;
  return () => {
    n += 1;
    const suffix = `${runTag}_${n.toString(36)}`;
    let body = parts[0]!;
    ids.forEach((kind, i) => (body += (kind === 'EVENT_ID' ? `evt_bench_${suffix}` : `pi_bench_${suffix}`) + parts[i + 1]!));
    const t = Math.floor(Date.now() / 1000);
    const v1 = createHmac('sha256', secret).update(`${t}.${body}`).digest('hex');
    return { body, signature: `t=${t},v1=${v1}` };
  };
}
