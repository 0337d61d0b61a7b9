// Stripe Terminal with a simulated reader, for counter sales. A location, then a reader registered
// with the registration code `simulated-wpe` (Stripe's simulated WisePOS E). The server hands the
// reader a PaymentIntent (process_payment_intent): the reader's action is in_progress until a card
// is tapped, which the test helper present_payment_method stands in for. The tap authorizes like an
// online card (the test card numbers pick approval or decline) and the action ends succeeded or
// failed, with terminal.reader.action_succeeded / terminal.reader.action_failed.
import { createHash } from 'node:crypto';
import { type Account, type StripeObject, newId, snapshot } from './store';
import type { Ctx } from './context';
import { invalidRequest, resourceMissing } from './errors';
import { lookupCard, luhnValid } from './cards';
import { chargeFor, takeFunds } from './charges';

/** Payment method types only a reader can collect. */
export const IN_PERSON_TYPES = new Set(['card_present', 'interac_present']);

/** The registration codes of Stripe's simulated readers. */
const SIMULATED_READERS: Record<string, string> = { 'simulated-wpe': 'simulated_wisepos_e' };

/** Stripe's default test cards for a tap: a Visa, and Interac's own test card (CAD only). */
const DEFAULT_CARD = { card_present: '4242424242424242', interac_present: '4506445006931933' } as const;

interface TerminalState {
  locations: Map<string, StripeObject>;
  readers: Map<string, StripeObject>;
}
const states = new WeakMap<Account, TerminalState>();
function stateOf(acct: Account): TerminalState {
  let s = states.get(acct);
  if (!s) states.set(acct, (s = { locations: new Map(), readers: new Map() }));
  return s;
}

type Params = Record<string, unknown>;

export const terminalLocations = (acct: Account) => [...stateOf(acct).locations.values()];
export const terminalReaders = (acct: Account) => [...stateOf(acct).readers.values()];

export function findLocation(acct: Account, id: string | undefined): StripeObject {
  const found = id ? stateOf(acct).locations.get(id) : undefined;
  if (!found) throw resourceMissing('terminal.location', id ?? '', 'location');
  return found;
}

export function findReader(acct: Account, id: string | undefined): StripeObject {
  const found = id ? stateOf(acct).readers.get(id) : undefined;
  if (!found) throw resourceMissing('terminal.reader', id ?? '', 'reader');
  return found;
}

export function createLocation(ctx: Ctx, p: Params): StripeObject {
  const address = p.address as Record<string, string>;
  if (!address.country) throw invalidRequest('Missing required param: address[country].', { code: 'parameter_missing', param: 'address[country]' });
  const location: StripeObject = {
    id: newId('tml', 14),
    object: 'terminal.location',
    address: { city: null, country: null, line1: null, line2: null, postal_code: null, state: null, ...address },
    display_name: String(p.display_name),
    livemode: false,
    metadata: (p.metadata as Record<string, string> | undefined) || {},
  };
  stateOf(ctx.acct).locations.set(location.id, location);
  return location;
}

export function registerReader(ctx: Ctx, p: Params): StripeObject {
  const deviceType = SIMULATED_READERS[String(p.registration_code)];
  if (!deviceType)
    throw invalidRequest('The registration code you entered is invalid or has expired. In test mode use simulated-wpe.', { param: 'registration_code' });
  // Readers belong to a location: Stripe asks for it at registration.
  if (p.location === undefined) throw invalidRequest('Missing required param: location.', { code: 'parameter_missing', param: 'location' });
  const location = findLocation(ctx.acct, String(p.location));
  const reader: StripeObject = {
    id: newId('tmr', 14),
    object: 'terminal.reader',
    action: null,
    device_sw_version: '',
    device_type: deviceType,
    ip_address: '0.0.0.0',
    label: typeof p.label === 'string' && p.label !== '' ? p.label : 'Simulated WisePOS E',
    livemode: false,
    location: location.id,
    metadata: (p.metadata as Record<string, string> | undefined) || {},
    serial_number: `${newId('SIM', 10).replace('_', '-')}`,
    status: 'online',
  };
  stateOf(ctx.acct).readers.set(reader.id, reader);
  return reader;
}

const busy = () => invalidRequest('Reader is currently busy processing another request.', { code: 'terminal_reader_busy' });

