import { randomUUID } from 'node:crypto';
import type Stripe from 'stripe';
import type { Services } from './services';
import type { SetupFacts, StripeConnectionFacts, StripeEndpointFacts } from '../../core/setup/preflight/facts';
import type { DryRunPorts, DryRunView } from '../../core/setup/dry-run';
import type { SetupChoices } from '../../core/setup/progress';
import { ACCOUNT_ROLES, type AccountRole } from '../../core/ledger/accounts';
import { BooksMapping } from '../../core/books/mapping';
import { SettleError } from '../../core/errors';
import { stripeClient } from '../../connectors/stripe/client';
import { STRIPE_EVENTS } from '../../connectors/stripe/mapping';
import type { StripeSettings } from '../../connectors/stripe/processor';
import { wooClient, type WooSecrets, type WooSettings } from '../../connectors/woocommerce/client';
import { settleWebhooks, SETTLE_TOPICS } from '../../connectors/woocommerce/webhooks';
import { shopifyApp } from '../../connectors/shopify/app';
import { shopAccess } from '../../connectors/shopify/shop-access';
import { ShopifyGraphql } from '../../connectors/shopify/graphql/client';
import { SHOP_INFO, type ShopInfoResult } from '../../connectors/shopify/graphql/documents/shop';
import { WEBHOOK_SUBSCRIPTIONS, type WebhookSubscriptionsResult } from '../../connectors/shopify/graphql/documents/webhooks';
import { SHOPIFY_TOPICS } from '../../connectors/shopify/webhooks';
import { quickBooksAccess } from '../../connectors/quickbooks/access';
import { call, quickBooksClient } from '../../connectors/quickbooks/client';
import { toQuickBooks, type DocumentReferences } from '../../connectors/quickbooks/documents';
import { quickBooksApp } from './services';
import { wooDeliveryUrl } from './woo-webhook-health';

type StripeKeys = { secretKey?: string; webhookSecret?: string };

/** The Shopify topics Settle acts on (the privacy ones are Shopify's compliance webhooks, configured in the app). */
const SHOPIFY_NEEDED = ['ORDERS_PAID', 'ORDERS_UPDATED', 'REFUNDS_CREATE', 'APP_UNINSTALLED'] as const;
const DELIVERY_POLL_MS = 200;

/** The merchant's Stripe account as Settle reaches it: their key, or Settle's platform key on their behalf. */
async function merchantStripe(services: Services, merchantId: string): Promise<{ stripe: Stripe; settings: StripeSettings; secrets: StripeKeys } | undefined> {
  const c = await services.connections.find<StripeSettings, StripeKeys>(merchantId, 'stripe');
  if (!c) return undefined;
  const { config } = services;
  if (c.settings.mode === 'connect') {
    if (!config.STRIPE_PLATFORM_SECRET_KEY) throw new SettleError('stripe_connect_not_configured', 'Settle is not set up as a Stripe Connect platform (STRIPE_PLATFORM_SECRET_KEY).', 503);
    return { stripe: stripeClient(config.STRIPE_PLATFORM_SECRET_KEY, config.STRIPE_API_BASE, { stripeAccount: c.settings.accountId }), settings: c.settings, secrets: c.secrets };
  }
  if (!c.secrets.secretKey) return undefined;
  return { stripe: stripeClient(c.secrets.secretKey, config.STRIPE_API_BASE), settings: c.settings, secrets: c.secrets };
}

const notFound = (error: unknown) => (error as { statusCode?: number }).statusCode === 404;

