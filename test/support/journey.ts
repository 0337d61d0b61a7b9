/**
 * The steps a merchant and a shopper take, over HTTP only: sign up, connect the platforms (the
 * sandboxes' control endpoints stand in for their dashboards and consent screens), place an order
 * in the store, pay on Settle's page. The demo and the end-to-end tests both walk this path.
 */
import { WooCommerceRestApi } from '../../connectors/woocommerce/client';
import { stripeClient } from '../../connectors/stripe/client';
import { startStripeSandbox, type StripeSandbox } from '../sandbox/stripe';
import { startWooSandbox, type WooSandbox } from '../sandbox/woocommerce';
import { startQuickBooksSandbox, type QuickBooksSandbox } from '../sandbox/quickbooks';

export interface Sandboxes {
  stripe: StripeSandbox;
  woo: WooSandbox;
  quickbooks: QuickBooksSandbox;
  close(): Promise<void>;
}

export async function startSandboxes(ports: { stripe?: number; woo?: number; quickbooks?: number } = {}): Promise<Sandboxes> {
  const [stripe, woo, quickbooks] = await Promise.all([
    startStripeSandbox({ port: ports.stripe ?? 0, webhookRetryDelaysMs: [500, 1000, 2000, 5000] }),
    startWooSandbox({ port: ports.woo ?? 0 }),
    startQuickBooksSandbox({ port: ports.quickbooks ?? 0 }),
  ]);
  return { stripe, woo, quickbooks, close: async () => void (await Promise.all([stripe.close(), woo.close(), quickbooks.close()])) };
}

