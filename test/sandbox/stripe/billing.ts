// Stripe Billing, as much of it as a subscription with one recurring price needs: products,
// prices, subscriptions and the invoice of each period. An invoice is paid by a PaymentIntent
// charged off-session to the subscription's (or the customer's) default card, so each paid
// invoice has a charge and a balance transaction with the fee table's fee, like any payment.
// Periods roll when the sandbox clock moves (payouts.ts calls renewSubscriptions). A failed
// renewal leaves the invoice open with the decline on its PaymentIntent and the subscription
// past_due; a failed first invoice leaves the subscription incomplete (payment_behavior
// allow_incomplete, Stripe's default).
import { type StripeObject, newId, snapshot } from './store';
import type { Ctx } from './context';
import { StripeApiError, invalidRequest, resourceMissing } from './errors';
import { SUPPORTED_CURRENCIES } from './fees';
import { createPaymentIntent } from './payment-intents';
import { checkBelongsToCustomer, customerOrMissing } from './customers';

type Params = Record<string, unknown>;
const str = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);
const DAY = 86_400;
const INTERVAL_DAYS: Record<string, number> = { day: 1, week: 7 };

export function createProduct(ctx: Ctx, p: Params): StripeObject {
  const now = ctx.state.now();
  const product: StripeObject = {
    id: newId('prod', 14),
    object: 'product',
    active: p.active === undefined ? true : p.active === true,
    created: now,
    default_price: null,
    description: str(p.description),
    features: [],
    images: [],
    livemode: false,
    metadata: (p.metadata as Record<string, string> | undefined) ?? {},
    name: String(p.name),
    package_dimensions: null,
    shippable: null,
    statement_descriptor: null,
    tax_code: null,
    unit_label: null,
    updated: now,
    url: null,
  };
  ctx.acct.products.set(product.id, product);
  ctx.hooks.emit(ctx.acct, 'product.created', product, { request: ctx.request });
  return product;
}

export function createPrice(ctx: Ctx, p: Params): StripeObject {
  const currency = String(p.currency).toLowerCase();
  if (!SUPPORTED_CURRENCIES.has(currency))
    throw invalidRequest(`Invalid currency: ${currency}. Stripe sandbox supports: ${[...SUPPORTED_CURRENCIES].join(', ')}`, { param: 'currency' });
  if (p.unit_amount === undefined) throw invalidRequest('Missing required param: unit_amount.', { code: 'parameter_missing', param: 'unit_amount' });
  let productId = str(p.product);
  if (productId && !ctx.acct.products.has(productId)) throw resourceMissing('product', productId, 'product');
  const productData = p.product_data as { name?: string } | undefined;
  if (!productId && !productData) throw invalidRequest('Missing required param: product.', { code: 'parameter_missing', param: 'product' });
  if (!productId) productId = createProduct(ctx, { name: productData?.name }).id;
  const recurring = p.recurring as { interval: string; interval_count?: number } | undefined;
  if (recurring && (recurring.interval_count ?? 1) < 1)
    throw invalidRequest('Invalid integer: interval_count must be at least 1.', { param: 'recurring[interval_count]' });
  const price: StripeObject = {
    id: newId('price'),
    object: 'price',
    active: true,
    billing_scheme: 'per_unit',
    created: ctx.state.now(),
    currency,
    custom_unit_amount: null,
    livemode: false,
    lookup_key: null,
    metadata: (p.metadata as Record<string, string> | undefined) ?? {},
    nickname: str(p.nickname),
    product: productId,
    recurring: recurring
      ? { aggregate_usage: null, interval: recurring.interval, interval_count: recurring.interval_count ?? 1, usage_type: 'licensed' }
      : null,
    tax_behavior: 'unspecified',
    tiers_mode: null,
    transform_quantity: null,
    type: recurring ? 'recurring' : 'one_time',
    unit_amount: Number(p.unit_amount),
    unit_amount_decimal: String(p.unit_amount),
  };
  ctx.acct.prices.set(price.id, price);
  ctx.hooks.emit(ctx.acct, 'price.created', price, { request: ctx.request });
  return price;
}

