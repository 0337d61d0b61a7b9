// SetupIntents: saving a card for later without charging it. Confirm checks the card with the
// (test) issuer: a decline fails the setup (402, last_setup_error); a card whose issuer asks for
// 3-D Secure leaves it requires_action with the sandbox's challenge page (three-d-secure.ts
// answers it through answerSetupChallenge); otherwise it succeeds and, when the intent names a
// customer, the card is attached to them (payment_method.attached, setup_intent.succeeded).
import { randomBytes } from 'node:crypto';
import { type StripeObject, newId, snapshot } from './store';
import type { Ctx } from './context';
import { StripeApiError, invalidRequest } from './errors';
import { resolvePaymentMethod } from './payment-methods';
import { attachPaymentMethod, customerOrMissing } from './customers';

type Params = Record<string, unknown>;
const str = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);
const CONFIRMABLE = new Set(['requires_payment_method', 'requires_confirmation', 'requires_action']);

export function createSetupIntent(ctx: Ctx, p: Params): StripeObject {
  const customer = p.customer === undefined ? null : customerOrMissing(ctx, p.customer).id;
  const types = (p.payment_method_types as string[] | undefined) ?? null;
  if (types && types.some((t) => t !== 'card'))
    throw invalidRequest('Stripe sandbox: only the card payment method type is implemented', { param: 'payment_method_types' });
  const id = newId('seti');
  const si: StripeObject = {
    id,
    object: 'setup_intent',
    application: null,
    automatic_payment_methods: types ? null : { allow_redirects: 'always', enabled: true },
    cancellation_reason: null,
    client_secret: `${id}_secret_${randomBytes(18).toString('base64url').replace(/[-_]/g, 'x')}`,
    created: ctx.state.now(),
    customer,
    description: str(p.description),
    flow_directions: null,
    last_setup_error: null,
    latest_attempt: null,
    livemode: false,
    mandate: null,
    metadata: (p.metadata as Record<string, string> | undefined) ?? {},
    next_action: null,
    on_behalf_of: null,
    payment_method: null,
    payment_method_options: { card: { mandate_options: null, network: null, request_three_d_secure: 'automatic' } },
    payment_method_types: types ?? ['card'],
    single_use_mandate: null,
    status: 'requires_payment_method',
    // The spec's enum (on_session | off_session) is checked in api.ts; Stripe's default is off_session.
    usage: str(p.usage) ?? 'off_session',
  };
  if (typeof p.payment_method === 'string') {
    si.payment_method = resolvePaymentMethod(ctx.acct, ctx.state.now(), p.payment_method).id;
    si.status = 'requires_confirmation';
  }
  ctx.acct.setupIntents.set(id, si);
  ctx.hooks.emit(ctx.acct, 'setup_intent.created', si, { request: ctx.request });
  if (p.confirm === true) return confirmSetupIntent(ctx, si, { return_url: p.return_url });
  return si;
}

/** Confirm; throws a 402 (after updating state and emitting) when the issuer declines the card. */
export function confirmSetupIntent(ctx: Ctx, si: StripeObject, p: Params): StripeObject {
  if (!CONFIRMABLE.has(String(si.status)))
    throw invalidRequest(`You cannot confirm this SetupIntent because it has a status of ${String(si.status)}.`,
      { code: 'setup_intent_unexpected_state', setup_intent: snapshot(si) });
  const pmId = str(p.payment_method) ?? str(si.payment_method);
  if (!pmId)
    throw invalidRequest("You cannot confirm this SetupIntent because it's missing a payment method. Update the SetupIntent with a payment method and then confirm it again.",
      { code: 'setup_intent_unexpected_state', setup_intent: snapshot(si) });
  const pm = resolvePaymentMethod(ctx.acct, ctx.state.now(), pmId);
  if (si.customer !== null && pm.customer !== null && pm.customer !== si.customer)
    throw invalidRequest('The payment method you provided has already been attached to a customer.', { code: 'payment_method_unexpected_state', param: 'payment_method' });
  const behaviour = ctx.acct.cardBehaviour.get(pm.id);
  if (!behaviour) throw new Error(`sandbox bug: no card behaviour for ${pm.id}`);
  si.payment_method = pm.id;
  if (behaviour.threeDSecure) {
    // Same page as a payment's challenge; its URL is three-d-secure.ts's challengeUrl.
    const url = `${ctx.state.publicUrl}/_sandbox/3ds/${encodeURIComponent(si.id)}`;
    const returnUrl = str(p.return_url);
    Object.assign(si, {
      last_setup_error: null,
      status: 'requires_action',
      next_action: returnUrl
        ? { type: 'redirect_to_url', redirect_to_url: { return_url: returnUrl, url } }
        : { type: 'use_stripe_sdk', use_stripe_sdk: { type: 'three_d_secure_redirect', stripe_js: url } },
    });
    ctx.hooks.emit(ctx.acct, 'setup_intent.requires_action', si, { request: ctx.request });
    return si;
  }
  return finishSetup(ctx, si, pm, behaviour.declinesOnlyCharges ? null : behaviour.decline ?? null);
}