async function call<T>(url: string, init: { method?: string; body?: unknown; apiKey?: string } = {}): Promise<T> {
  const response = await fetch(url, {
    method: init.method ?? (init.body ? 'POST' : 'GET'),
    headers: { 'Content-Type': 'application/json', ...(init.apiKey ? { Authorization: `Bearer ${init.apiKey}` } : {}) },
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${init.method ?? 'GET'} ${url} → ${response.status}: ${text}`);
  return (text ? JSON.parse(text) : undefined) as T;
}

export interface ConnectedMerchant {
  merchantId: string;
  apiKey: string;
  stripeAccount: { id: string; secret_key: string; publishable_key: string };
  woo: WooCommerceRestApi;
  realmId: string;
  /** The QuickBooks company's access token, for a test acting as the bookkeeper in QuickBooks itself. */
  quickBooksAccessToken: string;
}

/**
 * A merchant signs up with Settle and connects Stripe, their WooCommerce store and QuickBooks.
 * Stripe is connected with the account's API keys unless `connectStripe` does it another way
 * (through Stripe Connect: test/support/stripe-connect.ts).
 */
export async function signUpAndConnect(
  settleUrl: string, sandboxes: Sandboxes, name: string,
  options: { currency?: 'USD' | 'JPY'; connectStripe?: (apiKey: string, account: ConnectedMerchant['stripeAccount']) => Promise<void> } = {},
): Promise<ConnectedMerchant> {
  const yen = options.currency === 'JPY';
  const { merchant, apiKey } = await call<{ merchant: { id: string }; apiKey: string }>(`${settleUrl}/api/merchants`, { body: { name } });

  const stripeAccount = await call<ConnectedMerchant['stripeAccount']>(`${sandboxes.stripe.url}/_sandbox/accounts`, { body: yen ? { country: 'JP', default_currency: 'jpy' } : { country: 'US', default_currency: 'usd' } });
  if (options.connectStripe) await options.connectStripe(apiKey, stripeAccount);
  else await call(`${settleUrl}/api/connections/stripe`, { method: 'PUT', apiKey, body: { secretKey: stripeAccount.secret_key, publishableKey: stripeAccount.publishable_key } });

  const keys = await call<{ consumer_key: string; consumer_secret: string }>(`${sandboxes.woo.url}_sandbox/api-keys`, { body: { permissions: 'read_write' } });
  await call(`${settleUrl}/api/connections/woocommerce`, { method: 'PUT', apiKey, body: { siteUrl: sandboxes.woo.url, consumerKey: keys.consumer_key, consumerSecret: keys.consumer_secret } });

  const company = await connectQuickBooks(sandboxes, settleUrl, apiKey, name, yen ? 'JPY' : 'USD');

  const woo = new WooCommerceRestApi({ url: sandboxes.woo.url, consumerKey: keys.consumer_key, consumerSecret: keys.consumer_secret, version: 'wc/v3' });
  return { merchantId: merchant.id, apiKey, stripeAccount, woo, realmId: company.realmId, quickBooksAccessToken: company.accessToken };
}

/** A new company in the QuickBooks sandbox, connected to the merchant `bearer` signs in as (an API key or a Shopify session token). */
export async function connectQuickBooks(sandboxes: Sandboxes, settleUrl: string, bearer: string, name: string, homeCurrency = 'USD') {
  const app = await call<{ client_id: string; client_secret: string }>(`${sandboxes.quickbooks.url}/_sandbox/apps`, { body: {} });
  const company = await call<{ realm_id: string; access_token: string; refresh_token: string; expires_in: number }>(
    `${sandboxes.quickbooks.url}/_sandbox/companies`, { body: { client_id: app.client_id, company_name: name, home_currency: homeCurrency } },
  );
  await call(`${settleUrl}/api/connections/quickbooks`, {
    method: 'PUT', apiKey: bearer,
    body: { realmId: company.realm_id, clientId: app.client_id, clientSecret: app.client_secret, accessToken: company.access_token, refreshToken: company.refresh_token, expiresIn: company.expires_in },
  });
  return { realmId: company.realm_id, accessToken: company.access_token };
}

export interface WooOrderView {
  id: number;
  number: string;
  status: string;
  total: string;
  transaction_id: string;
  date_paid: string | null;
}

/** A store order Settle made for a sale outside the store (a counter sale, a payment link), as WooCommerce shows it. */
export interface WooSaleOrder extends WooOrderView {
  customer_id: number;
  billing: { email: string; first_name: string; last_name: string };
  line_items: { product_id: number; quantity: number; total: string }[];
  fee_lines: { name: string; total: string }[];
  meta_data: { key: string; value: unknown }[];
}

/** The store's checkout: a shopper's cart becomes a pending WooCommerce order. */
export async function placeOrder(woo: WooCommerceRestApi, order: { productId: number; quantity: number; shippingTotal?: string; currency?: string }): Promise<WooOrderView> {
  const response = await woo.post('orders', {
    status: 'pending',
    currency: order.currency ?? 'USD',
    billing: { first_name: 'Ada', last_name: 'Shopper', email: 'ada@example.com' },
    line_items: [{ product_id: order.productId, quantity: order.quantity }],
    shipping_lines: order.shippingTotal ? [{ method_id: 'flat_rate', method_title: 'Flat rate', total: order.shippingTotal }] : [],
  });
  return response.data as WooOrderView;
}

/**
 * The store plugin asks Settle for a payment for the order (server to server). `captureMethod:
 * 'manual'` only authorizes the card; the merchant captures later.
 */
export async function startCheckout(
  settleUrl: string, apiKey: string, orderId: number, options: { captureMethod?: 'automatic' | 'manual' } = {},
): Promise<{ payment: { id: string; status: string; captureMethod: string }; payUrl: string }> {
  return call(`${settleUrl}/api/checkouts`, { apiKey, body: { storePlatform: 'woocommerce', orderId: String(orderId), ...options } });
}

export interface ShopperIntent {
  id: string;
  status?: string;
  next_action?: { type: string; redirect_to_url?: { url: string; return_url: string } } | null;
  error?: { message: string; code?: string };
}

/**
 * What the payment page does in the shopper's browser: read the payment, send the card straight to
 * Stripe (never to Settle), confirm with the page itself as the return_url (for 3-D Secure).
 */
export async function confirmAsShopper(settleUrl: string, paymentId: string, cardNumber = '4242424242424242'): Promise<ShopperIntent> {
  const page = await call<{ stripe: { apiBase: string; publishableKey: string; paymentIntentId: string; clientSecret: string } }>(`${settleUrl}/api/pay/${paymentId}`);
  const stripePost = async (path: string, form: Record<string, string>) => {
    const response = await fetch(`${page.stripe.apiBase}${path}`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${page.stripe.publishableKey}`, 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(form),
    });
    return (await response.json()) as ShopperIntent;
  };
  const method = await stripePost('/v1/payment_methods', { type: 'card', 'card[number]': cardNumber, 'card[exp_month]': '12', 'card[exp_year]': '2030', 'card[cvc]': '123' });
  if (method.error) throw new Error(method.error.message);
  return stripePost(`/v1/payment_intents/${page.stripe.paymentIntentId}/confirm`, {
    payment_method: method.id, client_secret: page.stripe.clientSecret, return_url: `${settleUrl}/pay/${paymentId}`,
  });
}

