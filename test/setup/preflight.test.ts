/**
 * Each preflight check fails for the reason it exists to catch, in the merchant's words with a fix,
 * and passes once that fix is made. Real HTTP app (in process) against the Stripe, WooCommerce and
 * QuickBooks sandboxes; the merchant signed up and connected Stripe (keys), the store and QuickBooks.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSettleInProcess } from '../support/in-process';
import { freePort } from '../support/settle-process';
import { merchantApi, signUpAndConnect, startSandboxes, type ConnectedMerchant, type Sandboxes } from '../support/journey';
import { stripeClient } from '../../connectors/stripe/client';
import { BooksMapping } from '../../core/books/mapping';
import type { PreflightRun } from '../../core/setup/preflight/check';

type Settle = Awaited<ReturnType<typeof startSettleInProcess>>;

describe('preflight checks', { timeout: 120_000 }, () => {
  let sandboxes: Sandboxes;
  let settle: Settle;
  let merchant: ConnectedMerchant;
  const api = (path: string, init: { method?: string; body?: unknown } = {}) => merchantApi(settle.url, merchant.apiKey, path, init);
  const choices = { connect: { store: 'woocommerce', stripe: true, quickbooks: true }, paymentMethods: ['card'], currencies: ['USD'] };
  const chooseCurrencies = (currencies: string[]) => api('/api/setup', { method: 'PUT', body: { choices: { ...choices, currencies } } });

  /** Runs the checks and answers the one asked about. */
  async function check(id: string) {
    const { status, body } = await api('/api/setup/preflight', { body: {} });
    expect(status).toBe(200);
    const run = (body as { preflight: PreflightRun }).preflight;
    return { outcome: run.results.find((r) => r.id === id)!.outcome as { status: string; problem?: string; fix?: string; action?: string }, passed: run.passed };
  }
  const connectStripeKeys = (keys: { secret_key: string; publishable_key: string }) =>
    api('/api/connections/stripe', { method: 'PUT', body: { secretKey: keys.secret_key, publishableKey: keys.publishable_key } });
  const qbCreate = async (entity: string, body: unknown) => {
    const r = await fetch(`${sandboxes.quickbooks.apiBaseUrl}${merchant.realmId}/${entity}?minorversion=75`, {
      method: 'POST', headers: { Authorization: `Bearer ${merchant.quickBooksAccessToken}`, 'Content-Type': 'application/json', Accept: 'application/json' }, body: JSON.stringify(body),
    });
    expect(r.status).toBe(200);
    return ((await r.json()) as Record<string, { Id: string }>)[entity === 'account' ? 'Account' : entity]!;
  };

  beforeAll(async () => {
    sandboxes = await startSandboxes();
    const port = await freePort();
    settle = await startSettleInProcess({
      PORT: String(port), PUBLIC_URL: `http://127.0.0.1:${port}`,
      STRIPE_API_BASE: sandboxes.stripe.url, QUICKBOOKS_API_BASE: sandboxes.quickbooks.apiBaseUrl, QUICKBOOKS_TOKEN_URL: sandboxes.quickbooks.tokenUrl,
    });
    merchant = await signUpAndConnect(settle.url, sandboxes, 'Preflight Pottery');
    expect((await api('/api/setup', { method: 'PUT', body: { step: 'preflight', choices } })).status).toBe(200);
    // Settle's webhooks in the store are made by the scheduled check (a worker); the fix below makes them here.
    await api('/api/setup/preflight/repair-store-webhooks', { body: {} });
  }, 120_000);
  afterAll(async () => {
    await settle?.close();
    await sandboxes?.close();
  });

  it('Stripe keys: a live key in test mode fails (real cards would be charged); the test keys pass', async () => {
    const live = sandboxes.stripe.createAccount({ livemode: true });
    expect((await connectStripeKeys(live)).status).toBe(200);
    const failing = await check('stripe_keys');
    expect(failing.outcome).toMatchObject({ status: 'problem' });
    expect(failing.outcome.problem).toContain('live key (sk_live_');
    expect(failing.outcome.fix).toContain('sk_test_');
    expect(failing.passed).toBe(false);

    await connectStripeKeys(merchant.stripeAccount);
    expect((await check('stripe_keys')).outcome.status).toBe('ok');
  });

  it('Stripe keys: going live with test keys is refused, Settle stays in test mode on its test keys', async () => {
    const refused = await api('/api/setup/go-live', { body: { secretKey: merchant.stripeAccount.secret_key, publishableKey: merchant.stripeAccount.publishable_key } });
    expect(refused.status).toBe(409);
    const keys = (refused.body as { preflight: PreflightRun }).preflight.results.find((r) => r.id === 'stripe_keys')!.outcome as { problem: string };
    expect(keys.problem).toContain('test key');
    const { body } = await api('/api/setup');
    expect(body.setup.mode).toBe('test');
    expect(body.setup.completedAt).toBeNull();
  });

  it('Stripe webhooks: a signing secret rolled in the Stripe Dashboard fails the signed test delivery; "Register the webhook again" passes', async () => {
    expect((await check('stripe_webhooks')).outcome.status).toBe('ok');
    const [endpoint] = sandboxes.stripe.webhookEndpoints(merchant.stripeAccount.id);
    sandboxes.stripe.rollWebhookSecret(endpoint!.id);
    const failing = await check('stripe_webhooks');
    expect(failing.outcome).toMatchObject({ status: 'problem', action: 'renew_stripe_webhook' });
    expect(failing.outcome.problem).toContain('did not accept it');

    expect((await api('/api/setup/preflight/renew-stripe-webhook', { body: {} })).status).toBe(200);
    const canceled = async () => (await settle.services.db.query(`SELECT 1 FROM inbox WHERE merchant_id = $1 AND event_type = 'payment_intent.canceled'`, [merchant.merchantId])).length;
    const before = await canceled();
    expect((await check('stripe_webhooks')).outcome).toMatchObject({ status: 'ok' });
    // What made it pass: Stripe's event, signed with the new endpoint's secret, accepted by Settle's webhook route.
    expect(await canceled()).toBe(before + 1);
    expect(sandboxes.stripe.webhookEndpoints(merchant.stripeAccount.id).map((e) => e.id)).not.toContain(endpoint!.id);
  });

  it('Stripe webhooks: Settle\'s endpoint deleted in the Stripe Dashboard fails; "Register the webhook again" passes', async () => {
    const stripe = stripeClient(merchant.stripeAccount.secret_key, sandboxes.stripe.url);
    const [endpoint] = (await stripe.webhookEndpoints.list()).data;
    await stripe.webhookEndpoints.del(endpoint!.id);
    const failing = await check('stripe_webhooks');
    expect(failing.outcome.problem).toContain('gone from your Stripe account');
    await api('/api/setup/preflight/renew-stripe-webhook', { body: {} });
    expect((await check('stripe_webhooks')).outcome.status).toBe('ok');
  });

  it('store webhooks: one WooCommerce turned off after failed deliveries fails; "Turn webhooks back on" passes', async () => {
    expect((await check('store_webhooks')).outcome.status).toBe('ok');
    const hooks = (await merchant.woo.get('webhooks', { status: 'all' })).data as { id: number; topic: string }[];
    const updated = hooks.find((h) => h.topic === 'order.updated')!;
    await merchant.woo.put(`webhooks/${updated.id}`, { status: 'disabled' });
    const failing = await check('store_webhooks');
    expect(failing.outcome).toMatchObject({ status: 'problem', action: 'repair_store_webhooks' });
    expect(failing.outcome.problem).toContain('order.updated (turned off by the store after failed deliveries)');

    expect((await api('/api/setup/preflight/repair-store-webhooks', { body: {} })).body).toEqual({ repaired: 1 });
    expect((await check('store_webhooks')).outcome.status).toBe('ok');
  });

  it('QuickBooks accounts: "Stripe clearing" as an Income account fails; mapped to a Bank account it passes', async () => {
    expect((await check('books_accounts')).outcome.status).toBe('ok');
    await qbCreate('account', { Name: 'Stripe clearing', AccountType: 'Income', AccountSubType: 'SalesOfProductIncome' });
    const failing = await check('books_accounts');
    expect(failing.outcome.status).toBe('problem');
    expect(failing.outcome.problem).toContain('"Stripe clearing" (for Stripe clearing) is an Income account; it must be Bank or Other Current Asset');

    const bank = await qbCreate('account', { Name: 'Stripe balance', AccountType: 'Bank', AccountSubType: 'Checking' });
    await new BooksMapping(settle.services.db, merchant.merchantId).set('account:stripe_clearing', bank.Id); // what the mapping step saves
    expect((await check('books_accounts')).outcome.status).toBe('ok');
  });

  it('QuickBooks accounts: an account mapped but gone from QuickBooks fails', async () => {
    const mapping = new BooksMapping(settle.services.db, merchant.merchantId);
    await mapping.set('account:processing_fees', '999999');
    expect((await check('books_accounts')).outcome.problem).toContain('"Payment processing fees" is mapped to an account QuickBooks no longer has');
    await settle.services.db.query(`DELETE FROM books_mapping WHERE merchant_id = $1 AND key = 'account:processing_fees'`, [merchant.merchantId]);
    expect((await check('books_accounts')).outcome.status).toBe('ok');
  });

  it('currencies: one the Stripe account cannot take (CHF) fails; without it, passes', async () => {
    await chooseCurrencies(['USD', 'CHF']);
    const failing = await check('currencies');
    expect(failing.outcome.problem).toContain('cannot take payments in CHF');
    await chooseCurrencies(['USD']);
    expect((await check('currencies')).outcome.status).toBe('ok');
  });

  it('store currency: a store selling in EUR while Settle takes USD fails; adding EUR passes', async () => {
    await merchant.woo.put('settings/general/woocommerce_currency', { value: 'EUR' });
    const failing = await check('store_currency');
    expect(failing.outcome.problem).toContain('Your store sells in EUR, but Settle is set to take USD');
    await chooseCurrencies(['USD', 'EUR']);
    expect((await check('store_currency')).outcome.status).toBe('ok');
    await merchant.woo.put('settings/general/woocommerce_currency', { value: 'USD' });
    await chooseCurrencies(['USD']);
  });

  it('all checks pass once every fix is made', async () => {
    const { body } = await api('/api/setup/preflight', { body: {} });
    expect((body as { preflight: PreflightRun }).preflight.results.filter((r) => r.outcome.status !== 'ok')).toEqual([]);
    expect((await api('/api/setup')).body.setup.preflight.passed).toBe(true);
  });
});
