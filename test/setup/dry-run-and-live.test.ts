/**
 * The end of setup over HTTP, with Settle's server and worker running as in production: progress
 * kept between visits, the dry run (a test order paid in the store with stock lowered, a test
 * payout, the QuickBooks documents shown and nothing posted, the test card released), and the
 * switch to live with live keys once every check passes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSettleStack, type SettleStack } from '../support/stack';
import { merchantApi, readBooks, signUpAndConnect, stripeDashboard, type ConnectedMerchant } from '../support/journey';
import type { DryRunView } from '../../core/setup/dry-run';

const documentCount = (books: Awaited<ReturnType<typeof readBooks>>) =>
  Object.entries(books.documents).filter(([type]) => !['Account', 'Item', 'Customer'].includes(type)).reduce((n, [, list]) => n + list.length, 0);

describe('setup: progress, dry run, going live', { timeout: 180_000 }, () => {
  let stack: SettleStack;
  let merchant: ConnectedMerchant;
  let productId: number;
  const api = (path: string, init: { method?: string; body?: unknown } = {}) => merchantApi(stack.settleUrl, merchant.apiKey, path, init);
  const choices = { connect: { store: 'woocommerce', stripe: true, quickbooks: true }, paymentMethods: ['card'], currencies: ['USD'] };

  beforeAll(async () => {
    stack = await startSettleStack();
    merchant = await signUpAndConnect(stack.settleUrl, stack.sandboxes, 'Dry Run Deli');
    productId = Number(stack.sandboxes.woo.createProduct({ name: 'Olive oil', regular_price: '18.50', manage_stock: true, stock_quantity: 7, status: 'publish' }).id);
  }, 120_000);
  afterAll(async () => { await stack?.stop(); });

  it('a merchant who leaves comes back to the same step with the same choices; bad input changes nothing', async () => {
    expect((await api('/api/setup')).body).toMatchObject({ setup: { step: 'choose', mode: 'test', arrivedFrom: 'woocommerce' } });
    expect((await api('/api/setup', { method: 'PUT', body: { step: 'payments', choices: { ...choices, currencies: ['usd', 'eur'] } } })).status).toBe(200);
    const refused = await api('/api/setup', { method: 'PUT', body: { step: 'nowhere' } });
    expect(refused.status).toBe(400);
    expect(refused.body.error.code).toBe('invalid_request');
    const back = (await api('/api/setup')).body;
    expect(back.setup).toMatchObject({ step: 'payments', choices: { currencies: ['USD', 'EUR'], connect: { store: 'woocommerce' } } });
    expect(back.needed).toBe(true);
    await api('/api/setup', { method: 'PUT', body: { step: 'dry_run', choices } });
  });

  it('another merchant sees only their own setup', async () => {
    const other = await merchantApi(stack.settleUrl, (await (await fetch(`${stack.settleUrl}/api/merchants`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ name: 'Elsewhere' }) })).json() as { apiKey: string }).apiKey, '/api/setup');
    expect(other.body.setup).toMatchObject({ step: 'choose', updatedAt: null });
  });

  it('the dry run pays a test order in the store (stock down), shows the QuickBooks documents, posts none, and releases the card', async () => {
    const booksBefore = documentCount(await readBooks(stack.sandboxes, merchant.realmId));
    const started = await api('/api/setup/dry-run', { body: {} });
    expect(started.status).toBe(202);
    expect(started.body.dryRun.status).toBe('running');
    let run: DryRunView;
    const seen = new Set<string>();
    for (;;) {
      run = (await api('/api/setup/dry-run')).body.dryRun as DryRunView;
      for (const s of run.steps) seen.add(`${s.id}:${s.status}`);
      if (run.status !== 'running') break;
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(run.error).toBeNull();
    expect(run.status).toBe('done');
    expect(run.steps.map((s) => s.status)).toEqual(['done', 'done', 'done', 'done', 'done']);

    // The store: a paid order for the product, its stock one lower.
    const order = (await merchant.woo.get(`orders/${run.order!.id}`)).data as { status: string; date_paid: string | null; transaction_id: string };
    expect(order.status).toBe('processing');
    expect(order.date_paid).not.toBeNull();
    expect(run.order).toMatchObject({ product: 'Olive oil', stockBefore: 7, stockAfter: 6 });
    expect(((await merchant.woo.get(`products/${productId}`)).data as { stock_quantity: number }).stock_quantity).toBe(6);

    // The documents QuickBooks would get: the sale's receipt into Stripe clearing, the payout's transfer to the bank.
    expect(run.documents.map((d) => [d.kind, d.entity])).toEqual([['sale_receipt', 'SalesReceipt'], ['transfer', 'Transfer']]);
    const [receipt, transfer] = run.documents;
    expect(receipt!.lines).toEqual([
      { account: 'Stripe clearing', debit: { amount: 1850, currency: 'USD' }, credit: null },
      { account: 'Sales income', debit: null, credit: { amount: 1850, currency: 'USD' } },
    ]);
    expect(receipt!.body).toMatchObject({ DepositToAccountRef: { value: 'Stripe clearing' }, Line: [{ Amount: 18.5, SalesItemLineDetail: { ItemRef: { value: 'Sales income (Settle)' } } }] });
    expect(transfer!.body).toMatchObject({ FromAccountRef: { value: 'Stripe clearing' }, ToAccountRef: { value: 'Bank' }, Amount: 18.5 });

    // Stripe: the test card was only held, and the hold is released.
    const intent = await stripeDashboard(stack.sandboxes, merchant).paymentIntents.retrieve(run.payment!.reference);
    expect(intent.status).toBe('canceled');
    expect(order.transaction_id).toBe(intent.id);

    // Nothing reached the books, even after the worker has handled Stripe's webhooks for the test card.
    await stack.sandboxes.stripe.webhooksIdle();
    await new Promise((r) => setTimeout(r, 3000));
    expect(documentCount(await readBooks(stack.sandboxes, merchant.realmId))).toBe(booksBefore);
    expect((await api('/api/payments')).body.balances.filter((b: { balance: number }) => b.balance !== 0)).toEqual([]);
  });

  it('going live with live keys runs every check for live mode, then switches', async () => {
    await api('/api/setup/preflight/repair-store-webhooks', { body: {} });
    const live = stack.sandboxes.stripe.createAccount({ livemode: true });
    const switched = await api('/api/setup/go-live', { body: { secretKey: live.secret_key, publishableKey: live.publishable_key } });
    expect(switched.body.setup?.preflight?.results?.filter((r: { outcome: { status: string } }) => r.outcome.status === 'problem') ?? switched.body).toEqual([]);
    expect(switched.status).toBe(200);
    expect(switched.body.setup).toMatchObject({ mode: 'live', preflight: { mode: 'live', passed: true } });
    expect(switched.body.setup.completedAt).not.toBeNull();
    expect(switched.body.needed).toBe(false);
    const stripe = (await api('/api/connections')).body.connections.find((c: { platform: string }) => c.platform === 'stripe');
    expect(stripe.settings.publishableKey).toBe(live.publishable_key);
    // The dry run pays with a test card: refused once live.
    expect((await api('/api/setup/dry-run', { body: {} })).body.error.code).toBe('dry_run_needs_test_mode');
  });
});