/** The end of a period that starts at `start`: calendar months/years, as Stripe bills them. */
export function periodEnd(start: number, recurring: { interval: string; interval_count: number }): number {
  const days = INTERVAL_DAYS[recurring.interval];
  if (days) return start + days * recurring.interval_count * DAY;
  const d = new Date(start * 1000);
  const months = recurring.interval === 'year' ? 12 * recurring.interval_count : recurring.interval_count;
  const target = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + months, 1, d.getUTCHours(), d.getUTCMinutes(), d.getUTCSeconds()));
  // Anchored on the 31st, a month without one ends on its last day.
  const lastDay = new Date(Date.UTC(target.getUTCFullYear(), target.getUTCMonth() + 1, 0)).getUTCDate();
  target.setUTCDate(Math.min(d.getUTCDate(), lastDay));
  return Math.floor(target.getTime() / 1000);
}

export function createSubscription(ctx: Ctx, p: Params): StripeObject {
  const customer = customerOrMissing(ctx, p.customer);
  const items = (p.items as { price?: string; quantity?: number }[] | undefined) ?? [];
  if (items.length !== 1)
    throw invalidRequest('Stripe sandbox: a subscription takes exactly one item (items[0][price]).', { param: 'items' });
  const item = items[0]!;
  const price = item.price ? ctx.acct.prices.get(item.price) : undefined;
  if (!price) throw resourceMissing('price', item.price ?? '', 'items[0][price]');
  if (!price.recurring)
    throw invalidRequest(`The price specified is set to \`type=one_time\` but this field only accepts prices with \`type=recurring\`.`, { param: 'items[0][price]' });
  const quantity = item.quantity ?? 1;
  const pmId = str(p.default_payment_method);
  if (pmId) {
    const pm = ctx.acct.paymentMethods.get(pmId);
    if (!pm) throw resourceMissing('PaymentMethod', pmId, 'default_payment_method');
    checkBelongsToCustomer(pm, customer.id, 'default_payment_method');
  }
  const now = ctx.state.now();
  const id = newId('sub');
  const sub: StripeObject = {
    id,
    object: 'subscription',
    application: null,
    application_fee_percent: null,
    automatic_tax: { enabled: false },
    billing_cycle_anchor: now,
    billing_thresholds: null,
    cancel_at: null,
    cancel_at_period_end: false,
    canceled_at: null,
    cancellation_details: { comment: null, feedback: null, reason: null },
    collection_method: 'charge_automatically',
    created: now,
    currency: price.currency,
    current_period_end: periodEnd(now, price.recurring as { interval: string; interval_count: number }),
    current_period_start: now,
    customer: customer.id,
    days_until_due: null,
    default_payment_method: pmId,
    default_source: null,
    default_tax_rates: [],
    description: str(p.description),
    discount: null,
    ended_at: null,
    items: {
      object: 'list',
      data: [{
        id: newId('si', 14), object: 'subscription_item', billing_thresholds: null, created: now, metadata: {},
        price: snapshot(price), quantity, subscription: id, tax_rates: [],
      }],
      has_more: false,
      url: `/v1/subscription_items?subscription=${id}`,
    },
    latest_invoice: null,
    livemode: false,
    metadata: (p.metadata as Record<string, string> | undefined) ?? {},
    next_pending_invoice_item_invoice: null,
    on_behalf_of: null,
    pause_collection: null,
    payment_settings: { payment_method_options: null, payment_method_types: null, save_default_payment_method: 'off' },
    pending_invoice_item_interval: null,
    pending_setup_intent: null,
    pending_update: null,
    schedule: null,
    start_date: now,
    status: 'incomplete',
    test_clock: null,
    transfer_data: null,
    trial_end: null,
    trial_settings: { end_behavior: { missing_payment_method: 'create_invoice' } },
    trial_start: null,
  };
  ctx.acct.subscriptions.set(id, sub);
  ctx.hooks.emit(ctx.acct, 'customer.subscription.created', sub, { request: ctx.request });
  const invoice = invoicePeriod(ctx, sub, 'subscription_create');
  sub.status = invoice.status === 'paid' ? 'active' : 'incomplete';
  if (sub.status === 'active') ctx.hooks.emit(ctx.acct, 'customer.subscription.updated', sub, { previous: { status: 'incomplete' }, request: ctx.request });
  return sub;
}