/** What the preflight checks read, for one merchant, from their connected platforms. */
export function setupFacts(services: Services, merchantId: string, choices: SetupChoices, options: { deliveryWaitMs?: number } = {}): SetupFacts {
  const once = <T>(read: () => Promise<T>) => {
    let value: Promise<T> | undefined;
    return () => (value ??= read());
  };
  const stripe = once(() => merchantStripe(services, merchantId));
  const endpoint = once(async (): Promise<(Stripe.WebhookEndpoint & { livemode?: boolean }) | null | undefined> => {
    const s = await stripe();
    if (!s || s.settings.mode === 'connect') return undefined;
    try {
      return await s.stripe.webhookEndpoints.retrieve(s.settings.webhookEndpointId);
    } catch (error) {
      if (notFound(error)) return null;
      throw error;
    }
  });
  const account = once(async () => {
    const s = await stripe();
    return s ? s.stripe.accounts.retrieveCurrent() : undefined;
  });

  return {
    async stripe(): Promise<StripeConnectionFacts | undefined> {
      const s = await stripe();
      if (!s) return undefined;
      if (s.settings.mode === 'connect') return { via: 'connect', publishableKeyPrefix: s.settings.publishableKey.slice(0, 8), livemode: s.settings.livemode };
      const ep = await endpoint();
      return { via: 'keys', secretKeyPrefix: s.secrets.secretKey!.slice(0, 8), publishableKeyPrefix: s.settings.publishableKey.slice(0, 8), livemode: ep ? ep.livemode ?? null : null };
    },

    async stripeWebhookEndpoint(): Promise<StripeEndpointFacts | undefined> {
      const s = await stripe();
      if (!s) return undefined;
      const expectedUrl = `${services.config.publicUrl}/webhooks/stripe/${merchantId}`;
      if (s.settings.mode === 'connect') return { exists: true, url: null, expectedUrl, status: null, missingEvents: [], viaPlatform: true };
      const ep = await endpoint();
      if (!ep) return { exists: false, url: null, expectedUrl, status: null, missingEvents: [], viaPlatform: false };
      const sent = new Set<string>(ep.enabled_events);
      return {
        exists: true, url: ep.url, expectedUrl, status: ep.status, viaPlatform: false,
        missingEvents: sent.has('*') ? [] : STRIPE_EVENTS.filter((e) => !sent.has(e)),
      };
    },

    async stripeTestDelivery() {
      const s = await stripe();
      if (!s) return 'not_received';
      const currency = (await account())?.default_currency ?? 'usd';
      // Created and cancelled at once, never confirmed: nothing is charged, in test or in live mode.
      const intent = await s.stripe.paymentIntents.create(
        { amount: 100, currency, description: 'Settle setup check: webhook test (cancelled at once, never charged)', metadata: { settle_setup: 'webhook_test' } },
        { idempotencyKey: `setup-webhook-test-${merchantId}-${Date.now()}` },
      );
      await s.stripe.paymentIntents.cancel(intent.id);
      const deadline = Date.now() + (options.deliveryWaitMs ?? 10_000);
      for (;;) {
        const seen = await services.db.query(
          `SELECT 1 FROM inbox WHERE merchant_id = $1 AND platform = 'stripe' AND payload->'data'->'object'->>'id' = $2 LIMIT 1`, [merchantId, intent.id]);
        if (seen.length > 0) return 'received';
        if (Date.now() >= deadline) return 'not_received';
        await new Promise((resolve) => setTimeout(resolve, DELIVERY_POLL_MS));
      }
    },

    async stripeCurrencies() {
      const s = await stripe();
      const a = await account();
      if (!s || !a?.country) return undefined;
      const spec = await s.stripe.countrySpecs.retrieve(a.country);
      return { country: a.country, defaultCurrency: a.default_currency ?? spec.default_currency, supported: spec.supported_payment_currencies };
    },

    async storeWebhooks() {
      if (choices.connect.store === 'shopify') {
        const shopify = await shopifyGraphql(services, merchantId);
        if (!shopify) return undefined;
        if ('uninstalled' in shopify) return { platform: 'shopify' as const, topics: SHOPIFY_NEEDED.map((t) => ({ topic: SHOPIFY_TOPICS[t], status: 'missing', deliversToSettle: false })) };
        const data = await shopify.graphql.request<WebhookSubscriptionsResult>(WEBHOOK_SUBSCRIPTIONS, { first: 100 });
        const settle = `${services.config.publicUrl}/webhooks/shopify`;
        // The app's own subscriptions (shopify.app.toml) hold while it is installed; one the shop
        // has for the same topic elsewhere (through the API) takes Settle's deliveries away.
        return {
          platform: 'shopify' as const,
          topics: SHOPIFY_NEEDED.map((t) => {
            const other = data.webhookSubscriptions.nodes.find((n) => n.topic === t && n.uri !== settle);
            return { topic: SHOPIFY_TOPICS[t], status: 'active', deliversToSettle: !other };
          }),
        };
      }
      const woo = await services.connections.find<WooSettings, WooSecrets>(merchantId, 'woocommerce');
      if (!woo) return undefined;
      const hooks = await settleWebhooks(wooClient(woo.settings, woo.secrets));
      const url = wooDeliveryUrl(services, merchantId);
      return {
        platform: 'woocommerce' as const,
        topics: SETTLE_TOPICS.map((topic) => ({ topic, status: hooks.get(topic)?.status ?? 'missing', deliversToSettle: hooks.get(topic)?.delivery_url === url })),
      };
    },

    async storeCurrency() {
      if (choices.connect.store === 'shopify') {
        const shopify = await shopifyGraphql(services, merchantId);
        if (!shopify || 'uninstalled' in shopify) return undefined;
        return { platform: 'shopify' as const, currency: (await shopify.graphql.request<ShopInfoResult>(SHOP_INFO)).shop.currencyCode };
      }
      const woo = await services.connections.find<WooSettings, WooSecrets>(merchantId, 'woocommerce');
      if (!woo) return undefined;
      const setting = await wooClient(woo.settings, woo.secrets).get('settings/general/woocommerce_currency');
      return { platform: 'woocommerce' as const, currency: String((setting.data as { value: string }).value) };
    },

    async booksAccounts() {
      const accounts = await quickBooksAccounts(services, merchantId);
      if (!accounts) return undefined;
      const mapping = new BooksMapping(services.db, merchantId);
      return Promise.all((Object.keys(ACCOUNT_ROLES) as AccountRole[]).map(async (role) => {
        const roleName = ACCOUNT_ROLES[role].name;
        const mappedId = await mapping.get(`account:${role}`);
        const found = mappedId ? accounts.find((a) => a.Id === mappedId) : accounts.find((a) => a.Name === roleName);
        return {
          role, roleName, mapped: Boolean(mappedId),
          account: found ? { id: found.Id, name: found.Name, type: found.AccountType, active: found.Active !== false } : null,
        };
      }));
    },
  };
}

