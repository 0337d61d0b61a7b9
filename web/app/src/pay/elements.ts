// Live mode: Stripe.js (loaded by the server from js.stripe.com in this page's <head>) and the
// Payment Element. Card fields, wallets and the 3-D Secure challenge all run in Stripe's frames;
// the page only asks Stripe.js to confirm and reads the result.
import type { StripeErrorBody } from './errors';
import type { PaymentIntentResult, StripeConfig } from './stripe';

interface StripeElements {
  create(type: 'payment', options?: Record<string, unknown>): { mount(target: HTMLElement): void };
}
interface StripeJs {
  elements(options: { clientSecret: string; locale?: string }): StripeElements;
  confirmPayment(options: {
    elements: StripeElements;
    confirmParams: { return_url: string };
    redirect: 'if_required';
  }): Promise<{ error?: StripeErrorBody; paymentIntent?: PaymentIntentResult }>;
  retrievePaymentIntent(clientSecret: string): Promise<{ error?: StripeErrorBody; paymentIntent?: PaymentIntentResult }>;
}

declare global {
  interface Window {
    Stripe?: (publishableKey: string) => StripeJs;
  }
}

export interface PaymentElement {
  /** Confirms with Stripe; redirects only for a bank page that needs one, else answers here. */
  confirm(returnUrl: string): Promise<{ error?: StripeErrorBody; paymentIntent?: PaymentIntentResult }>;
  /** The intent as Stripe has it now (back from the bank's page), read through Stripe.js too. */
  retrieve(): Promise<{ error?: StripeErrorBody; paymentIntent?: PaymentIntentResult }>;
}

/** null when Stripe.js did not load (blocked, offline): the page then says so in words. */
export function mountPaymentElement(cfg: StripeConfig, target: HTMLElement, locale: string): PaymentElement | null {
  if (typeof window.Stripe !== 'function') return null;
  const stripe = window.Stripe(cfg.publishableKey);
  const elements = stripe.elements({ clientSecret: cfg.clientSecret, locale: locale.split('-')[0] });
  elements.create('payment', { layout: 'tabs' }).mount(target);
  return {
    confirm: (returnUrl) => stripe.confirmPayment({ elements, confirmParams: { return_url: returnUrl }, redirect: 'if_required' }),
    retrieve: () => stripe.retrievePaymentIntent(cfg.clientSecret),
  };
}
