// Customers and the cards saved on them. A payment method is attached to at most one customer;
// only an attached one can be charged for that customer (off-session too). Detaching leaves the
// payment method alive but unusable for the customer, as Stripe does.
import { randomBytes } from 'node:crypto';
import { type StripeObject, newId, snapshot } from './store';
import type { Ctx } from './context';
import { invalidRequest, resourceMissing } from './errors';

type Params = Record<string, unknown>;
const str = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);

/** The fields a customer update may change (and create may set), as the sandbox models them. */
export const CUSTOMER_FIELDS = ['email', 'name', 'description', 'phone', 'metadata', 'invoice_settings'];

export function createCustomer(ctx: Ctx, p: Params): StripeObject {
  const customer: StripeObject = {
    id: newId('cus', 14),
    object: 'customer',
    address: null,
    balance: 0,
    created: ctx.state.now(),
    currency: null,
    default_source: null,
    delinquent: false,
    description: null,
    discount: null,
    email: null,
    invoice_prefix: randomBytes(4).toString('hex').toUpperCase().slice(0, 7),
    invoice_settings: { custom_fields: null, default_payment_method: null, footer: null, rendering_options: null },
    livemode: false,
    metadata: {},
    name: null,
    next_invoice_sequence: 1,
    phone: null,
    preferred_locales: [],
    shipping: null,
    tax_exempt: 'none',
    test_clock: null,
  };
  applyCustomerFields(ctx, customer, p);
  ctx.acct.customers.set(customer.id, customer);
  ctx.hooks.emit(ctx.acct, 'customer.created', customer, { request: ctx.request });
  return customer;
}

export function updateCustomer(ctx: Ctx, customer: StripeObject, p: Params): StripeObject {
  const before = snapshot(customer);
  applyCustomerFields(ctx, customer, p);
  const previous = Object.fromEntries(Object.keys(p).filter((k) => k !== 'expand').map((k) => [k, before[k]]));
  ctx.hooks.emit(ctx.acct, 'customer.updated', customer, { previous, request: ctx.request });
  return customer;
}

function applyCustomerFields(ctx: Ctx, customer: StripeObject, p: Params) {
  for (const k of ['email', 'name', 'description', 'phone']) if (k in p) customer[k] = str(p[k]);
  if (p.metadata !== undefined) customer.metadata = mergeMetadata(customer.metadata as Record<string, string>, p.metadata);
  const settings = p.invoice_settings as { default_payment_method?: string } | undefined;
  if (settings?.default_payment_method !== undefined) {
    const pmId = str(settings.default_payment_method);
    if (pmId) {
      const pm = ctx.acct.paymentMethods.get(pmId);
      if (!pm) throw resourceMissing('PaymentMethod', pmId, 'invoice_settings[default_payment_method]');
      if (pm.customer !== customer.id)
        throw invalidRequest(`The customer does not have a payment method with the ID ${pmId}. The payment method must be attached to the customer.`,
          { code: 'resource_missing', param: 'invoice_settings[default_payment_method]' });
    }
    (customer.invoice_settings as Record<string, unknown>).default_payment_method = pmId;
  }
}

/** Stripe merges metadata keys; an empty value (or metadata='') removes them. */
function mergeMetadata(current: Record<string, string>, update: unknown): Record<string, string> {
  if (update === '' || update === null) return {};
  const out = { ...current };
  for (const [k, v] of Object.entries(update as Record<string, string>)) {
    if (v === '') delete out[k];
    else out[k] = v;
  }
  return out;
}

export function customerOrMissing(ctx: Ctx, id: unknown, param = 'customer'): StripeObject {
  const customer = typeof id === 'string' ? ctx.acct.customers.get(id) : undefined;
  if (!customer) throw resourceMissing('customer', String(id ?? ''), param);
  return customer;
}

/** Saves the card on the customer (SetupIntent success, or POST /v1/payment_methods/:id/attach). */
export function attachPaymentMethod(ctx: Ctx, pm: StripeObject, customer: StripeObject): StripeObject {
  if (pm.customer === customer.id) return pm;
  if (pm.customer !== null)
    throw invalidRequest('The payment method you provided has already been attached to a customer.', { code: 'payment_method_unexpected_state', param: 'payment_method' });
  pm.customer = customer.id;
  ctx.hooks.emit(ctx.acct, 'payment_method.attached', pm, { request: ctx.request });
  return pm;
}

export function detachPaymentMethod(ctx: Ctx, pm: StripeObject): StripeObject {
  if (pm.customer === null)
    throw invalidRequest('The payment method you provided is not attached to a customer so detachment is impossible.', {
      code: 'payment_method_unexpected_state', param: 'payment_method',
    });
  const customer = ctx.acct.customers.get(String(pm.customer));
  const settings = customer?.invoice_settings as { default_payment_method: string | null } | undefined;
  if (settings?.default_payment_method === pm.id) settings.default_payment_method = null;
  pm.customer = null;
  ctx.hooks.emit(ctx.acct, 'payment_method.detached', pm, { request: ctx.request });
  return pm;
}

/**
 * A payment method charged for a customer must be theirs. Stripe's message for the case a
 * merchant meets most (a card saved for someone else, or never saved).
 */
export function checkBelongsToCustomer(pm: StripeObject, customerId: string | null, param = 'payment_method'): void {
  if (customerId === null) return;
  if (pm.customer !== customerId)
    throw invalidRequest(`The provided PaymentMethod ${pm.id} does not belong to the Customer ${customerId}. Attach it to the Customer first.`,
      { code: 'resource_missing', param });
}