/** Pays as the shopper; returns the payment intent's status ("declined: …" on a decline). */
export async function payAsShopper(settleUrl: string, paymentId: string, cardNumber = '4242424242424242'): Promise<string> {
  const intent = await confirmAsShopper(settleUrl, paymentId, cardNumber);
  return intent.error ? `declined: ${intent.error.message}` : (intent.status ?? 'unknown');
}

/**
 * The shopper's bank page (the sandbox's 3-D Secure challenge): press "Complete" or "Fail" as its
 * form does. Returns where the bank sends the browser back (the payment page, with Stripe's query).
 */
export async function answerBankChallenge(intent: ShopperIntent, answer: 'complete' | 'fail'): Promise<URL> {
  const challenge = intent.next_action?.redirect_to_url?.url;
  if (!challenge) throw new Error(`no 3-D Secure challenge for ${intent.id} (${intent.status})`);
  const action = /<form method="post" action="([^"]+)"/.exec(await (await fetch(challenge)).text())?.[1];
  if (!action) throw new Error(`the challenge page of ${intent.id} has no form`);
  const response = await fetch(new URL(action, challenge), {
    method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: `outcome=${answer}`, redirect: 'manual',
  });
  return new URL(response.headers.get('location') ?? '');
}

export interface PaymentsView {
  payments: {
    id: string; orderId: string; orderNumber: string; status: string; orderStatus: string; failureMessage: string | null;
    captureMethod: string; capturedAmount: { amount: number; currency: string } | null;
    booksStatus: string; booksDocuments: number; amountFormatted: string;
    paymentMethod?: string | null; paymentMethodName?: string | null;
  }[];
  balances: { role: string; name: string; currency: string; balance: number; balanceFormatted: string }[];
}

export const readPayments = (settleUrl: string, apiKey: string) => call<PaymentsView>(`${settleUrl}/api/payments`, { apiKey });

export interface QuickBooksDocuments {
  documents: Record<string, { Id: string; Name?: string; TotalAmt?: number; Amount?: number; CurrentBalance?: number; AccountType?: string }[]>;
}
export const readBooks = (sandboxes: Sandboxes, realmId: string) =>
  call<QuickBooksDocuments>(`${sandboxes.quickbooks.url}/_sandbox/companies/${realmId}/documents`);

/** Moves Stripe's clock past the funds' availability, so the daily automatic payout runs. */
export const advanceStripeClock = (sandboxes: Sandboxes, seconds: number) =>
  call<{ now: number }>(`${sandboxes.stripe.url}/_sandbox/clock/advance`, { body: { seconds } });

export interface LedgerEntryView {
  id: string;
  kind: string;
  description: string;
  occurredAt: string;
  postings: { role: string; account: string; amount: { amount: number; currency: string }; debit: string | null; credit: string | null }[];
}
export const readLedgerEntries = async (settleUrl: string, apiKey: string) =>
  (await call<{ entries: LedgerEntryView[] }>(`${settleUrl}/api/ledger/entries`, { apiKey })).entries;

/** A short-lived link that signs the merchant into Settle's admin (what the store plugin opens). */
export const adminSignInLink = async (settleUrl: string, apiKey: string) =>
  (await call<{ url: string }>(`${settleUrl}/api/admin-links`, { method: 'POST', apiKey, body: {} })).url;

/** The merchant working in Stripe's own dashboard: the official SDK with their key, at the sandbox. */
export const stripeDashboard = (sandboxes: Sandboxes, merchant: ConnectedMerchant) => stripeClient(merchant.stripeAccount.secret_key, sandboxes.stripe.url);

/**
 * The merchant's API as their integration calls it, answering with the status as well, since
 * refusals are part of the story. GET without a body, POST with one, unless a method is named.
 */
export async function merchantApi(settleUrl: string, apiKey: string, path: string, init: { method?: string; body?: unknown } = {}) {
  const response = await fetch(`${settleUrl}${path}`, {
    method: init.method ?? (init.body === undefined ? 'GET' : 'POST'),
    headers: { Authorization: `Bearer ${apiKey}`, 'Content-Type': 'application/json' },
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  });
  return { status: response.status, body: await response.json() };
}