/** POST /v1/subscriptions/:id: the card future invoices are charged to, metadata, description. */
export function updateSubscription(ctx: Ctx, sub: StripeObject, p: Params): StripeObject {
  const previous: Record<string, unknown> = {};
  if (p.default_payment_method !== undefined) {
    const pmId = str(p.default_payment_method);
    const pm = pmId ? ctx.acct.paymentMethods.get(pmId) : undefined;
    if (pmId && !pm) throw resourceMissing('PaymentMethod', pmId, 'default_payment_method');
    if (pm) checkBelongsToCustomer(pm, String(sub.customer), 'default_payment_method');
    previous.default_payment_method = sub.default_payment_method;
    sub.default_payment_method = pmId;
  }
  if (p.description !== undefined) {
    previous.description = sub.description;
    sub.description = str(p.description);
  }
  if (p.metadata !== undefined) {
    previous.metadata = snapshot(sub.metadata);
    sub.metadata = { ...(sub.metadata as object), ...(p.metadata as object) };
  }
  ctx.hooks.emit(ctx.acct, 'customer.subscription.updated', sub, { previous, request: ctx.request });
  return sub;
}

/** Cancels at once (DELETE /v1/subscriptions/:id): no further invoices. */
export function cancelSubscription(ctx: Ctx, sub: StripeObject): StripeObject {
  if (sub.status === 'canceled')
    throw invalidRequest(`No such subscription: '${sub.id}'; it has already been canceled.`, { code: 'resource_missing', param: 'subscription_exposed_id' });
  const now = ctx.state.now();
  Object.assign(sub, {
    canceled_at: now, ended_at: now, status: 'canceled',
    cancellation_details: { comment: null, feedback: null, reason: 'cancellation_requested' },
  });
  ctx.hooks.emit(ctx.acct, 'customer.subscription.deleted', sub, { request: ctx.request });
  return sub;
}

/** Moving the clock: each live subscription whose period has ended is invoiced for the next one(s). */
export function renewSubscriptions(ctx: Ctx, now: number): void {
  for (const sub of ctx.acct.subscriptions.values()) {
    while (['active', 'past_due'].includes(String(sub.status)) && Number(sub.current_period_end) <= now) {
      const price = (sub.items as { data: { price: StripeObject }[] }).data[0]!.price;
      const start = Number(sub.current_period_end);
      const before = { current_period_start: sub.current_period_start, current_period_end: sub.current_period_end, latest_invoice: sub.latest_invoice, status: sub.status };
      sub.current_period_start = start;
      sub.current_period_end = periodEnd(start, price.recurring as { interval: string; interval_count: number });
      const invoice = invoicePeriod(ctx, sub, 'subscription_cycle');
      sub.status = invoice.status === 'paid' ? 'active' : 'past_due';
      const previous = Object.fromEntries(Object.entries(before).filter(([k, v]) => sub[k] !== v));
      ctx.hooks.emit(ctx.acct, 'customer.subscription.updated', sub, { previous, request: ctx.request });
    }
  }
}

