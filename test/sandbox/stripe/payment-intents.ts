// PaymentIntent create/confirm: the state machine requires_payment_method -> succeeded
// (or requires_capture when capture_method is manual, then capture.ts), requires_action while
// the shopper answers a 3-D Secure challenge (three-d-secure.ts), or back to
// requires_payment_method with last_payment_error on a decline. charges.ts makes the Charge
// and, once funds are taken, its balance transaction (fee per fees.ts).
import { randomBytes } from 'node:crypto';
import { type StripeObject, newId, snapshot } from './store';
import type { Ctx } from './context';
import { invalidRequest } from './errors';
import { SUPPORTED_CURRENCIES, threeDecimalProblem } from './fees';
import { resolvePaymentMethod } from './payment-methods';
import { authorizeCard } from './charges';
import { requireAuthentication } from './three-d-secure';
import { startDebit } from './sepa-debit';
import { IN_PERSON_TYPES } from './terminal';

export type { Ctx } from './context';

/** Payment method types the sandbox implements: cards, SEPA Direct Debit, Terminal's in-person reads. */
const IMPLEMENTED_TYPES = new Set(['card', 'sepa_debit', 'card_present', 'interac_present']);

/**
 * What automatic_payment_methods turns on, as a dashboard with cards and SEPA Direct Debit
 * enabled would: SEPA only for euro amounts (its one currency).
 */
const automaticTypes = (currency: string) => (currency === 'eur' ? ['card', 'sepa_debit'] : ['card']);

/** The per-type options Stripe shows on an intent (the defaults, as the sandbox sets none). */
function optionsFor(types: string[]): Record<string, unknown> {
  const all: Record<string, unknown> = {
    card: { installments: null, mandate_options: null, network: null, request_three_d_secure: 'automatic' },
    sepa_debit: {},
    card_present: { request_extended_authorization: null, request_incremental_authorization_support: null },
    interac_present: {},
  };
  return Object.fromEntries(types.map((t) => [t, all[t]]));
}

const CONFIRMABLE = new Set(['requires_payment_method', 'requires_confirmation', 'requires_action']);

// Stripe's minimum charge amounts (docs "minimum and maximum charge amounts"), subset.
const MIN_AMOUNT: Record<string, number> = { usd: 50, eur: 50, gbp: 30, cad: 50, jpy: 50 };

type Params = Record<string, unknown>;
const str = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);

