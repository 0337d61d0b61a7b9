/** Test payments until the merchant switches to live ones. */
export type SetupMode = 'test' | 'live';

export interface SetupChoices {
  /** What the merchant chose to connect: their store (one of them), Stripe, QuickBooks. */
  connect: { store: 'woocommerce' | 'shopify' | null; stripe: boolean; quickbooks: boolean };
  /** Payment methods shoppers may use (card, apple_pay, google_pay, sepa_debit). */
  paymentMethods: string[];
  /** ISO 4217 codes, upper case, that shoppers may pay in. */
  currencies: string[];
}
