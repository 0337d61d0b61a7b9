/**
 * Every route the internet can reach, each with the bad requests fast-check makes for it: the
 * platforms' webhooks (bad, stale, foreign and altered signatures, replays, bodies that are not
 * events, bodies over the limit), the payment API (mutated bodies, wrong content types, other
 * merchants' and made-up ids, forged store signatures, forged credentials), the shopper's pages,
 * the OAuth callbacks and sign-in links. Each target says whether its answer is JSON (and so must
 * carry a stable `error.code`) or a page for a person (a short text in words).
 */
import { createHmac } from 'node:crypto';
import fc from 'fast-check';
import Stripe from 'stripe';
import { hmacHex } from '../../core/merchants/store-signatures';
import { wooChange } from '../../connectors/woocommerce/webhooks';
import { parseQuickBooksWebhook } from '../../connectors/quickbooks/webhooks';
import { CLIENT_SECRET, sessionToken, signQuery, webhookHeaders } from '../server/shopify-fake';
import { CONNECT_WEBHOOK_SECRET, INTUIT_VERIFIER_TOKEN, type TwoMerchants } from '../isolation/two-merchants';
import {
  OVER_WEBHOOK_LIMIT, badJsonBody, brokenJson, contentType, foreignId, headerText, isJson, junk, segment,
  type BodyShape, type FuzzRequest,
} from './inputs';

export interface Target {
  name: string;
  /** json: refusals are `{error:{code,message}}`; page: a person's browser gets a short text. */
  kind: 'json' | 'page';
  requests: fc.Arbitrary<FuzzRequest>;
  /** An answer other than a 4xx that is right for the input (a replayed delivery acknowledged as a duplicate). */
  accepts?: (status: number, text: string) => boolean;
}

/** Deliveries recorded before the fuzzing starts, so that replaying them is part of it. */
export interface Recorded {
  stripeEvent: string;
  connectEvent: string;
  wooOrder: string;
  shopifyOrder: { body: string; eventId: string };
}

const now = () => Math.floor(Date.now() / 1000);
const stripeSign = (payload: string, secret: string, timestamp?: number) => Stripe.webhooks.generateTestHeaderString({ payload, secret, timestamp });
const base64Hmac = (secret: string, body: string) => createHmac('sha256', secret).update(body).digest('base64');
const stale = fc.integer({ min: 301, max: 30 * 86_400 }).map((age) => now() - age);
const duplicateAck = (status: number, text: string) => status === 200 && /"duplicate":true/.test(text);

const stripeEvent = fc.record({ id: fc.string({ minLength: 1, maxLength: 30 }).map((s) => `evt_${s}`), type: fc.constantFrom('payment_intent.succeeded', 'charge.refunded', 'payout.paid') })
  .map((e) => JSON.stringify({ ...e, object: 'event', data: { object: { id: 'pi_fuzz', object: 'payment_intent' } } }));
/** Signed or not, never a Stripe event: broken JSON, or JSON without a string id and type. */
const notAStripeEvent = fc.oneof(brokenJson, fc.json()).filter((body) => {
  if (!isJson(body)) return true;
  const e = JSON.parse(body) as { id?: unknown; type?: unknown } | null;
  return typeof e !== 'object' || e === null || typeof e.id !== 'string' || typeof e.type !== 'string';
});

function stripeWebhooks(w: TwoMerchants, recorded: Recorded): Target {
  const secretOf = (mid: string) => (mid === w.a.id ? w.a.stripeWebhookSecret : w.b.stripeWebhookSecret);
  const otherSecret = (mid: string) => (mid === w.a.id ? w.b.stripeWebhookSecret : w.a.stripeWebhookSecret);
  const merchant = fc.oneof({ weight: 3, arbitrary: fc.constant(w.a.id) }, { weight: 1, arbitrary: foreignId('mer', [w.b.id]) });
  type Case = { mid: string; body: string; signature?: string; how: string };
  const cases: fc.Arbitrary<Case> = fc.oneof(
    fc.tuple(merchant, stripeEvent).map(([mid, body]) => ({ mid, body, how: 'no signature' })),
    fc.tuple(merchant, stripeEvent, headerText).map(([mid, body, signature]) => ({ mid, body, signature, how: 'a garbage signature' })),
    fc.tuple(merchant, stripeEvent).map(([mid, body]) => ({ mid, body, signature: stripeSign(body, otherSecret(mid)), how: "another merchant's secret" })),
    fc.tuple(merchant, stripeEvent, stale).map(([mid, body, t]) => ({ mid, body, signature: stripeSign(body, secretOf(mid), t), how: 'a stale signature' })),
    fc.tuple(merchant, stripeEvent, junk).map(([mid, body, extra]) => ({ mid, body: body.replace('"pi_fuzz"', JSON.stringify(`pi_${extra}`)), signature: stripeSign(body, secretOf(mid)), how: 'signed, then altered' }))
      .filter((c) => !c.body.includes('"pi_fuzz"')),
    fc.tuple(merchant, notAStripeEvent).map(([mid, body]) => ({ mid, body, signature: stripeSign(body, secretOf(mid)), how: 'signed, but not an event' })),
    fc.constant(0).map(() => ({ mid: w.a.id, body: OVER_WEBHOOK_LIMIT, signature: stripeSign(OVER_WEBHOOK_LIMIT, w.a.stripeWebhookSecret), how: 'over the size limit' })),
    fc.constant(0).map(() => ({ mid: w.a.id, body: recorded.stripeEvent, signature: stripeSign(recorded.stripeEvent, w.a.stripeWebhookSecret), how: 'a replayed delivery' })),
  );
  return {
    name: 'POST /webhooks/stripe/:merchantId', kind: 'json', accepts: duplicateAck,
    requests: fc.tuple(cases, contentType).map(([c, type]) => ({
      method: 'POST', path: `/webhooks/stripe/${segment(c.mid)}`, body: c.body, label: c.how,
      headers: { 'Content-Type': type, ...(c.signature === undefined ? {} : { 'Stripe-Signature': c.signature }) },
    })),
  };
}