/** The shopper's answer on the challenge page for a setup: complete checks the card, fail ends the attempt. */
export function answerSetupChallenge(ctx: Ctx, si: StripeObject, outcome: 'complete' | 'fail'): 'succeeded' | 'failed' {
  const pm = ctx.acct.paymentMethods.get(String(si.payment_method));
  const behaviour = pm && ctx.acct.cardBehaviour.get(pm.id);
  if (!pm || !behaviour) throw new Error(`sandbox bug: ${si.id} awaits authentication without a card`);
  const decline = outcome === 'fail'
    ? { code: 'setup_intent_authentication_failure', message: 'The latest attempt to set up the payment method has failed because authentication failed.' }
    : behaviour.declinesOnlyCharges ? null : behaviour.decline ?? null;
  try {
    finishSetup(ctx, si, pm, decline);
  } catch (e) {
    if (!(e instanceof StripeApiError)) throw e;
  }
  return si.status === 'succeeded' ? 'succeeded' : 'failed';
}

function finishSetup(ctx: Ctx, si: StripeObject, pm: StripeObject, decline: { code: string; decline_code?: string; message: string } | null): StripeObject {
  si.next_action = null;
  if (decline) {
    const error = { code: decline.code, decline_code: decline.decline_code, message: decline.message };
    Object.assign(si, {
      last_setup_error: {
        ...error,
        doc_url: `https://stripe.com/docs/error-codes/${decline.code.replace(/_/g, '-')}`,
        payment_method: snapshot(pm),
        type: decline.code === 'setup_intent_authentication_failure' ? 'invalid_request_error' : 'card_error',
      },
      payment_method: null,
      status: 'requires_payment_method',
    });
    if (!decline.decline_code) delete (si.last_setup_error as Record<string, unknown>).decline_code;
    ctx.hooks.emit(ctx.acct, 'setup_intent.setup_failed', si, { request: ctx.request });
    throw new StripeApiError(402, 'card_error', decline.message, { ...error, setup_intent: snapshot(si), payment_method: snapshot(pm) });
  }
  if (typeof si.customer === 'string') attachPaymentMethod(ctx, pm, customerOrMissing(ctx, si.customer));
  Object.assign(si, { last_setup_error: null, status: 'succeeded' });
  ctx.hooks.emit(ctx.acct, 'setup_intent.succeeded', si, { request: ctx.request });
  return si;
}

export function cancelSetupIntent(ctx: Ctx, si: StripeObject, p: Params): StripeObject {
  if (!CONFIRMABLE.has(String(si.status)))
    throw invalidRequest(`You cannot cancel this SetupIntent because it has a status of ${String(si.status)}.`,
      { code: 'setup_intent_unexpected_state', setup_intent: snapshot(si) });
  Object.assign(si, { cancellation_reason: str(p.cancellation_reason), next_action: null, status: 'canceled' });
  ctx.hooks.emit(ctx.acct, 'setup_intent.canceled', si, { request: ctx.request });
  return si;
}