export function processPaymentIntent(ctx: Ctx, reader: StripeObject, p: Params): StripeObject {
  const pi = ctx.acct.paymentIntents.get(String(p.payment_intent));
  if (!pi) throw resourceMissing('payment_intent', String(p.payment_intent), 'payment_intent');
  if (p.process_config !== undefined) throw invalidRequest('Stripe sandbox does not implement parameter: process_config', { param: 'process_config' });
  const action = reader.action as { status?: string } | null;
  if (action?.status === 'in_progress') throw busy();
  const types = pi.payment_method_types as string[];
  if (!types.some((t) => IN_PERSON_TYPES.has(t))) {
    throw invalidRequest(`This PaymentIntent cannot be processed on a reader: its payment_method_types (${types.join(', ')}) must include card_present or interac_present.`,
      { code: 'payment_intent_invalid_parameter', param: 'payment_intent' });
  }
  if (pi.status !== 'requires_payment_method' && pi.status !== 'requires_confirmation') {
    throw invalidRequest(`This PaymentIntent cannot be processed because it has a status of ${String(pi.status)}.`,
      { code: 'payment_intent_unexpected_state', payment_intent: snapshot(pi) });
  }
  reader.action = {
    failure_code: null, failure_message: null, process_payment_intent: { payment_intent: pi.id }, status: 'in_progress', type: 'process_payment_intent',
  };
  return reader;
}

export function cancelAction(reader: StripeObject): StripeObject {
  const action = reader.action as { status?: string } | null;
  if (action?.status !== 'in_progress')
    throw invalidRequest('This reader has no action in progress to cancel.', { code: 'terminal_reader_action_unexpected_state' });
  // The intent is left as it was (requires_payment_method): the merchant may try again.
  reader.action = null;
  return reader;
}

/** Test helper: the shopper taps (or inserts) a card on the reader. */
export function presentPaymentMethod(ctx: Ctx, reader: StripeObject, p: Params): StripeObject {
  const action = reader.action as { status?: string; type?: string; process_payment_intent?: { payment_intent: string } } | null;
  if (action?.status !== 'in_progress' || action.type !== 'process_payment_intent' || !action.process_payment_intent)
    throw invalidRequest('This reader is not waiting for a payment method: call process_payment_intent first.', { code: 'terminal_reader_action_unexpected_state' });
  if (p.amount_tip !== undefined) throw invalidRequest('Stripe sandbox does not implement parameter: amount_tip', { param: 'amount_tip' });
  const type = (p.type as 'card_present' | 'interac_present' | undefined) ?? 'card_present';
  const given = (p[type] as { number?: string } | undefined)?.number;
  const other = type === 'card_present' ? 'interac_present' : 'card_present';
  if (p[other] !== undefined) throw invalidRequest(`${other} cannot be given with type ${type}.`, { param: other });
  const pi = ctx.acct.paymentIntents.get(action.process_payment_intent.payment_intent);
  if (!pi) throw new Error('sandbox bug: reader action without its intent');
  if (!(pi.payment_method_types as string[]).includes(type))
    throw invalidRequest(`The PaymentIntent does not accept ${type}.`, { code: 'payment_intent_invalid_parameter', param: 'type' });
  if (type === 'interac_present' && pi.currency !== 'cad')
    throw invalidRequest('interac_present is only available for payments in cad.', { code: 'payment_intent_invalid_parameter', param: 'type' });
  const number = (given ?? DEFAULT_CARD[type]).replace(/\s/g, '');
  if (!luhnValid(number)) throw invalidRequest('The card number is not a valid test card.', { param: `${type}[number]` });

  const pm = tappedCard(ctx, type, number);
  const charge = inPersonCharge(ctx, pi, pm, type);
  const behaviour = lookupCard(number);
  ctx.acct.charges.set(charge.id, charge);
  Object.assign(pi, { latest_charge: charge.id });
  if (behaviour.decline) {
    const d = behaviour.decline;
    Object.assign(charge, {
      failure_code: d.code, failure_message: d.message, status: 'failed',
      outcome: { network_status: 'declined_by_network', reason: d.decline_code ?? d.code, risk_level: 'not_assessed', seller_message: 'The bank did not return any further details with this decline.', type: 'issuer_declined' },
    });
    Object.assign(pi, {
      last_payment_error: {
        charge: charge.id, code: d.code, ...(d.decline_code ? { decline_code: d.decline_code } : {}), doc_url: `https://stripe.com/docs/error-codes/${d.code.replace(/_/g, '-')}`,
        message: d.message, payment_method: snapshot(pm), type: 'card_error',
      },
      payment_method: null,
      status: 'requires_payment_method',
    });
    reader.action = { ...(reader.action as object), failure_code: d.decline_code ?? d.code, failure_message: d.message, status: 'failed' };
    ctx.hooks.emit(ctx.acct, 'charge.failed', charge, { request: ctx.request });
    ctx.hooks.emit(ctx.acct, 'payment_intent.payment_failed', pi, { request: ctx.request });
    ctx.hooks.emit(ctx.acct, 'terminal.reader.action_failed', reader, { request: ctx.request });
    return reader;
  }
  Object.assign(charge, {
    outcome: { network_status: 'approved_by_network', reason: null, risk_level: 'not_assessed', seller_message: 'Payment complete.', type: 'authorized' },
    paid: true,
    status: 'succeeded',
  });
  Object.assign(pi, { last_payment_error: null, payment_method: pm.id });
  if (pi.capture_method === 'manual') {
    Object.assign(pi, { amount_capturable: pi.amount, status: 'requires_capture' });
    ctx.hooks.emit(ctx.acct, 'charge.succeeded', charge, { request: ctx.request });
    ctx.hooks.emit(ctx.acct, 'payment_intent.amount_capturable_updated', pi, { request: ctx.request });
  } else {
    takeFunds(ctx, pi, charge, Number(pi.amount));
    ctx.hooks.emit(ctx.acct, 'charge.succeeded', charge, { request: ctx.request });
    ctx.hooks.emit(ctx.acct, 'payment_intent.succeeded', pi, { request: ctx.request });
  }
  reader.action = { ...(reader.action as object), status: 'succeeded' };
  ctx.hooks.emit(ctx.acct, 'terminal.reader.action_succeeded', reader, { request: ctx.request });
  return reader;
}

