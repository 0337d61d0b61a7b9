// SEPA Direct Debit, a delayed-notification method: confirming debits the shopper's bank account
// under a mandate they accept, and the answer comes days later. Confirm leaves the intent
// `processing` with a pending charge (events charge.pending, payment_intent.processing); when
// the sandbox clock moves (POST /_sandbox/clock/advance) past the debit's settling time, the
// charge succeeds (balance transaction with the SEPA fee, charge.succeeded,
// payment_intent.succeeded) or fails (charge.failed, payment_intent.payment_failed, the intent
// back to requires_payment_method). Stripe's documented test IBANs pick the outcome; any other
// valid IBAN succeeds. The sandbox creates the balance transaction only on success (Stripe books
// a pending one at once and reverses a failure with another); Settle reads neither before success.
import { createHash } from 'node:crypto';
import { type Account, type StripeObject, newId, snapshot } from './store';
import type { Ctx } from './context';
import type { WebhookDispatcher } from './webhooks';
import { invalidRequest, missingParameter } from './errors';
import { computeDebitFee, convert } from './fees';
import { chargeFor } from './charges';

const DAY = 86_400;

interface DebitBehaviour {
  outcome: 'succeeded' | 'failed';
  /** Seconds of sandbox clock between confirmation and the bank's answer. */
  settlesAfter: number;
}

const INSUFFICIENT_FUNDS = { code: 'insufficient_funds', message: "The customer's account has insufficient funds to cover this payment." };

/** Stripe's test IBANs (docs "SEPA Direct Debit: test account numbers"), each checked with mod-97. */
const TEST_IBANS: Record<string, DebitBehaviour> = {
  DE89370400440532013000: { outcome: 'succeeded', settlesAfter: 0 },
  DE62370400440532013001: { outcome: 'failed', settlesAfter: 0 },
  AT611904300234573201: { outcome: 'succeeded', settlesAfter: 0 },
  AT861904300235473202: { outcome: 'failed', settlesAfter: 0 },
  AT321904300235473204: { outcome: 'succeeded', settlesAfter: 180 },
  FR1420041010050500013M02606: { outcome: 'succeeded', settlesAfter: 0 },
  FR8420041010050500013M02607: { outcome: 'failed', settlesAfter: 0 },
};

/** The IBAN check digits (ISO 13616 mod-97), as Stripe checks before anything else. */
export function ibanValid(iban: string): boolean {
  if (!/^[A-Z]{2}\d{2}[A-Z0-9]{10,30}$/.test(iban)) return false;
  const digits = [...(iban.slice(4) + iban.slice(0, 4))].map((c) => parseInt(c, 36)).join('');
  let rest = 0;
  for (const d of digits) rest = (rest * 10 + Number(d)) % 97;
  return rest === 1;
}

interface DebitState {
  behaviour: Map<string, DebitBehaviour>;
  mandates: Map<string, StripeObject>;
  pending: { intentId: string; chargeId: string; settlesAt: number; outcome: DebitBehaviour['outcome'] }[];
}
// Kept beside the account rather than on it: only this module reads it.
const states = new WeakMap<Account, DebitState>();
function stateOf(acct: Account): DebitState {
  let s = states.get(acct);
  if (!s) states.set(acct, (s = { behaviour: new Map(), mandates: new Map(), pending: [] }));
  return s;
}

export const findMandate = (acct: Account, id: string) => stateOf(acct).mandates.get(id);

type Billing = Record<string, unknown> | undefined;

export function createSepaDebitPaymentMethod(acct: Account, now: number, sepa: { iban?: string }, billing: Billing, metadata?: Record<string, string>): StripeObject {
  const iban = String(sepa.iban ?? '').replace(/\s+/g, '').toUpperCase();
  if (!ibanValid(iban))
    throw invalidRequest('The IBAN you provided appears to be invalid.', { code: 'invalid_bank_account_iban', param: 'sepa_debit[iban]' });
  // A SEPA mandate names the account holder and where the pre-notification goes.
  if (!billing?.name) throw missingParameter('billing_details[name]');
  if (!billing?.email) throw missingParameter('billing_details[email]');
  const address = { city: null, country: null, line1: null, line2: null, postal_code: null, state: null, ...(billing.address as object | undefined) };
  const pm: StripeObject = {
    id: newId('pm'),
    object: 'payment_method',
    billing_details: { email: null, name: null, phone: null, ...billing, address },
    created: now,
    customer: null,
    livemode: false,
    metadata: metadata ?? {},
    sepa_debit: {
      bank_code: iban.slice(4, 12),
      branch_code: '',
      country: iban.slice(0, 2),
      fingerprint: createHash('sha256').update(`${acct.id}:${iban}`).digest('base64url').slice(0, 16),
      generated_from: { charge: null, setup_attempt: null },
      last4: iban.slice(-4),
    },
    type: 'sepa_debit',
  };
  acct.paymentMethods.set(pm.id, pm);
  stateOf(acct).behaviour.set(pm.id, TEST_IBANS[iban] ?? { outcome: 'succeeded', settlesAfter: 0 });
  return pm;
}