function connectWebhooks(recorded: Recorded): Target {
  const cases = fc.oneof(
    stripeEvent.map((body) => ({ body, signature: undefined as string | undefined, how: 'no signature' })),
    fc.tuple(stripeEvent, headerText).map(([body, signature]) => ({ body, signature, how: 'a garbage signature' })),
    stripeEvent.map((body) => ({ body, signature: stripeSign(body, 'whsec_a_merchant_endpoint'), how: "a merchant endpoint's secret" })),
    fc.tuple(stripeEvent, stale).map(([body, t]) => ({ body, signature: stripeSign(body, CONNECT_WEBHOOK_SECRET, t), how: 'a stale signature' })),
    notAStripeEvent.map((body) => ({ body, signature: stripeSign(body, CONNECT_WEBHOOK_SECRET), how: 'signed, but not an event' })),
    fc.constant(0).map(() => ({ body: recorded.connectEvent, signature: stripeSign(recorded.connectEvent, CONNECT_WEBHOOK_SECRET), how: 'a replayed delivery' })),
  );
  return {
    name: 'POST /webhooks/stripe/connect', kind: 'json', accepts: duplicateAck,
    requests: fc.tuple(cases, contentType).map(([c, type]) => ({
      method: 'POST', path: '/webhooks/stripe/connect', body: c.body, label: c.how,
      headers: { 'Content-Type': type, ...(c.signature === undefined ? {} : { 'Stripe-Signature': c.signature }) },
    })),
  };
}

function wooWebhooks(w: TwoMerchants, recorded: Recorded): Target {
  const merchant = fc.oneof({ weight: 3, arbitrary: fc.constant(w.a.id) }, { weight: 1, arbitrary: foreignId('mer', [w.b.id]) });
  const topic = fc.oneof(fc.constantFrom('order.updated', 'order.created', 'order.deleted', 'product.updated'), headerText);
  const order = fc.record({ id: fc.integer({ min: 1, max: 1_000_000 }), status: fc.constantFrom('processing', 'refunded', 'cancelled') })
    .map((o) => JSON.stringify({ ...o, date_modified_gmt: '2026-12-01T10:00:00' }));
  const notAChange = (t: string) => fc.oneof(brokenJson, fc.json()).filter((body) => !wooChange(t, Buffer.from(body)) && !/^webhook_id=\d+$/.test(body));
  const cases = fc.oneof(
    fc.tuple(merchant, topic, order).map(([mid, t, body]) => ({ mid, t, body, signature: undefined as string | undefined, how: 'no signature' })),
    fc.tuple(merchant, topic, order, headerText).map(([mid, t, body, signature]) => ({ mid, t, body, signature, how: 'a garbage signature' })),
    fc.tuple(merchant, topic, order).map(([mid, t, body]) => ({ mid, t, body, signature: base64Hmac(mid === w.a.id ? w.b.wooWebhookSecret : w.a.wooWebhookSecret, body), how: "another store's secret" })),
    fc.tuple(topic, order).map(([t, body]) => ({ mid: w.a.id, t, body: body.replace('processing', 'completed'), signature: base64Hmac(w.a.wooWebhookSecret, body), how: 'signed, then altered' }))
      .filter((c) => !c.body.includes('processing') && c.body.includes('completed')),
    topic.chain((t) => notAChange(t).map((body) => ({ mid: w.a.id, t, body, signature: base64Hmac(w.a.wooWebhookSecret, body), how: 'signed, but not a change' }))),
    fc.constant(0).map(() => ({ mid: w.a.id, t: 'order.updated', body: OVER_WEBHOOK_LIMIT, signature: base64Hmac(w.a.wooWebhookSecret, OVER_WEBHOOK_LIMIT), how: 'over the size limit' })),
    fc.constant(0).map(() => ({ mid: w.a.id, t: 'order.updated', body: recorded.wooOrder, signature: base64Hmac(w.a.wooWebhookSecret, recorded.wooOrder), how: 'a replayed delivery' })),
  );
  return {
    name: 'POST /webhooks/woocommerce/:merchantId', kind: 'json', accepts: duplicateAck,
    requests: fc.tuple(cases, contentType).map(([c, type]) => ({
      method: 'POST', path: `/webhooks/woocommerce/${segment(c.mid)}`, body: c.body, label: c.how,
      headers: { 'Content-Type': type, 'X-WC-Webhook-Topic': c.t, 'X-WC-Webhook-Delivery-ID': '1', ...(c.signature === undefined ? {} : { 'X-WC-Webhook-Signature': c.signature }) },
    })),
  };
}

