import type Stripe from 'stripe';
import type { CardSetupFacts, InvoiceFacts, ProcessorEvent, SavedCardFacts, SubscriptionFacts } from '../../core/payments/processor';
import { money } from '../../core/money';

/**
 * Stripe's customers, SetupIntents, subscriptions and invoices ⇄ core's facts. The sandbox and the
 * stored spec speak API 2023-08-16, where an invoice names its payment_intent and a subscription its
 * current period; stripe@23's types are newer, hence the narrow reads below.
 */
// (mapping.ts has the same two helpers; it imports this file, so they are not imported back.)
const stripeMoney = (amount: number, currency: string) => money(amount, currency.toUpperCase());
const idOf = (value: string | { id: string } | null | undefined) => (value == null ? null : typeof value === 'string' ? value : value.id);

export function savedCardFrom(pm: Stripe.PaymentMethod): SavedCardFacts | null {
  if (!pm.card) return null;
  return { cardRef: pm.id, brand: pm.card.brand, last4: pm.card.last4, expMonth: pm.card.exp_month, expYear: pm.card.exp_year };
}

const SETUP_STATUS: Record<string, CardSetupFacts['status']> = {
  requires_payment_method: 'awaiting_card', requires_confirmation: 'awaiting_card', requires_action: 'requires_authentication',
  processing: 'awaiting_card', succeeded: 'succeeded', canceled: 'canceled',
};

/** Read with payment_method expanded. A declined attempt leaves it waiting for a card, with the reason. */
export function cardSetupFactsFrom(si: Stripe.SetupIntent, failureMessageOf: (e: { code?: string; message?: string }) => string): CardSetupFacts {
  const pm = si.payment_method && typeof si.payment_method !== 'string' ? si.payment_method : null;
  const error = si.last_setup_error;
  return {
    setupRef: si.id,
    customerRef: idOf(si.customer),
    status: error && si.status === 'requires_payment_method' ? 'failed' : SETUP_STATUS[si.status] ?? 'awaiting_card',
    card: si.status === 'succeeded' && pm ? savedCardFrom(pm) : null,
    failureMessage: error ? failureMessageOf(error) : null,
  };
}

type Subscription2023 = Stripe.Subscription & { current_period_end?: number };
type Invoice2023 = Stripe.Invoice & {
  payment_intent?: string | Stripe.PaymentIntent | null;
  subscription?: string | Stripe.Subscription | null;
  subscription_details?: { metadata: Record<string, string> | null } | null;
};

export function subscriptionFactsFrom(sub: Stripe.Subscription): SubscriptionFacts {
  const end = (sub as Subscription2023).current_period_end;
  return {
    subscriptionRef: sub.id,
    settleSubscriptionId: sub.metadata?.settle_subscription ?? null,
    status: sub.status,
    currentPeriodEnd: end ? new Date(end * 1000) : null,
  };
}

/** Read with payment_intent expanded: its last error is the renewal's decline. */
export function invoiceFactsFrom(invoice: Stripe.Invoice, failureMessageOf: (e: { code?: string; message?: string }) => string): InvoiceFacts {
  const inv = invoice as Invoice2023;
  const pi = inv.payment_intent && typeof inv.payment_intent !== 'string' ? inv.payment_intent : null;
  const error = pi?.last_payment_error;
  return {
    invoiceRef: inv.id!,
    number: inv.number,
    subscriptionRef: idOf(inv.subscription),
    settleSubscriptionId: inv.subscription_details?.metadata?.settle_subscription ?? null,
    customerRef: idOf(inv.customer)!,
    amount: stripeMoney(inv.amount_due, inv.currency),
    status: (inv.status ?? 'draft') as InvoiceFacts['status'],
    paymentRef: idOf(inv.payment_intent),
    failureMessage: inv.status === 'paid' ? null : error ? failureMessageOf(error) : inv.attempted ? 'The payment was declined.' : null,
  };
}

const SETUP_EVENTS = new Set(['setup_intent.succeeded', 'setup_intent.setup_failed', 'setup_intent.requires_action', 'setup_intent.canceled']);
const INVOICE_EVENTS = new Set(['invoice.paid', 'invoice.payment_failed']);
const SUBSCRIPTION_EVENTS = new Set(['customer.subscription.created', 'customer.subscription.updated', 'customer.subscription.deleted']);

export const BILLING_EVENTS = [...SETUP_EVENTS, ...INVOICE_EVENTS, ...SUBSCRIPTION_EVENTS];

export function billingEventFrom(type: string, id: string): ProcessorEvent | null {
  if (SETUP_EVENTS.has(type)) return { kind: 'card_setup_changed', setupRef: id };
  if (INVOICE_EVENTS.has(type)) return { kind: 'invoice_changed', invoiceRef: id };
  if (SUBSCRIPTION_EVENTS.has(type)) return { kind: 'subscription_changed', subscriptionRef: id };
  return null;
}
