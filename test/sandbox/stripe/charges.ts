// The card authorization behind a confirmed PaymentIntent: the Charge, its decline or approval,
// and, once the money is taken (at once, or at capture for capture_method=manual), its balance
// transaction with the fee table's fee on the captured amount. Stripe creates no balance
// transaction for an uncaptured charge: the funds are only held on the shopper's card.
import { type StripeObject, newId, snapshot } from './store';
import type { Ctx } from './context';
import type { TestCard } from './cards';
import { StripeApiError } from './errors';
import { computeFee, computeInPersonFee, convert } from './fees';
import { openDispute } from './disputes';

const DAY = 86_400;

/**
 * A charge as Stripe creates it for an intent, whatever the payment method: the card, SEPA debit and
 * Terminal paths differ only in the method's details and a few fields (`overrides`).
 */
export function chargeFor(ctx: Ctx, pi: StripeObject, pm: StripeObject, paymentMethodDetails: Record<string, unknown>, overrides: Partial<StripeObject> = {}): StripeObject {
  return {
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
    created: ctx.state.now(),
    currency: pi.currency,
    customer: pi.customer ?? null,
    description: pi.description,
    disputed: false,
    failure_balance_transaction: null,
    failure_code: null,
    failure_message: null,
    fraud_details: {},
    invoice: pi.invoice ?? null,
    livemode: false,
    metadata: snapshot(pi.metadata),
    on_behalf_of: null,
    outcome: null,
    paid: false,
    payment_intent: pi.id,
    payment_method: pm.id,
    payment_method_details: paymentMethodDetails,
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
    ...overrides,
  };
}

function newCharge(ctx: Ctx, pi: StripeObject, pm: StripeObject, threeDSecure: boolean): StripeObject {
  const card = pm.card as Record<string, unknown>;
  return chargeFor(ctx, pi, pm, {
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
        three_d_secure: threeDSecure
          ? { authentication_flow: 'challenge', result: 'authenticated', result_reason: null, version: '2.2.0' }
          : null,
        // Apple Pay / Google Pay: the PaymentMethod's wallet, as Stripe repeats it on the charge.
        wallet: card.wallet ? snapshot(card.wallet) : null,
      },
      type: 'card',
  });
}

/**
 * Asks the (test) issuer to authorize the intent's amount on the card. A decline leaves the intent
 * requires_payment_method and returns the 402 error confirm answers with (the 3-D Secure page has
 * no caller to answer, so it only keeps the state). An approval captures at once, or leaves the
 * intent requires_capture when capture_method is manual.
 */
export function authorizeCard(ctx: Ctx, pi: StripeObject, pm: StripeObject, behaviour: TestCard, threeDSecure = false): StripeApiError | null {
  const { acct } = ctx;
  const charge = newCharge(ctx, pi, pm, threeDSecure);
  acct.charges.set(charge.id, charge);
  pi.latest_charge = charge.id;
  pi.next_action = null;

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
    return new StripeApiError(402, 'card_error', d.message, { ...err, payment_intent: snapshot(pi), payment_method: snapshot(pm) });
  }

  Object.assign(charge, {
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
  Object.assign(pi, { last_payment_error: null, payment_method: pm.id });
  if (pi.capture_method === 'manual') {
    // Held, not taken: the amount stays capturable for 7 days (capture.ts).
    Object.assign(pi, { amount_capturable: pi.amount, status: 'requires_capture' });
    ctx.hooks.emit(acct, 'charge.succeeded', charge, { request: ctx.request });
    ctx.hooks.emit(acct, 'payment_intent.amount_capturable_updated', pi, { request: ctx.request });
    return null;
  }
  // automatic_async captures "soon after"; the sandbox captures it at once, like automatic.
  const txn = takeFunds(ctx, pi, charge, Number(pi.amount));
  ctx.hooks.emit(acct, 'charge.succeeded', charge, { request: ctx.request });
  ctx.hooks.emit(acct, 'payment_intent.succeeded', pi, { request: ctx.request });
  disputeIfTheCardDoes(ctx, behaviour, charge, txn);
  return null;
}

/** 4000000000000259: the cardholder disputes the payment as soon as money is taken. */
export function disputeIfTheCardDoes(ctx: Ctx, behaviour: TestCard | undefined, charge: StripeObject, txn: StripeObject): void {
  if (behaviour?.disputed) openDispute(ctx.acct, ctx.hooks, charge, Number(txn.amount), ctx.state.now(), ctx.request);
}

/**
 * Captures `amount` (presentment minor units) of an approved charge: the balance transaction, in
 * the account's currency, with the fee computed on what was captured. Whatever is not captured is
 * released back to the card, which Stripe reports as refunded on the charge (no Refund object).
 */
export function takeFunds(ctx: Ctx, pi: StripeObject, charge: StripeObject, amount: number): StripeObject {
  const { acct, state } = ctx;
  const now = state.now();
  const pm = acct.paymentMethods.get(String(charge.payment_method));
  const behaviour = acct.cardBehaviour.get(String(charge.payment_method));
  const settlement = acct.defaultCurrency;
  const conv = convert(amount, String(pi.currency), settlement);
  const methodType = (charge.payment_method_details as { type?: string } | null)?.type;
  // A card read by a Terminal reader is priced as in person (fees.ts).
  const fee = methodType === 'card_present' || methodType === 'interac_present'
    ? computeInPersonFee({ settlementCurrency: settlement, settlementAmount: conv.amount, presentmentCurrency: String(pi.currency) })
    : computeFee({
    settlementCurrency: settlement,
    settlementAmount: conv.amount,
    presentmentCurrency: String(pi.currency),
    accountCountry: acct.country,
    cardCountry: String((pm?.card as { country?: string } | undefined)?.country ?? acct.country),
  });
  const txn: StripeObject = {
    id: newId('txn'),
    object: 'balance_transaction',
    amount: conv.amount,
    available_on: behaviour?.availableImmediately ? now : now + 2 * DAY,
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
  const released = Number(charge.amount) - amount;
  Object.assign(charge, { amount_captured: amount, amount_refunded: released, balance_transaction: txn.id, captured: true });
  Object.assign(pi, { amount_capturable: 0, amount_received: amount, status: 'succeeded' });
  return txn;
}

/** The authorization is given back to the card (cancel or expiry): nothing was ever taken. */
export function releaseAuthorization(ctx: Pick<Ctx, 'acct'>, pi: StripeObject): StripeObject | undefined {
  const charge = typeof pi.latest_charge === 'string' ? ctx.acct.charges.get(pi.latest_charge) : undefined;
  if (!charge || charge.captured === true || charge.status !== 'succeeded') return undefined;
  Object.assign(charge, { amount_refunded: charge.amount, refunded: true });
  return charge;
}