function shopifyWebhooks(w: TwoMerchants, recorded: Recorded): Target {
  const order = fc.integer({ min: 1, max: 1_000_000 }).map((id) => JSON.stringify({ id, admin_graphql_api_id: `gid://shopify/Order/${id}`, financial_status: 'paid' }));
  const eventId = fc.uuid();
  const unknownShop = fc.stringMatching(/^[a-z][a-z0-9-]{2,20}$/).map((s) => `${s}.myshopify.com`).filter((s) => s !== w.a.shop && s !== w.b.shop);
  const cases = fc.oneof(
    fc.tuple(order, eventId).map(([body, id]) => ({ headers: webhookHeaders(w.a.shop, 'orders/paid', body, id, 'not-the-app-secret'), body, how: 'a wrong HMAC' })),
    fc.tuple(order, eventId, fc.subarray(['X-Shopify-Hmac-Sha256', 'X-Shopify-Topic', 'X-Shopify-Shop-Domain', 'X-Shopify-API-Version', 'X-Shopify-Webhook-Id'], { minLength: 1 }))
      .map(([body, id, drop]) => ({ headers: Object.fromEntries(Object.entries(webhookHeaders(w.a.shop, 'orders/paid', body, id)).filter(([k]) => !drop.includes(k))), body, how: `without ${drop.join(', ')}` })),
    fc.tuple(order, eventId, unknownShop).map(([body, id, shop]) => ({ headers: webhookHeaders(shop, 'orders/paid', body, id), body, how: 'a shop Settle is not installed in' })),
    fc.tuple(fc.oneof(brokenJson, fc.json().filter((j) => !j.startsWith('{'))), eventId).map(([body, id]) => ({ headers: webhookHeaders(w.a.shop, 'orders/paid', body, id), body, how: 'signed, but not a JSON object' })),
    fc.tuple(order, eventId).map(([body, id]) => ({ headers: webhookHeaders(w.a.shop, 'orders/paid', body, id), body: body.replace('"paid"', '"refunded"'), how: 'signed, then altered' })),
    fc.constant(0).map(() => ({ headers: webhookHeaders(w.a.shop, 'orders/paid', OVER_WEBHOOK_LIMIT, 'huge'), body: OVER_WEBHOOK_LIMIT, how: 'over the size limit' })),
    fc.constant(0).map(() => ({ headers: webhookHeaders(w.a.shop, 'orders/paid', recorded.shopifyOrder.body, recorded.shopifyOrder.eventId), body: recorded.shopifyOrder.body, how: 'a replayed delivery' })),
  );
  return {
    name: 'POST /webhooks/shopify', kind: 'json', accepts: duplicateAck,
    requests: cases.map((c) => ({ method: 'POST', path: '/webhooks/shopify', headers: c.headers, body: c.body, label: c.how })),
  };
}

function quickBooksWebhooks(w: TwoMerchants): Target {
  const notice = fc.constantFrom('Invoice', 'Payment', 'SalesReceipt').map((name) => JSON.stringify({
    eventNotifications: [{ realmId: w.a.realmId, dataChangeEvent: { entities: [{ name, id: '42', operation: 'Update', lastUpdated: '2026-12-01T10:00:00.000Z' }] } }],
  }));
  const notANotice = fc.oneof(brokenJson, fc.json()).filter((body) => !isJson(body) || !parseQuickBooksWebhook(JSON.parse(body)));
  const cases = fc.oneof(
    notice.map((body) => ({ body, signature: undefined as string | undefined, how: 'no signature' })),
    fc.tuple(notice, headerText).map(([body, signature]) => ({ body, signature, how: 'a garbage signature' })),
    notice.map((body) => ({ body, signature: base64Hmac('another-apps-verifier-token', body), how: "another app's verifier token" })),
    notice.map((body) => ({ body: body.replace('Update', 'Delete'), signature: base64Hmac(INTUIT_VERIFIER_TOKEN, body), how: 'signed, then altered' })),
    notANotice.map((body) => ({ body, signature: base64Hmac(INTUIT_VERIFIER_TOKEN, body), how: 'signed, but not a notification' })),
    fc.constant(0).map(() => ({ body: OVER_WEBHOOK_LIMIT, signature: base64Hmac(INTUIT_VERIFIER_TOKEN, OVER_WEBHOOK_LIMIT), how: 'over the size limit' })),
  );
  return {
    name: 'POST /webhooks/quickbooks', kind: 'json',
    requests: fc.tuple(cases, contentType).map(([c, type]) => ({
      method: 'POST', path: '/webhooks/quickbooks', body: c.body, label: c.how,
      headers: { 'Content-Type': type, ...(c.signature === undefined ? {} : { 'intuit-signature': c.signature }) },
    })),
  };
}