export function createPaymentIntent(ctx: Ctx, p: Params): StripeObject {
  const currency = String(p.currency).toLowerCase();
  if (!SUPPORTED_CURRENCIES.has(currency))
    throw invalidRequest(`Invalid currency: ${currency}. Stripe sandbox supports: ${[...SUPPORTED_CURRENCIES].join(', ')}`, { param: 'currency' });
  const amount = Number(p.amount);
  const min = MIN_AMOUNT[currency] ?? 50;
  if (amount < min)
    throw invalidRequest(`Amount must be at least ${min} ${currency}`, { code: 'amount_too_small', param: 'amount' });
  const notInTens = threeDecimalProblem(amount, currency);
  if (notInTens) throw invalidRequest(notInTens, { param: 'amount' });
  // allowed_payment_method_types is the newer API's name for the same list (spec.ts drift).
  const types = ((p.payment_method_types ?? p.allowed_payment_method_types) as string[] | undefined) ?? null;
  const unsupported = types?.find((t) => !IMPLEMENTED_TYPES.has(t));
  if (unsupported)
    throw invalidRequest(`Stripe sandbox: the ${unsupported} payment method type is not implemented (only ${[...IMPLEMENTED_TYPES].join(', ')})`, { param: 'payment_method_types' });
  if (types?.includes('sepa_debit') && currency !== 'eur')
    throw invalidRequest(`The currency provided (${currency}) is invalid. Payments with sepa_debit support the following currencies: eur.`, { param: 'currency' });
  // In-person types are only read by a Terminal reader; they do not mix with online ones.
  if (types?.some((t) => IN_PERSON_TYPES.has(t)) && types.some((t) => !IN_PERSON_TYPES.has(t)))
    throw invalidRequest('card_present and interac_present cannot be combined with online payment method types.', { param: 'payment_method_types' });
  const apm = p.automatic_payment_methods as { enabled: boolean; allow_redirects?: string } | undefined;
  // Since API version 2023-08-16 automatic payment methods are on unless types are given.
  const automatic = apm ?? (types ? null : { enabled: true });
  const id = newId('pi');
  const pi: StripeObject = {
    id,
    object: 'payment_intent',
    amount,
    amount_capturable: 0,
    amount_details: { tip: {} },
    amount_received: 0,
    application: null,
    application_fee_amount: null,
    automatic_payment_methods: automatic?.enabled
      ? { allow_redirects: automatic.allow_redirects ?? 'always', enabled: true }
      : null,
    canceled_at: null,
    cancellation_reason: null,
    // The spec's enum is already checked (api.ts): automatic, automatic_async or manual.
    capture_method: str(p.capture_method) ?? 'automatic',
    client_secret: `${id}_secret_${randomBytes(18).toString('base64url').replace(/[-_]/g, 'x')}`,
    confirmation_method: 'automatic',
    created: ctx.state.now(),
    currency,
    customer: null,
    description: str(p.description),
    invoice: null,
    last_payment_error: null,
    latest_charge: null,
    livemode: false,
    metadata: (p.metadata as Record<string, string> | undefined) || {},
    next_action: null,
    on_behalf_of: null,
    payment_method: null,
    payment_method_options: optionsFor(types ?? automaticTypes(currency)),
    payment_method_types: types ?? automaticTypes(currency),
    processing: null,
    receipt_email: str(p.receipt_email),
    review: null,
    setup_future_usage: null,
    shipping: null,
    source: null,
    statement_descriptor: str(p.statement_descriptor),
    statement_descriptor_suffix: str(p.statement_descriptor_suffix),
    status: 'requires_payment_method',
    transfer_data: null,
    transfer_group: null,
  };
  if (typeof p.payment_method === 'string') {
    pi.payment_method = resolvePaymentMethod(ctx.acct, ctx.state.now(), p.payment_method).id;
    pi.status = 'requires_confirmation';
  }
  ctx.acct.paymentIntents.set(id, pi);
  ctx.hooks.emit(ctx.acct, 'payment_intent.created', pi, { request: ctx.request });
  if (p.confirm === true) return confirmPaymentIntent(ctx, pi, { return_url: p.return_url, mandate_data: p.mandate_data });
  return pi;
}

/**
 * Confirm; throws a 402 StripeApiError (after updating state and emitting) on decline. A card whose
 * issuer asks for 3-D Secure leaves the intent requires_action instead (three-d-secure.ts).
 */
export function confirmPaymentIntent(ctx: Ctx, pi: StripeObject, p: Params): StripeObject {
  const { acct, state } = ctx;
  // requires_action too: confirming again with another card abandons the pending challenge.
  if (!CONFIRMABLE.has(String(pi.status))) {
    throw invalidRequest(
      `You cannot confirm this PaymentIntent because it has a status of ${String(pi.status)}.`,
      { code: 'payment_intent_unexpected_state', payment_intent: snapshot(pi) },
    );
  }
  const pmId = str(p.payment_method) ?? str(pi.payment_method);
  if (!pmId)
    throw invalidRequest(
      "You cannot confirm this PaymentIntent because it's missing a payment method. Update the PaymentIntent with a payment method and then confirm it again.",
      { code: 'payment_intent_unexpected_state', payment_intent: snapshot(pi) },
    );
  const pm = resolvePaymentMethod(acct, state.now(), pmId);
  const allowed = pi.payment_method_types as string[];
  if (!allowed.includes(String(pm.type)) || IN_PERSON_TYPES.has(String(pm.type))) {
    throw invalidRequest(
      `The PaymentMethod provided (${String(pm.type)}) is not allowed for this PaymentIntent. Please attach a PaymentMethod of one of the following types: ${allowed.join(', ')}.`,
      { code: 'payment_intent_invalid_parameter', param: 'payment_method' },
    );
  }
  if (typeof p.receipt_email === 'string') pi.receipt_email = str(p.receipt_email);
  if (pm.type === 'sepa_debit') return startDebit(ctx, pi, pm, p.mandate_data as Parameters<typeof startDebit>[3], ctx.keyKind ?? 'secret');
  const behaviour = acct.cardBehaviour.get(pm.id);
  if (!behaviour) throw new Error(`sandbox bug: no card behaviour for ${pm.id}`);
  if (behaviour.threeDSecure) return requireAuthentication(ctx, pi, pm, str(p.return_url));
  const declined = authorizeCard(ctx, pi, pm, behaviour);
  if (declined) throw declined;
  return pi;
}