type MandateData = { customer_acceptance?: { type?: string; accepted_at?: number; online?: { ip_address?: string; user_agent?: string } } } | '' | undefined;

/** The mandate the shopper accepted; with a secret key the server must say where and how it was accepted. */
function createMandate(ctx: Ctx, pm: StripeObject, data: MandateData, keyKind: string): StripeObject {
  if (!data) {
    throw invalidRequest('A mandate is required to confirm a PaymentIntent with a sepa_debit PaymentMethod: provide mandate_data[customer_acceptance].',
      { code: 'parameter_missing', param: 'mandate_data' });
  }
  const acceptance = data.customer_acceptance ?? {};
  const online = acceptance.online ?? {};
  if (acceptance.type === 'online' && keyKind === 'secret' && (!online.ip_address || !online.user_agent)) {
    throw missingParameter(`mandate_data[customer_acceptance][online][${online.ip_address ? 'user_agent' : 'ip_address'}]`);
  }
  const now = ctx.state.now();
  const mandate: StripeObject = {
    id: newId('mandate'),
    object: 'mandate',
    customer_acceptance: {
      accepted_at: acceptance.accepted_at ?? now,
      ...(acceptance.type === 'online'
        ? { online: { ip_address: online.ip_address ?? '127.0.0.1', user_agent: online.user_agent ?? 'sandbox browser' } }
        : { offline: {} }),
      type: acceptance.type,
    },
    livemode: false,
    multi_use: {},
    payment_method: pm.id,
    payment_method_details: { sepa_debit: { reference: newId('SANDBOX', 16).replace('_', '-'), url: `https://payments.stripe.com/sepa_debit/mandate/${newId('sandbox', 16)}` }, type: 'sepa_debit' },
    status: 'active',
    type: 'multi_use',
  };
  stateOf(ctx.acct).mandates.set(mandate.id, mandate);
  return mandate;
}

function pendingCharge(ctx: Ctx, pi: StripeObject, pm: StripeObject, mandateId: string): StripeObject {
  const sepa = pm.sepa_debit as Record<string, unknown>;
  return chargeFor(ctx, pi, pm, {
    sepa_debit: { bank_code: sepa.bank_code, branch_code: sepa.branch_code, country: sepa.country, fingerprint: sepa.fingerprint, last4: sepa.last4, mandate: mandateId },
    type: 'sepa_debit',
  }, { id: newId('py'), amount_captured: pi.amount, captured: true, status: 'pending' }); // py_: Stripe's ids for non-card charges
}

/** Confirm with a sepa_debit PaymentMethod: the debit is submitted and the intent waits in processing. */
export function startDebit(ctx: Ctx, pi: StripeObject, pm: StripeObject, mandateData: MandateData, keyKind: string): StripeObject {
  if (pi.currency !== 'eur') {
    throw invalidRequest(`The currency provided (${String(pi.currency)}) is invalid. Payments with sepa_debit support the following currencies: eur.`,
      { code: 'payment_intent_invalid_parameter', param: 'currency' });
  }
  if (pi.capture_method === 'manual') {
    throw invalidRequest('The payment method type "sepa_debit" does not support capture_method manual.', { code: 'payment_intent_invalid_parameter', param: 'capture_method' });
  }
  const behaviour = stateOf(ctx.acct).behaviour.get(pm.id);
  if (!behaviour) throw new Error(`sandbox bug: no debit behaviour for ${pm.id}`);
  const mandate = createMandate(ctx, pm, mandateData, keyKind);
  const charge = pendingCharge(ctx, pi, pm, mandate.id);
  ctx.acct.charges.set(charge.id, charge);
  Object.assign(pi, { last_payment_error: null, latest_charge: charge.id, next_action: null, payment_method: pm.id, status: 'processing' });
  stateOf(ctx.acct).pending.push({ intentId: pi.id, chargeId: charge.id, settlesAt: ctx.state.now() + behaviour.settlesAfter, outcome: behaviour.outcome });
  ctx.hooks.emit(ctx.acct, 'charge.pending', charge, { request: ctx.request });
  ctx.hooks.emit(ctx.acct, 'payment_intent.processing', pi, { request: ctx.request });
  return pi;
}