interface JsonRoute { method: string; path: string; auth: boolean; shape: BodyShape; headers?: Record<string, string> }

/** Routes taking a JSON body, each with a body it accepts (mutated into ones it must refuse). */
function jsonRoutes(w: TwoMerchants): JsonRoute[] {
  const { a } = w;
  const paymentSession = {
    id: 'ps_fuzz', gid: 'gid://shopify/PaymentSession/ps_fuzz', amount: '10.00', currency: 'USD', test: true, kind: 'sale',
    payment_method: { type: 'offsite', data: { cancel_url: 'https://alder-books.myshopify.com/cancel' } },
  };
  const followUp = (type: string) => ({ id: `${type}_fuzz`, gid: `gid://shopify/${type}/fuzz`, payment_id: a.shopifySessionId, amount: '1.00', currency: 'USD' });
  const shopHeader = { 'Shopify-Shop-Domain': a.shop };
  return [
    { method: 'POST', path: '/api/merchants', auth: false, shape: { valid: { name: 'Fuzz Shop' }, required: ['name'], strict: true } },
    { method: 'POST', path: '/api/checkouts', auth: true, shape: { valid: { storePlatform: 'woocommerce', orderId: '12' }, required: ['storePlatform', 'orderId'], strict: true } },
    { method: 'PUT', path: '/api/connections/stripe', auth: true, shape: { valid: { secretKey: 'sk_test_abcdefghij', publishableKey: 'pk_test_abcdefghij' }, required: ['secretKey', 'publishableKey'], strict: true } },
    { method: 'PUT', path: '/api/connections/woocommerce', auth: true, shape: { valid: { siteUrl: a.siteUrl, consumerKey: 'ck_fuzz', consumerSecret: 'cs_fuzz' }, required: ['siteUrl', 'consumerKey', 'consumerSecret'], strict: true } },
    {
      method: 'PUT', path: '/api/connections/quickbooks', auth: true,
      shape: { valid: { realmId: '123', clientId: 'c', clientSecret: 's', accessToken: 'a', refreshToken: 'r', expiresIn: 3600 }, required: ['realmId', 'clientId', 'clientSecret', 'accessToken', 'refreshToken', 'expiresIn'], strict: true },
    },
    { method: 'POST', path: '/api/customers', auth: true, shape: { valid: { email: 'pat@example.com', name: 'Pat' }, required: [], strict: true } },
    { method: 'POST', path: '/api/payment-links', auth: true, shape: { valid: { description: 'Gift', currency: 'USD', amount: 500 }, required: ['description', 'currency', 'amount'], strict: true } },
    { method: 'POST', path: '/api/counter-sales', auth: true, shape: { valid: { readerId: 'tmr_1', amount: 500, currency: 'USD', description: 'Coffee' }, required: ['readerId', 'amount', 'currency', 'description'], strict: true } },
    { method: 'POST', path: '/api/reports/daily-summary/runs', auth: true, shape: { valid: { from: '2026-01-01', to: '2026-03-31' }, required: ['from', 'to'], strict: false } },
    { method: 'POST', path: '/api/woocommerce/imports', auth: true, shape: { valid: { days: 5 }, required: [], strict: true } },
    { method: 'POST', path: `/api/reconciliation/exceptions/${a.exceptionId}/accept`, auth: true, shape: { valid: { note: 'checked' }, required: ['note'], strict: false } },
    { method: 'POST', path: `/api/payments/${a.paymentId}/refunds`, auth: true, shape: { valid: { amount: 100, reason: 'damaged' }, required: [], strict: true } },
    { method: 'POST', path: `/api/payments/${a.paymentId}/dispute/evidence`, auth: true, shape: { valid: { explanation: 'delivered' }, required: [], strict: true } },
    {
      method: 'POST', path: `/api/customers/${a.customerId}/subscriptions`, auth: true,
      shape: { valid: { cardId: 'card_1', amount: 500, currency: 'USD', interval: 'month', description: 'Beans' }, required: ['cardId', 'amount', 'currency', 'interval', 'description'], strict: true },
    },
    { method: 'POST', path: `/api/customers/${a.customerId}/charges`, auth: true, shape: { valid: { cardId: 'card_1', storePlatform: 'woocommerce', orderId: '7' }, required: ['cardId', 'storePlatform', 'orderId'], strict: true } },
    { method: 'POST', path: `/api/pay/link/${a.linkId}`, auth: false, shape: { valid: { email: 'shopper@example.com' }, required: ['email'], strict: true } },
    { method: 'POST', path: '/shopify/payments/sessions', auth: false, headers: shopHeader, shape: { valid: paymentSession, required: Object.keys(paymentSession), strict: false } },
    ...(['RefundSession', 'CaptureSession', 'VoidSession'] as const).map((type, i) => ({
      method: 'POST', path: ['/shopify/payments/refunds', '/shopify/payments/captures', '/shopify/payments/voids'][i]!, auth: false, headers: shopHeader,
      shape: { valid: followUp(type), required: ['id', 'gid', 'payment_id', 'amount', 'currency'], strict: false },
    })),
    {
      method: 'POST', path: `/connect/woocommerce/callback?site=${encodeURIComponent(a.siteUrl)}`, auth: false,
      shape: { valid: { key_id: 1, user_id: 'wc-auth.x.1.y', consumer_key: 'ck_1', consumer_secret: 'cs_1', key_permissions: 'read_write' }, required: ['key_id', 'user_id', 'consumer_key', 'consumer_secret', 'key_permissions'], strict: false },
    },
  ];
}