/** The invoice for the subscription's current period, finalized and charged off-session at once. */
function invoicePeriod(ctx: Ctx, sub: StripeObject, reason: 'subscription_create' | 'subscription_cycle'): StripeObject {
  const { acct } = ctx;
  const customer = customerOrMissing(ctx, sub.customer);
  const item = (sub.items as { data: { price: StripeObject; quantity: number }[] }).data[0]!;
  const amount = Number(item.price.unit_amount) * item.quantity;
  const now = ctx.state.now();
  const id = newId('in');
  const sequence = Number(customer.next_invoice_sequence);
  customer.next_invoice_sequence = sequence + 1;
  const product = acct.products.get(String(item.price.product));
  const period = { end: Number(sub.current_period_end), start: Number(sub.current_period_start) };
  const invoice: StripeObject = {
    id,
    object: 'invoice',
    account_country: acct.country,
    account_name: null,
    account_tax_ids: null,
    amount_due: amount,
    amount_paid: 0,
    amount_remaining: amount,
    amount_shipping: 0,
    application: null,
    application_fee_amount: null,
    attempt_count: 0,
    attempted: false,
    auto_advance: true,
    automatic_tax: { enabled: false, status: null },
    billing_reason: reason,
    charge: null,
    collection_method: 'charge_automatically',
    created: now,
    currency: sub.currency,
    custom_fields: null,
    customer: customer.id,
    customer_address: null,
    customer_email: customer.email,
    customer_name: customer.name,
    customer_phone: null,
    customer_shipping: null,
    customer_tax_exempt: 'none',
    customer_tax_ids: [],
    default_payment_method: null,
    default_source: null,
    default_tax_rates: [],
    description: null,
    discount: null,
    discounts: [],
    due_date: null,
    effective_at: null,
    ending_balance: null,
    footer: null,
    from_invoice: null,
    hosted_invoice_url: null,
    invoice_pdf: null,
    last_finalization_error: null,
    latest_revision: null,
    lines: {
      object: 'list',
      data: [{
        id: newId('il'), object: 'line_item', amount, amount_excluding_tax: amount, currency: sub.currency,
        description: `${item.quantity} × ${String(product?.name ?? 'Subscription')}`,
        discount_amounts: [], discountable: true, discounts: [], livemode: false, metadata: {}, period,
        price: snapshot(item.price), proration: false, proration_details: { credited_items: null }, quantity: item.quantity,
        subscription: sub.id, subscription_item: (item as unknown as { id: string }).id, tax_amounts: [], tax_rates: [], type: 'subscription',
        unit_amount_excluding_tax: String(item.price.unit_amount),
      }],
      has_more: false,
      url: `/v1/invoices/${id}/lines`,
    },
    livemode: false,
    metadata: {},
    next_payment_attempt: null,
    number: `${String(customer.invoice_prefix)}-${String(sequence).padStart(4, '0')}`,
    on_behalf_of: null,
    paid: false,
    paid_out_of_band: false,
    payment_intent: null,
    payment_settings: { default_mandate: null, payment_method_options: null, payment_method_types: null },
    period_end: period.end,
    period_start: period.start,
    post_payment_credit_notes_amount: 0,
    pre_payment_credit_notes_amount: 0,
    quote: null,
    receipt_number: null,
    rendering_options: null,
    shipping_cost: null,
    shipping_details: null,
    starting_balance: 0,
    statement_descriptor: null,
    status: 'draft',
    status_transitions: { finalized_at: null, marked_uncollectible_at: null, paid_at: null, voided_at: null },
    subscription: sub.id,
    subscription_details: { metadata: snapshot(sub.metadata) },
    subtotal: amount,
    subtotal_excluding_tax: amount,
    tax: null,
    test_clock: null,
    total: amount,
    total_discount_amounts: [],
    total_excluding_tax: amount,
    total_tax_amounts: [],
    transfer_data: null,
    webhooks_delivered_at: null,
  };
  acct.invoices.set(id, invoice);
  sub.latest_invoice = id;
  ctx.hooks.emit(acct, 'invoice.created', invoice, { request: ctx.request });
  Object.assign(invoice, { status: 'open', effective_at: now, status_transitions: { ...(invoice.status_transitions as object), finalized_at: now } });
  ctx.hooks.emit(acct, 'invoice.finalized', invoice, { request: ctx.request });
  chargeInvoice(ctx, sub, invoice, customer);
  return invoice;
}

/** One payment attempt: a PaymentIntent for the invoice, charged off-session to the default card. */
function chargeInvoice(ctx: Ctx, sub: StripeObject, invoice: StripeObject, customer: StripeObject): void {
  const { acct } = ctx;
  const pmId = str(sub.default_payment_method) ?? str((customer.invoice_settings as { default_payment_method: string | null }).default_payment_method);
  const now = ctx.state.now();
  Object.assign(invoice, { attempt_count: Number(invoice.attempt_count) + 1, attempted: true });
  let pi: StripeObject | undefined;
  try {
    pi = createPaymentIntent(ctx, {
      amount: invoice.amount_due, currency: invoice.currency, customer: customer.id,
      description: invoice.billing_reason === 'subscription_create' ? 'Subscription creation' : 'Subscription update',
      payment_method_types: ['card'], metadata: {},
      ...(pmId ? { payment_method: pmId, confirm: true, off_session: true } : {}),
    }, { invoice: invoice.id });
  } catch (e) {
    if (!(e instanceof StripeApiError)) throw e;
    pi = [...acct.paymentIntents.values()].reverse().find((x) => x.invoice === invoice.id);
  }
  if (!pi) throw new Error(`sandbox bug: no payment intent for ${invoice.id}`);
  invoice.payment_intent = pi.id;
  invoice.charge = pi.latest_charge ?? null;
  if (pi.status === 'succeeded') {
    Object.assign(invoice, {
      amount_paid: invoice.amount_due, amount_remaining: 0, paid: true, status: 'paid',
      status_transitions: { ...(invoice.status_transitions as object), paid_at: now },
    });
    ctx.hooks.emit(acct, 'invoice.paid', invoice, { request: ctx.request });
    ctx.hooks.emit(acct, 'invoice.payment_succeeded', invoice, { request: ctx.request });
    return;
  }
  // Without a card on file there is nothing to charge: Stripe still reports the failed attempt.
  ctx.hooks.emit(acct, 'invoice.payment_failed', invoice, { request: ctx.request });
}