/** Called on clock advance: the banks answer every debit whose time has come. */
export function settleDebits(acct: Account, hooks: WebhookDispatcher, now: number): void {
  const s = stateOf(acct);
  const due = s.pending.filter((d) => d.settlesAt <= now);
  s.pending = s.pending.filter((d) => d.settlesAt > now);
  for (const d of due) {
    const pi = acct.paymentIntents.get(d.intentId);
    const charge = acct.charges.get(d.chargeId);
    if (!pi || !charge || pi.status !== 'processing') continue;
    if (d.outcome === 'succeeded') debitSucceeded(acct, hooks, pi, charge, now);
    else debitFailed(acct, hooks, pi, charge);
  }
}

function debitSucceeded(acct: Account, hooks: WebhookDispatcher, pi: StripeObject, charge: StripeObject, now: number) {
  const amount = Number(pi.amount);
  const settlement = acct.defaultCurrency;
  const conv = convert(amount, String(pi.currency), settlement);
  const fee = computeDebitFee({ settlementCurrency: settlement, settlementAmount: conv.amount, presentmentCurrency: String(pi.currency) });
  const txn: StripeObject = {
    id: newId('txn'),
    object: 'balance_transaction',
    amount: conv.amount,
    // The money has arrived from the shopper's bank; it joins the payout schedule like a card sale.
    available_on: now + 2 * DAY,
    created: now,
    currency: settlement,
    description: pi.description,
    exchange_rate: conv.exchangeRate,
    fee: fee.fee,
    fee_details: [{ amount: fee.fee, application: null, currency: settlement, description: 'Stripe processing fees', type: 'stripe_fee' }],
    net: conv.amount - fee.fee,
    reporting_category: 'charge',
    source: charge.id,
    status: 'pending',
    type: 'payment',
  };
  acct.balanceTransactions.set(txn.id, txn);
  Object.assign(charge, {
    balance_transaction: txn.id,
    outcome: { network_status: 'approved_by_network', reason: null, risk_level: 'not_assessed', seller_message: 'Payment complete.', type: 'authorized' },
    paid: true,
    status: 'succeeded',
  });
  Object.assign(pi, { amount_received: amount, status: 'succeeded' });
  hooks.emit(acct, 'charge.succeeded', charge);
  hooks.emit(acct, 'payment_intent.succeeded', pi);
}

function debitFailed(acct: Account, hooks: WebhookDispatcher, pi: StripeObject, charge: StripeObject) {
  const pm = acct.paymentMethods.get(String(charge.payment_method));
  Object.assign(charge, {
    failure_code: INSUFFICIENT_FUNDS.code,
    failure_message: INSUFFICIENT_FUNDS.message,
    outcome: { network_status: 'declined_by_network', reason: null, risk_level: 'not_assessed', seller_message: 'The bank returned the debit.', type: 'issuer_declined' },
    status: 'failed',
  });
  // What Stripe puts on the intent when an asynchronous attempt fails; the bank's reason is on the charge.
  Object.assign(pi, {
    last_payment_error: {
      code: 'payment_intent_payment_attempt_failed',
      doc_url: 'https://stripe.com/docs/error-codes/payment-intent-payment-attempt-failed',
      message: 'The latest payment attempt of this PaymentIntent has failed or been canceled, and the attached payment method has been removed. You can try confirming again with a new payment method.',
      ...(pm ? { payment_method: snapshot(pm) } : {}),
      type: 'invalid_request_error',
    },
    payment_method: null,
    status: 'requires_payment_method',
  });
  hooks.emit(acct, 'charge.failed', charge);
  hooks.emit(acct, 'payment_intent.payment_failed', pi);
}