type QuickBooksAccount = { Id: string; Name: string; AccountType: string; Active?: boolean };

/** Every account of the merchant's QuickBooks company, read through the connector; undefined when not connected. */
async function quickBooksAccounts(services: Services, merchantId: string): Promise<QuickBooksAccount[] | undefined> {
  if (!(await services.connections.find(merchantId, 'quickbooks'))) return undefined;
  const { settings, secrets } = await quickBooksAccess(services.db, services.connections, merchantId, services.config.QUICKBOOKS_TOKEN_URL, quickBooksApp(services.config));
  const qbo = quickBooksClient(settings, secrets);
  const body = await call<{ QueryResponse: { Account?: QuickBooksAccount[] } }>((cb) => qbo.findAccounts([{ field: 'fetchAll', value: true }], cb), 'reading the chart of accounts');
  return body.QueryResponse.Account ?? [];
}

async function shopifyGraphql(services: Services, merchantId: string): Promise<{ graphql: ShopifyGraphql } | { uninstalled: true } | undefined> {
  const app = shopifyApp(services.config);
  if (!app || !(await services.connections.find(merchantId, 'shopify'))) return undefined;
  try {
    const { shop, session } = await shopAccess({ db: services.db, box: services.box, config: services.config }, merchantId);
    return { graphql: new ShopifyGraphql(app, { shop, accessToken: session.accessToken! }) };
  } catch (error) {
    if (error instanceof SettleError && error.code === 'shopify_uninstalled') return { uninstalled: true };
    throw error;
  }
}

/**
 * The dry run's platforms: a test card authorized and released on the merchant's Stripe account
 * (refused unless it is in test mode), their store, and QuickBooks documents previewed with
 * references that only name the accounts (nothing is read from or sent to QuickBooks).
 */