/** The PaymentMethod a tap generates: the card as the reader read it (contactless). */
function tappedCard(ctx: Ctx, type: 'card_present' | 'interac_present', number: string): StripeObject {
  const behaviour = lookupCard(number);
  const year = new Date(ctx.state.now() * 1000).getUTCFullYear() + 3;
  const brand = type === 'interac_present' ? 'interac' : behaviour.brand;
  const details: Record<string, unknown> = {
    brand, cardholder_name: null, country: type === 'interac_present' ? 'CA' : behaviour.country, exp_month: 12, exp_year: year,
    fingerprint: createHash('sha256').update(`${ctx.acct.id}:${number}`).digest('base64url').slice(0, 16),
    funding: behaviour.funding, last4: number.slice(-4), networks: { available: [brand], preferred: null }, read_method: 'contactless_emv',
  };
  if (type === 'interac_present') details.preferred_locales = ['en'];
  const pm: StripeObject = {
    id: newId('pm'), object: 'payment_method', created: ctx.state.now(), customer: null, livemode: false, metadata: {}, type,
    billing_details: { address: { city: null, country: null, line1: null, line2: null, postal_code: null, state: null }, email: null, name: null, phone: null },
    [type]: details,
  };
  ctx.acct.paymentMethods.set(pm.id, pm);
  // So that a later capture (manual) knows the card: takeFunds reads it.
  ctx.acct.cardBehaviour.set(pm.id, behaviour);
  return pm;
}

function inPersonCharge(ctx: Ctx, pi: StripeObject, pm: StripeObject, type: 'card_present' | 'interac_present'): StripeObject {
  const card = pm[type] as Record<string, unknown>;
  const details: Record<string, unknown> = {
    amount_authorized: pi.amount, brand: card.brand, capture_before: pi.capture_method === 'manual' ? ctx.state.now() + 2 * 86_400 : undefined,
    cardholder_name: null, country: card.country, emv_auth_data: 'sandbox', exp_month: card.exp_month, exp_year: card.exp_year, fingerprint: card.fingerprint,
    funding: card.funding, generated_card: null, last4: card.last4, network: card.brand, read_method: 'contactless_emv',
    receipt: { account_type: 'credit', application_cryptogram: 'SANDBOX', application_preferred_name: 'Visa Credit', authorization_code: null,
      authorization_response_code: '3030', cardholder_verification_method: 'approval', dedicated_file_name: 'A0000000031010', terminal_verification_results: '0000000000', transaction_status_information: '0000' },
  };
  if (type === 'card_present') Object.assign(details, { incremental_authorization_supported: false, overcapture_supported: false });
  else details.preferred_locales = ['en'];
  if (details.capture_before === undefined) delete details.capture_before;
  return chargeFor(ctx, pi, pm, { [type]: details, type });
}