function badBodies(w: TwoMerchants): Target {
  const routes = jsonRoutes(w);
  return {
    name: 'JSON bodies of the payment API, the Shopify payment sessions and the WooCommerce connect callback', kind: 'json',
    requests: fc.constantFrom(...routes).chain((r) => badJsonBody(r.shape).map((b) => ({
      method: r.method, path: r.path, body: b.body, label: `${r.method} ${r.path}: ${b.how}`,
      headers: { ...(b.contentType ? { 'Content-Type': b.contentType } : {}), ...(r.auth ? { Authorization: `Bearer ${w.a.apiKey}` } : {}), ...r.headers },
    }))),
  };
}

/** Routes naming one of the merchant's things; the id is another merchant's, made up, or an injection. */
function foreignIds(w: TwoMerchants): Target {
  const { b } = w;
  const routes: { method: string; path: (id: string) => string; prefix: string; others: string[]; body?: unknown }[] = [
    { method: 'POST', path: (id) => `/api/payments/${id}/capture`, prefix: 'pay', others: [b.paymentId], body: {} },
    { method: 'POST', path: (id) => `/api/payments/${id}/cancel`, prefix: 'pay', others: [b.paymentId], body: {} },
    { method: 'POST', path: (id) => `/api/payments/${id}/refunds`, prefix: 'pay', others: [b.paymentId], body: { amount: 100 } },
    { method: 'GET', path: (id) => `/api/payments/${id}/refunds`, prefix: 'pay', others: [b.paymentId] },
    { method: 'POST', path: (id) => `/api/payments/${id}/dispute/evidence`, prefix: 'pay', others: [b.paymentId], body: { explanation: 'x' } },
    { method: 'GET', path: (id) => `/api/payouts/${id}`, prefix: 'po', others: [b.payoutId] },
    { method: 'GET', path: (id) => `/api/payouts/${id}/lines.csv`, prefix: 'po', others: [b.payoutId] },
    { method: 'GET', path: (id) => `/api/customers/${id}`, prefix: 'cus', others: [b.customerId] },
    { method: 'POST', path: (id) => `/api/customers/${id}/card-setups`, prefix: 'cus', others: [b.customerId], body: {} },
    { method: 'GET', path: (id) => `/api/card-setups/${id}`, prefix: 'cset', others: [] as string[] },
    { method: 'GET', path: (id) => `/api/subscriptions/${id}`, prefix: 'sub', others: [] as string[] },
    { method: 'POST', path: (id) => `/api/subscriptions/${id}/cancel`, prefix: 'sub', others: [] as string[], body: {} },
    { method: 'GET', path: (id) => `/api/counter-sales/${id}`, prefix: 'cs', others: [] as string[] },
    { method: 'POST', path: (id) => `/api/counter-sales/${id}/cancel`, prefix: 'cs', others: [] as string[], body: {} },
    { method: 'GET', path: (id) => `/api/reconciliation/exceptions/${id}`, prefix: 'x', others: [String(b.exceptionId), '0', '-1', '1e3', '9007199254740993'] },
    { method: 'POST', path: (id) => `/api/reconciliation/exceptions/${id}/retry`, prefix: 'x', others: [String(b.exceptionId)] },
    { method: 'POST', path: (id) => `/api/reconciliation/exceptions/${id}/refetch`, prefix: 'x', others: [String(b.exceptionId)] },
    { method: 'GET', path: (id) => `/api/payment-links/${id}`, prefix: 'pl', others: [b.linkId] },
    { method: 'POST', path: (id) => `/api/payment-links/${id}/deactivate`, prefix: 'pl', others: [b.linkId], body: {} },
    { method: 'GET', path: (id) => `/api/reports/runs/${id}`, prefix: 'rr', others: [b.reportRunId] },
    { method: 'GET', path: (id) => `/api/shopify/data-requests/${id}`, prefix: 'sdr', others: [b.dataRequestId] },
  ];
  const nonEmpty = (prefix: string, others: string[]) => (others.length ? foreignId(prefix, others) : foreignId(prefix, [`${prefix}_unknown`]));
  return {
    name: "routes taking an id, given another merchant's, a made-up or an injected one", kind: 'json',
    requests: fc.constantFrom(...routes).chain((r) => nonEmpty(r.prefix, r.others).map((id) => ({
      method: r.method, path: r.path(segment(id)), label: `${r.method} ${r.path(id).slice(0, 120)}`,
      headers: { Authorization: `Bearer ${w.a.apiKey}`, ...(r.body === undefined ? {} : { 'Content-Type': 'application/json' }) },
      body: r.body === undefined ? undefined : JSON.stringify(r.body),
    }))),
  };
}

