// PaymentIntent create/confirm: the state machine requires_payment_method -> succeeded,
// or back to requires_payment_method with last_payment_error on a decline. A success
// creates the Charge and its balance transaction (fee per fees.ts) and emits events.
import { randomBytes } from 'node:crypto';
import { type Account, type SandboxState, type StripeObject, newId, snapshot } from './store';
import type { RequestInfo, WebhookDispatcher } from './webhooks';
import { StripeApiError, invalidRequest } from './errors';
import { SUPPORTED_CURRENCIES, computeFee, convert } from './fees';
import { resolvePaymentMethod } from './payment-methods';
import { openDispute } from './disputes';

export interface Ctx {
  state: SandboxState;
  hooks: WebhookDispatcher;
  acct: Account;
  request: RequestInfo;
}

const DAY = 86_400;
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
  if (p.capture_method !== undefined && p.capture_method !== 'automatic')
    throw invalidRequest('Stripe sandbox: only capture_method=automatic is implemented', { param: 'capture_method' });
  // allowed_payment_method_types is the newer API's name for the same list (spec.ts drift).
  const types = ((p.payment_method_types ?? p.allowed_payment_method_types) as string[] | undefined) ?? null;
  if (types && types.some((t) => t !== 'card'))
    throw invalidRequest('Stripe sandbox: only the card payment method type is implemented', { param: 'payment_method_types' });
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
    capture_method: 'automatic',
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
    payment_method_options: {
      card: { installments: null, mandate_options: null, network: null, request_three_d_secure: 'automatic' },
    },
    payment_method_types: types ?? ['card'],
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
  if (p.confirm === true) return confirmPaymentIntent(ctx, pi, {});
  return pi;
}

/** Confirm; throws a 402 StripeApiError (after updating state and emitting) on decline. */
export function confirmPaymentIntent(ctx: Ctx, pi: StripeObject, p: Params): StripeObject {
  const { acct, state } = ctx;
  if (pi.status !== 'requires_payment_method' && pi.status !== 'requires_confirmation') {
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
  const behaviour = acct.cardBehaviour.get(pm.id);
  if (!behaviour) throw new Error(`sandbox bug: no card behaviour for ${pm.id}`);
  if (typeof p.receipt_email === 'string') pi.receipt_email = str(p.receipt_email);
  const now = state.now();
  const card = pm.card as Record<string, unknown>;
  const charge: StripeObject = {
    id: newId('ch'),
    object: 'charge',
    amount: pi.amount,
    amount_captured: 0,
    amount_refunded: 0,
    application: null,
    application_fee: null,
    application_fee_amount: null,
    balance_transaction: null,
    billing_details: snapshot(pm.billing_details),
    calculated_statement_descriptor: 'SETTLE SANDBOX',
    captured: false,
    created: now,
    currency: pi.currency,
    customer: null,
    description: pi.description,
    disputed: false,
    failure_balance_transaction: null,
    failure_code: null,
    failure_message: null,
    fraud_details: {},
    invoice: null,
    livemode: false,
    metadata: snapshot(pi.metadata),
    on_behalf_of: null,
    outcome: null,
    paid: false,
    payment_intent: pi.id,
    payment_method: pm.id,
    payment_method_details: {
      card: {
        amount_authorized: pi.amount,
        brand: card.brand,
        checks: snapshot(card.checks),
        country: card.country,
        exp_month: card.exp_month,
        exp_year: card.exp_year,
        fingerprint: card.fingerprint,
        funding: card.funding,
        installments: null,
        last4: card.last4,
        mandate: null,
        network: card.brand,
        network_token: { used: false },
        three_d_secure: null,
        wallet: null,
      },
      type: 'card',
    },
    receipt_email: pi.receipt_email,
    receipt_number: null,
    receipt_url: `https://pay.stripe.com/receipts/payment/${newId('sandbox', 32)}`,
    refunded: false,
    review: null,
    shipping: null,
    source_transfer: null,
    statement_descriptor: pi.statement_descriptor,
    statement_descriptor_suffix: pi.statement_descriptor_suffix,
    status: 'failed',
    transfer_data: null,
    transfer_group: null,
  };
  acct.charges.set(charge.id, charge);
  pi.latest_charge = charge.id;

  if (behaviour.decline) {
    const d = behaviour.decline;
    charge.failure_code = d.code;
    charge.failure_message = d.message;
    charge.outcome = {
      network_status: 'declined_by_network',
      reason: d.decline_code ?? d.code,
      risk_level: 'normal',
      risk_score: 20,
      seller_message: 'The bank did not return any further details with this decline.',
      type: 'issuer_declined',
    };
    const err = { charge: charge.id, code: d.code, decline_code: d.decline_code, message: d.message };
    pi.status = 'requires_payment_method';
    pi.payment_method = null;
    pi.last_payment_error = {
      ...err,
      doc_url: `https://stripe.com/docs/error-codes/${d.code.replace(/_/g, '-')}`,
      payment_method: snapshot(pm),
      type: 'card_error',
    };
    if (!d.decline_code) delete (pi.last_payment_error as Record<string, unknown>).decline_code;
    ctx.hooks.emit(acct, 'charge.failed', charge, { request: ctx.request });
    ctx.hooks.emit(acct, 'payment_intent.payment_failed', pi, { request: ctx.request });
    throw new StripeApiError(402, 'card_error', d.message, {
      ...err,
      payment_intent: snapshot(pi),
      payment_method: snapshot(pm),
    });
  }

  // Success: settle in the account's currency, fee per the sandbox fee table.
  const settlement = acct.defaultCurrency;
  const conv = convert(Number(pi.amount), String(pi.currency), settlement);
  const fee = computeFee({
    settlementCurrency: settlement,
    settlementAmount: conv.amount,
    presentmentCurrency: String(pi.currency),
    accountCountry: acct.country,
    cardCountry: String(card.country),
  });
  const txn: StripeObject = {
    id: newId('txn'),
    object: 'balance_transaction',
    amount: conv.amount,
    available_on: behaviour.availableImmediately ? now : now + 2 * DAY,
    created: now,
    currency: settlement,
    description: pi.description,
    exchange_rate: conv.exchangeRate,
    fee: fee.fee,
    fee_details: [
      { amount: fee.fee, application: null, currency: settlement, description: 'Stripe processing fees', type: 'stripe_fee' },
    ],
    net: conv.amount - fee.fee,
    reporting_category: 'charge',
    source: charge.id,
    status: 'pending',
    type: 'charge',
  };
  acct.balanceTransactions.set(txn.id, txn);
  Object.assign(charge, {
    amount_captured: pi.amount,
    balance_transaction: txn.id,
    captured: true,
    outcome: {
      network_status: 'approved_by_network',
      reason: null,
      risk_level: 'normal',
      risk_score: 20,
      seller_message: 'Payment complete.',
      type: 'authorized',
    },
    paid: true,
    status: 'succeeded',
  });
  Object.assign(pi, {
    amount_received: pi.amount,
    last_payment_error: null,
    payment_method: pm.id,
    status: 'succeeded',
  });
  ctx.hooks.emit(acct, 'charge.succeeded', charge, { request: ctx.request });
  ctx.hooks.emit(acct, 'payment_intent.succeeded', pi, { request: ctx.request });
  if (behaviour.disputed) openDispute(acct, ctx.hooks, charge, conv.amount, now, ctx.request);
  return pi;
}