export async function dryRunPorts(services: Services, merchantId: string, choices: SetupChoices, save: (view: DryRunView) => Promise<void>): Promise<DryRunPorts> {
  const s = await merchantStripe(services, merchantId);
  if (!s) throw new SettleError('platform_not_connected', 'Connect Stripe before the dry run.', 409);
  const live = s.settings.mode === 'connect' ? s.settings.livemode : !/^(sk|rk)_test_/.test(s.secrets.secretKey ?? '');
  if (live) throw new SettleError('dry_run_needs_test_mode', 'The dry run pays with a test card, so it runs only with Stripe test keys. Your Stripe connection is in live mode.', 409);
  const mapping = new BooksMapping(services.db, merchantId);
  let accounts: QuickBooksAccount[] | undefined;
  const accountName = async (role: AccountRole) => {
    const mapped = await mapping.get(`account:${role}`);
    if (!mapped) return ACCOUNT_ROLES[role].name;
    accounts ??= await quickBooksAccounts(services, merchantId).catch(() => []);
    return accounts?.find((a) => a.Id === mapped)?.Name ?? `${ACCOUNT_ROLES[role].name} (QuickBooks account ${mapped})`;
  };
  const naming: DocumentReferences = {
    account: accountName,
    item: async (role) => `${ACCOUNT_ROLES[role].name} (Settle)`,
    customer: async (who) => who.name,
  };
  return {
    testPayments: {
      async authorize({ amount, idempotencyKey, description }) {
        const intent = await s.stripe.paymentIntents.create(
          { amount: amount.amount, currency: amount.currency.toLowerCase(), capture_method: 'manual', payment_method: 'pm_card_visa', automatic_payment_methods: { enabled: true, allow_redirects: 'never' }, confirm: true, description, metadata: { settle_setup: 'dry_run' } },
          { idempotencyKey },
        );
        if (intent.status !== 'requires_capture') throw new Error(`Stripe did not approve the test card (the payment is ${intent.status}).`);
        return { reference: intent.id };
      },
      async release(reference) {
        await s.stripe.paymentIntents.cancel(reference);
      },
    },
    store: choices.connect.store ? await services.platforms.storeFor(merchantId, choices.connect.store) : undefined,
    async previewInBooks(document) {
      const { entity, what, body } = await toQuickBooks(document, naming);
      return { entity, what, body };
    },
    accountName,
    save,
  };
}

/**
 * The preflight's fix for a Stripe webhook endpoint that no longer delivers to Settle (deleted,
 * disabled, pointing elsewhere, or its secret rolled in the Dashboard, which the API never shows
 * again): Settle's endpoint is replaced by a new one whose signing secret Settle keeps.
 */
export async function renewStripeWebhook(services: Services, merchantId: string): Promise<{ webhookEndpointId: string }> {
  const c = await services.connections.find<StripeSettings, StripeKeys>(merchantId, 'stripe');
  if (!c || c.settings.mode === 'connect' || !c.secrets.secretKey) {
    throw new SettleError('stripe_connected_through_connect', 'Only a Stripe account connected with its API keys has a webhook endpoint of its own.', 409);
  }
  const stripe = stripeClient(c.secrets.secretKey, services.config.STRIPE_API_BASE);
  const url = `${services.config.publicUrl}/webhooks/stripe/${merchantId}`;
  // A fresh idempotency key: connecting reuses one per URL, whose replay would hand back the old endpoint.
  const endpoint = await stripe.webhookEndpoints.create(
    { url, enabled_events: STRIPE_EVENTS as Stripe.WebhookEndpointCreateParams.EnabledEvent[] },
    { idempotencyKey: `webhook-endpoint-renewed-${merchantId}-${randomUUID()}` },
  );
  if (!endpoint.secret) throw new Error('Stripe returned no signing secret');
  await services.connections.save({ ...c, settings: { ...c.settings, webhookEndpointId: endpoint.id }, secrets: { ...c.secrets, webhookSecret: endpoint.secret } });
  await stripe.webhookEndpoints.del(c.settings.webhookEndpointId).catch((error: unknown) => {
    if (!notFound(error)) throw error;
  });
  return { webhookEndpointId: endpoint.id };
}