/** The shopper's side, public by an unguessable id: made-up and injected ids. */
function shopperIds(): Target {
  const routes = [
    { method: 'GET', path: (id: string) => `/api/pay/${id}`, prefix: 'pay' },
    { method: 'POST', path: (id: string) => `/api/pay/${id}/shopify-cancel`, prefix: 'pay' },
    { method: 'POST', path: (id: string) => `/api/pay/link/${id}`, prefix: 'pl', body: { email: 'shopper@example.com' } },
  ];
  return {
    name: "the shopper's API with made-up or injected payment and link ids", kind: 'json',
    requests: fc.constantFrom(...routes).chain((r) => foreignId(r.prefix, [`${r.prefix}_AAAAAAAAAAAAAAAAAAAAAA`]).map((id) => ({
      method: r.method, path: r.path(segment(id)), label: `${r.method} ${r.path(id).slice(0, 120)}`,
      headers: { 'Content-Type': 'application/json' }, body: r.body && JSON.stringify(r.body),
    }))),
  };
}

function shopperPages(w: TwoMerchants): Target {
  const link = `/pay/link/${w.a.linkId}`;
  const cases = fc.oneof(
    foreignId('pl', ['pl_AAAAAAAAAAAAAAAAAAAAAA']).map((id) => ({ method: 'GET', path: `/pay/link/${segment(id)}`, body: undefined as string | undefined, how: 'an unknown link' })),
    fc.tuple(junk, junk).map(([email, name]) => ({ method: 'POST', path: link, body: new URLSearchParams({ email, name }).toString(), how: 'a form with no email address' }))
      .filter((c) => !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(new URLSearchParams(c.body).get('email') ?? '')),
    fc.constant({ method: 'POST', path: link, body: `email=${'a'.repeat(70 * 1024)}`, how: 'a form over the size limit' }),
  );
  return {
    name: "the payment link's page", kind: 'page',
    requests: cases.map((c) => ({ method: c.method, path: c.path, body: c.body, label: c.how, headers: c.body ? { 'Content-Type': 'application/x-www-form-urlencoded' } : {} })),
  };
}

