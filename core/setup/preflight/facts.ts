/**
 * What the preflight checks read from the connected platforms, as core needs it (the adapters in
 * web/server/setup-facts.ts ask Stripe, the store and QuickBooks). Each is read only by the check
 * that needs it; undefined means the platform is not connected.
 */
export interface SetupFacts {
  stripe(): Promise<StripeConnectionFacts | undefined>;
  /** Settle's webhook endpoint on the Stripe account, as Stripe has it. */
  stripeWebhookEndpoint(): Promise<StripeEndpointFacts | undefined>;
  /**
   * Asks Stripe to send Settle an event (a test payment created and cancelled at once, never
   * charged) and waits for Settle's webhook route to accept it, signature checked.
   */
  stripeTestDelivery(): Promise<'received' | 'not_received'>;
  /** The Stripe account's country, settlement currency and the currencies it can take payments in. */
  stripeCurrencies(): Promise<{ country: string; defaultCurrency: string; supported: string[] } | undefined>;
  storeWebhooks(): Promise<StoreWebhookFacts | undefined>;
  /** The currency the store sells in (WooCommerce's setting, Shopify's shop currency). */
  storeCurrency(): Promise<{ platform: 'woocommerce' | 'shopify'; currency: string } | undefined>;
  /** Each ledger role's account in QuickBooks: the mapped one, or the one of the default name. */
  booksAccounts(): Promise<BooksAccountFacts[] | undefined>;
}

export interface StripeConnectionFacts {
  via: 'keys' | 'connect';
  /** The key's prefix only (sk_test_, rk_live_, …): never the key. Absent through Connect. */
  secretKeyPrefix?: string;
  publishableKeyPrefix: string;
  /** Whether the account is reached in live mode, as Stripe says (the endpoint's or the OAuth grant's livemode). */
  livemode: boolean | null;
}

export interface StripeEndpointFacts {
  /** False when Stripe no longer has the endpoint Settle registered. */
  exists: boolean;
  url: string | null;
  expectedUrl: string;
  status: string | null;
  /** Events Settle acts on that the endpoint does not send. */
  missingEvents: string[];
  /** Connect merchants' events come through Settle's platform endpoint, not one of their own. */
  viaPlatform: boolean;
}

export interface StoreWebhookFacts {
  platform: 'woocommerce' | 'shopify';
  /** Each topic Settle needs: active, paused, disabled, missing; and whether it delivers to Settle. */
  topics: { topic: string; status: string; deliversToSettle: boolean }[];
}

export interface BooksAccountFacts {
  role: string;
  /** The ledger role's name (what Settle calls the account by default). */
  roleName: string;
  mapped: boolean;
  /** The account in QuickBooks, or null when none (mapped id gone, or no account of the default name). */
  account: { id: string; name: string; type: string; active: boolean } | null;
}
