/**
 * Shopify's Payments Apps sessions as tests post them: a Settle in process (real HTTP, PostgreSQL)
 * with the Stripe sandbox, a merchant whose shop installed Settle, Shopify's bodies and headers,
 * and a fake Payments Apps gateway recording what Settle told Shopify. Stripe's events are applied
 * and Shopify is answered as the worker would (the worker is not running here).
 */
import { createMerchant } from '../../core/merchants/merchants';
import { recordInboundEvent } from '../../core/inbox/inbox';
import { applyInboundEvent } from '../../core/payments/settlement';
import { answerShopifySession } from '../../core/payments/sessions/settle';
import type { PaymentSessionsGateway } from '../../core/payments/sessions/gateway';
import { pendingReadinessChecks } from '../../core/payments/sessions/readiness';
import { settleBilling } from '../../connectors/shopify/plan';
import { tellShopifyReadiness } from '../../connectors/shopify/readiness';
import type { PaymentSessionsFor } from '../../connectors/shopify/payment-sessions-gateway';
import { startStripeSandbox, type SandboxAccount, type StripeSandbox } from '../sandbox/stripe';
import { startSettleInProcess } from './in-process';

export const SHOP = 'corner-lamps.myshopify.com';
export const SHOP_NAME = 'Corner Lamps';
/** Where Shopify sends the shopper once a payment session is resolved (its order status page). */
export const ORDER_STATUS = 'https://corner-lamps.myshopify.com/12345/orders/abc/authenticate?key=k';

export interface ShopifySessionsWorld {
  stripe: StripeSandbox;
  settle: Awaited<ReturnType<typeof startSettleInProcess>>;
  merchantId: string;
  account: SandboxAccount;
  /** What Shopify heard from Settle, in order ("resolve gid…", "reject gid… CODE"). */
  told: string[];
  gateway: PaymentSessionsGateway;
  close(): Promise<void>;
}

export async function startShopifySessionsWorld(): Promise<ShopifySessionsWorld> {
  const stripe = await startStripeSandbox({ port: 0 });
  const settle = await startSettleInProcess({ STRIPE_API_BASE: stripe.url });
  const merchantId = (await createMerchant(settle.services.db, SHOP_NAME)).merchant.id;
  const account = stripe.createAccount({ country: 'US', default_currency: 'usd' });
  await settle.services.connections.save({ merchantId, platform: 'stripe', settings: { publishableKey: account.publishable_key }, secrets: { secretKey: account.secret_key } });
  await settle.services.connections.save({ merchantId, platform: 'shopify', settings: { accountId: SHOP, shop: SHOP, status: 'active' }, secrets: {} });
  const told: string[] = [];
  const said = (what: string) => async (s: { gid: string }, r?: { code: string }) => void told.push(`${what} ${s.gid}${r ? ` ${r.code}` : ''}`);
  const gateway: PaymentSessionsGateway = {
    resolvePayment: async (s) => (told.push(`resolve ${s.gid}`), { nextUrl: ORDER_STATUS }),
    rejectPayment: said('reject'), pendingPayment: async (s) => void told.push(`pending ${s.gid}`), resolveRefund: said('resolve'), rejectRefund: said('reject'),
    resolveCapture: said('resolve'), rejectCapture: said('reject'), resolveVoid: said('resolve'), rejectVoid: said('reject'),
  };
  return {
    stripe, settle, merchantId, account, told, gateway,
    async close() {
      await settle.close();
      await stripe.close();
    },
  };
}

let n = 0;
/** A payment session body as Shopify posts it (request reference, offsite). */
export function paymentSessionBody(overrides: Record<string, unknown> = {}) {
  const id = `ps${++n}${Date.now()}`;
  return {
    id, gid: `gid://shopify/PaymentSession/${id}`, group: `grp${id}`, session_id: `sess${id}`, amount: '123.00', currency: 'USD', test: true,
    merchant_locale: 'en', kind: 'sale', proposed_at: '2026-12-01T00:00:00Z',
    payment_method: { type: 'offsite', data: { cancel_url: `https://${SHOP}/checkouts/c/${id}/processing` } },
    customer: { email: 'ana@example.com', locale: 'en' },
    ...overrides,
  };
}

/** Posts to Settle as Shopify does (its headers; `shop` null leaves the shop header out). */
export async function postAsShopify(settleUrl: string, path: string, body: unknown, shop: string | null = SHOP) {
  const res = await fetch(`${settleUrl}${path}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'Shopify-Request-Id': 'r1', 'Shopify-Api-Version': '2026-07', ...(shop ? { 'Shopify-Shop-Domain': shop } : {}) },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as { redirect_url?: string; error?: { code: string; message: string } } };
}

export const paymentIdOf = (redirect: string | undefined) => /\/pay\/(pay_[\w-]{22})$/.exec(redirect ?? '')?.[1] ?? '';

/** Stripe's events, as its webhooks would bring them, recorded and applied (what the worker does). */
export async function applyStripeEvents(world: ShopifySessionsWorld): Promise<void> {
  const { services } = world.settle;
  const processor = await services.platforms.processorFor(world.merchantId);
  for (const e of (await processor.eventsSince?.(0)) ?? []) {
    const { id, isNew } = await recordInboundEvent(services.db, { merchantId: world.merchantId, platform: 'stripe', eventId: e.id, eventType: e.type, payload: e.payload });
    if (isNew) await applyInboundEvent(services, id);
  }
}

/** Runs the outbox work that answers Shopify (what the worker's store queue does), through the fake gateway unless told another. */
export async function answerShopify(world: ShopifySessionsWorld, gateway: PaymentSessionsGateway = world.gateway): Promise<void> {
  const { services } = world.settle;
  const work = await services.db.query<{ id: string }>(`SELECT id FROM outbox WHERE topic = 'store.shopify_session' AND done_at IS NULL ORDER BY created_at`);
  for (const { id } of work) await answerShopifySession(services, gateway, id);
}

/**
 * The way to a checkout that offers Settle, with the worker's steps run by the test: Shopify's
 * app_subscriptions/update says the plan is active (recorded as the webhook's job records it), then
 * every readiness check waiting (Stripe was connected at the start, the plan now) tells Shopify
 * through `sessionsFor`, as the 'shopify' queue does. Answers what each check said.
 */
export async function reachCheckout(world: ShopifySessionsWorld, sessionsFor: PaymentSessionsFor, subscriptionGid = 'gid://shopify/AppSubscription/1'): Promise<string[]> {
  const { services } = world.settle;
  await services.db.transaction((tx) => settleBilling(services, tx).subscriptionUpdated(SHOP, subscriptionGid, 'ACTIVE', true));
  return tellReadiness(world, sessionsFor);
}

/** What the worker's 'shopify' queue does with the readiness checks waiting: tells Shopify whether checkout offers Settle. */
export async function tellReadiness(world: ShopifySessionsWorld, sessionsFor: PaymentSessionsFor): Promise<string[]> {
  const told: string[] = [];
  for (const id of await pendingReadinessChecks(world.settle.services.db)) told.push(await tellShopifyReadiness(world.settle.services, id, sessionsFor));
  return told;
}