/** A store plugin's call with a valid body and a signature that is forged, stale, someone else's or malformed. */
function storeSignatures(w: TwoMerchants): Target {
  const { a, b } = w;
  const bodies = [
    { path: '/api/checkouts', body: JSON.stringify({ storePlatform: 'woocommerce', orderId: '12' }) },
    { path: `/api/payments/${a.paymentId}/refunds`, body: JSON.stringify({ amount: 100, origin: 'store', storeRefundId: '9' }) },
  ];
  const sign = (secret: string, t: number, body: string) => `t=${t},v1=${hmacHex(secret, `${t}.${body}`)}`;
  const cases = fc.constantFrom(...bodies).chain(({ path, body }) => fc.oneof(
    headerText.map((header) => ({ path, body, header, how: 'a garbage signature' })),
    fc.constant({ path, body, header: sign(b.connectionSecret, now(), body), how: "another store's secret" }),
    stale.map((t) => ({ path, body, header: sign(a.connectionSecret, t, body), how: 'a stale signature' })),
    fc.constant({ path, body, header: sign(a.connectionSecret, now(), `${body} `), how: 'signed, then altered' }),
    fc.constant({ path, body, header: `t=${now()},v1=${'0'.repeat(64)}`, how: 'a signature of zeros' }),
    fc.constant({ path, body, header: `v1=${hmacHex(a.connectionSecret, body)}`, how: 'no timestamp' }),
  ));
  return {
    name: "a store plugin's calls with forged X-Settle-Signature", kind: 'json',
    requests: cases.map((c) => ({
      method: 'POST', path: c.path, body: c.body, label: c.how,
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${a.apiKey}`, 'X-Settle-Signature': c.header },
    })),
  };
}

const base64url = (value: string) => Buffer.from(value).toString('base64url');

/** Credentials that are not: made-up keys, forged session tokens and cookies. */
function forgedCredentials(w: TwoMerchants): Target {
  const { a, b } = w;
  const t = now();
  const unsigned = `${base64url(JSON.stringify({ alg: 'none', typ: 'JWT' }))}.${base64url(JSON.stringify({ iss: `https://${a.shop}/admin`, dest: `https://${a.shop}`, aud: 'settle_test_client_id', sub: '1', exp: t + 60, nbf: t - 1 }))}.`;
  const forgedCookie = (merchantId: string) => `settle_session=session.${merchantId}.${t + 3600}.${base64url('not-a-mac-not-a-mac-not-a-mac-32')}`;
  const authorization = fc.oneof(
    headerText.map((key) => ({ Authorization: `Bearer ${key}` })),
    fc.constantFrom(
      { Authorization: `Bearer ${a.apiKey.slice(0, -1)}` },
      { Authorization: `bearer ${a.apiKey}` },
      { Authorization: `Basic ${Buffer.from(`${a.apiKey}:`).toString('base64')}` },
      { Authorization: `Bearer ${unsigned}` },
      { Authorization: `Bearer ${unsigned}AAAA` },
      { Authorization: `Bearer ${sessionToken(a.shop, {}, 'not-the-app-secret')}` },
      { Authorization: `Bearer ${sessionToken(a.shop, { exp: t - 120, nbf: t - 180, iat: t - 180 })}` },
      { Authorization: `Bearer ${sessionToken(a.shop, { aud: 'another_app' })}` },
      { Authorization: `Bearer ${sessionToken(a.shop, { dest: `https://${b.shop}` })}` },
      { Authorization: `Bearer ${sessionToken(a.shop, { iss: `https://${b.shop}/admin` })}` },
      { Authorization: `Bearer ${sessionToken(a.shop, { sub: '' })}` },
      { Cookie: forgedCookie(b.id) },
      { Cookie: `settle_session=link.${a.id}.${t + 300}.AAAA` },
      { Cookie: 'settle_session=%E0%A4%A' },
    ),
    headerText.map((value) => ({ Cookie: `settle_session=${value}` })),
  );
  const paths = fc.constantFrom(
    ['GET', '/api/payments'], ['GET', '/api/connections'], ['GET', '/api/connections/woocommerce/connection-secret'], ['POST', '/api/admin-links'],
    ['GET', `/api/customers/${a.customerId}`], ['POST', '/api/reconciliation/sweep'], ['POST', '/api/woocommerce/connection-secret/rotate'],
    ['GET', '/quickbooks/connect'], ['GET', `/connect/woocommerce?site=${encodeURIComponent(a.siteUrl)}`],
  );
  return {
    name: 'every kind of credential, forged', kind: 'json',
    requests: fc.tuple(paths, authorization).map(([[method, path], headers]) => ({ method: method!, path: path!, headers, label: `${method} ${path} with ${JSON.stringify(headers).slice(0, 160)}` })),
  };
}

/** The pages a person's browser lands on: OAuth callbacks, the install link, sign-in links. */
function oauthPages(w: TwoMerchants): Target {
  const { a } = w;
  const q = (params: Record<string, string>) => new URLSearchParams(params).toString();
  const notAShop = junk.filter((s) => !/^[a-z0-9][a-z0-9-]*\.myshopify\.com$/.test(s));
  const cases = fc.oneof(
    fc.tuple(junk, junk).map(([state, code]) => ({ path: `/connect/stripe/callback?${q({ state, code, scope: 'read_write' })}`, how: 'Stripe: a forged state' })),
    fc.tuple(junk, junk).map(([state, error]) => ({ path: `/connect/stripe/callback?${q({ state, error, error_description: error })}`, how: 'Stripe: a forged state with an error' })),
    fc.tuple(junk, junk, junk).map(([state, code, realmId]) => ({ path: `/quickbooks/callback?${q({ state, code, realmId })}`, how: 'QuickBooks: a forged state' })),
    notAShop.map((shop) => ({ path: `/shopify/install?${q({ shop })}`, how: 'Shopify install: not a shop' })),
    fc.tuple(junk, junk).map(([state, code]) => ({ path: `/shopify/callback?${signQuery({ code, shop: a.shop, state, timestamp: String(now()), host: base64url(`${a.shop}/admin`) }, 'not-the-app-secret')}`, how: 'Shopify callback: a forged HMAC' })),
    fc.tuple(junk, junk).map(([state, code]) => ({ path: `/shopify/callback?${signQuery({ code, shop: a.shop, state, timestamp: String(now()), host: base64url(`${a.shop}/admin`) }, CLIENT_SECRET)}`, how: 'Shopify callback: signed, without the state cookie' })),
    fc.tuple(junk, junk).map(([state, code]) => ({ path: `/shopify/callback?${q({ code, shop: a.shop, state, hmac: code })}`, how: 'Shopify callback: a garbage HMAC' })),
    junk.map((token) => ({ path: `/admin/login?${q({ token })}`, how: 'a forged sign-in link' })),
    fc.tuple(fc.oneof(fc.constant(a.id), junk), junk, junk).map(([store, t, sig]) => ({ path: `/admin/sso?${q({ store, t, sig })}`, how: 'a forged single-sign-on link' })),
    fc.integer({ min: 61, max: 86_400 }).map((age) => {
      const t = String(now() - age);
      return { path: `/admin/sso?${q({ store: a.id, t, sig: hmacHex(a.connectionSecret, `sso.${a.id}.${t}`) })}`, how: 'a stale single-sign-on link' };
    }),
  );
  return {
    name: 'OAuth callbacks, the install link and sign-in links', kind: 'page',
    requests: cases.map((c) => ({ method: 'GET', path: c.path, headers: {}, label: c.how })),
  };
}

/** The embedded admin and the forged WooCommerce authorization callback answer JSON refusals. */
function embeddedAndConnect(w: TwoMerchants): Target {
  const cases = fc.oneof(
    fc.tuple(junk.filter((s) => !/^[a-z0-9][a-z0-9-]*\.myshopify\.com$/.test(s)), junk).map(([shop, host]) => ({ method: 'GET', path: `/admin?${new URLSearchParams({ embedded: '1', shop, host })}`, body: undefined as string | undefined, how: 'embedded admin: not a shop' })),
    fc.tuple(junk, fc.constantFrom(w.a.siteUrl, 'https://evil.example/', 'javascript:alert(1)')).map(([userId, site]) => ({
      method: 'POST', path: `/connect/woocommerce/callback?site=${encodeURIComponent(site)}`, how: 'WooCommerce keys with a forged user_id',
      body: JSON.stringify({ key_id: 1, user_id: userId, consumer_key: 'ck_evil', consumer_secret: 'cs_evil', key_permissions: 'read_write' }),
    })),
  );
  return {
    name: 'the embedded admin and the WooCommerce connect callback', kind: 'json',
    requests: cases.map((c) => ({ method: c.method, path: c.path, body: c.body, label: c.how, headers: c.body ? { 'Content-Type': 'application/json' } : {} })),
  };
}

/**
 * Bodies that would be accepted but for one character PostgreSQL cannot store (NUL), in a field that
 * reaches the database: a merchant's name, a refund's reason, an accepted exception's note, a signed
 * Stripe event's id. Refused with 400, nothing half-stored.
 */
function unstorableCharacters(w: TwoMerchants): Target {
  const { a } = w;
  const nul = fc.constantFrom('\u0000', 'a\u0000b', '\u0000'.repeat(3));
  const auth = { Authorization: `Bearer ${a.apiKey}`, 'Content-Type': 'application/json' };
  const cases = fc.oneof(
    nul.map((x) => ({ path: '/api/merchants', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ name: `Shop ${x}` }), how: 'a merchant name with NUL' })),
    nul.map((x) => ({ path: `/api/payments/${a.paymentId}/refunds`, headers: auth, body: JSON.stringify({ amount: 100, reason: `damaged ${x}` }), how: 'a refund reason with NUL' })),
    nul.map((x) => ({ path: `/api/reconciliation/exceptions/${a.exceptionId}/accept`, headers: auth, body: JSON.stringify({ note: `checked ${x}` }), how: 'a note with NUL' })),
    nul.map((x) => {
      const body = JSON.stringify({ id: `evt_${x}`, object: 'event', type: 'payment_intent.succeeded', data: { object: { id: 'pi_x', object: 'payment_intent' } } });
      return { path: `/webhooks/stripe/${a.id}`, headers: { 'Content-Type': 'application/json', 'Stripe-Signature': stripeSign(body, a.stripeWebhookSecret) }, body, how: 'a signed Stripe event whose id has NUL' };
    }),
  );
  return {
    name: 'otherwise valid bodies carrying NUL', kind: 'json',
    requests: cases.map((c) => ({ method: 'POST', path: c.path, headers: c.headers, body: c.body, label: c.how })),
  };
}

export function fuzzTargets(w: TwoMerchants, recorded: Recorded): Target[] {
  return [
    stripeWebhooks(w, recorded), connectWebhooks(recorded), wooWebhooks(w, recorded), shopifyWebhooks(w, recorded), quickBooksWebhooks(w),
    badBodies(w), foreignIds(w), shopperIds(), shopperPages(w), storeSignatures(w), forgedCredentials(w), oauthPages(w), embeddedAndConnect(w),
    unstorableCharacters(w),
  ];
}

