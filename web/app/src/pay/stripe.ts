// Minimal Stripe REST calls made directly from the shopper's browser. Card data
// goes only to Stripe (apiBase), never to Settle's server. Used in
// sandbox/test mode; see main.ts for why live keys are refused.
import type { CardInput } from './card';
import type { StripeErrorBody } from './errors';

export interface StripeConfig {
  apiBase: string;
  publishableKey: string;
  paymentIntentId: string;
  clientSecret: string;
}

export interface PaymentIntentResult {
  id: string;
  status: string;
  last_payment_error?: StripeErrorBody | null;
  /** requires_action: where the shopper's bank wants them (3-D Secure), when a return_url was given. */
  next_action?: { type: string; redirect_to_url?: { url?: string | null; return_url?: string | null } } | null;
}

/** Thrown for any non-2xx Stripe response or network failure. */
export class StripeRequestError extends Error {
  constructor(readonly body: StripeErrorBody) {
    // Deliberately not Stripe's message: it may echo request details.
    super(`Stripe request failed: ${body.type ?? 'unknown'}/${body.code ?? ''}`);
    this.name = 'StripeRequestError';
  }
}

async function post<T>(cfg: StripeConfig, path: string, params: Record<string, string>): Promise<T> {
  return call<T>(cfg, path, {
    method: 'POST',
    headers: { Authorization: `Bearer ${cfg.publishableKey}`, 'Content-Type': 'application/x-www-form-urlencoded' },
    // Card data travels in the body only — never in the URL, where it could end up in logs.
    body: new URLSearchParams(params).toString(),
  });
}

async function call<T>(cfg: StripeConfig, path: string, init: RequestInit): Promise<T> {
  let res: Response;
  try {
    res = await fetch(`${cfg.apiBase.replace(/\/+$/, '')}${path}`, { ...init, credentials: 'omit', cache: 'no-store', referrerPolicy: 'no-referrer' });
  } catch {
    throw new StripeRequestError({ type: 'api_connection_error' });
  }
  const json: unknown = await res.json().catch(() => null);
  if (!res.ok) {
    const error = (json as { error?: StripeErrorBody } | null)?.error;
    throw new StripeRequestError(error ?? { type: 'api_error' });
  }
  return json as T;
}

export async function createCardPaymentMethod(cfg: StripeConfig, card: CardInput): Promise<string> {
  const pm = await post<{ id: string }>(cfg, '/v1/payment_methods', {
    type: 'card',
    'card[number]': card.number,
    'card[exp_month]': String(card.expMonth),
    'card[exp_year]': String(card.expYear),
    'card[cvc]': card.cvc,
  });
  return pm.id;
}

/** A SEPA Direct Debit PaymentMethod: the account holder, their email (for the debit notice) and IBAN. */
export async function createSepaDebitPaymentMethod(cfg: StripeConfig, debit: { name: string; email: string; iban: string }): Promise<string> {
  const pm = await post<{ id: string }>(cfg, '/v1/payment_methods', {
    type: 'sepa_debit',
    'sepa_debit[iban]': debit.iban,
    'billing_details[name]': debit.name,
    'billing_details[email]': debit.email,
  });
  return pm.id;
}

/** Confirms a bank debit with the mandate the shopper accepted on this page (Stripe notes where from). */
export function confirmDebit(cfg: StripeConfig, paymentMethodId: string): Promise<PaymentIntentResult> {
  return post<PaymentIntentResult>(cfg, `/v1/payment_intents/${encodeURIComponent(cfg.paymentIntentId)}/confirm`, {
    payment_method: paymentMethodId,
    client_secret: cfg.clientSecret,
    'mandate_data[customer_acceptance][type]': 'online',
    'mandate_data[customer_acceptance][online][user_agent]': navigator.userAgent,
  });
}

/** `returnUrl`: where the shopper's bank sends them back after 3-D Secure (this page). */
export function confirmPaymentIntent(cfg: StripeConfig, paymentMethodId: string, returnUrl: string): Promise<PaymentIntentResult> {
  return post<PaymentIntentResult>(cfg, `/v1/payment_intents/${encodeURIComponent(cfg.paymentIntentId)}/confirm`, {
    payment_method: paymentMethodId,
    client_secret: cfg.clientSecret,
    return_url: returnUrl,
  });
}

/** The intent as Stripe has it now (read with its client secret, as Stripe.js does). */
export function retrievePaymentIntent(cfg: StripeConfig): Promise<PaymentIntentResult> {
  const query = new URLSearchParams({ client_secret: cfg.clientSecret }).toString();
  return call<PaymentIntentResult>(cfg, `/v1/payment_intents/${encodeURIComponent(cfg.paymentIntentId)}?${query}`, {
    method: 'GET',
    headers: { Authorization: `Bearer ${cfg.publishableKey}` },
  });
}

/** A card PaymentMethod from a wallet's card token (Google Pay gives one made by Stripe). */
export async function createTokenPaymentMethod(cfg: StripeConfig, token: string): Promise<string> {
  const pm = await post<{ id: string }>(cfg, '/v1/payment_methods', { type: 'card', 'card[token]': token });
  return pm.id;
}
