/**
 * The QuickBooks mapping step and what it changes in the books, end to end over HTTP: the merchant
 * picks or creates the account for each ledger role (a wrong type is refused), maps products by
 * SKU to QuickBooks items, and then a sale's receipt in the QuickBooks sandbox names each product's
 * item (the fallback item for a SKU without one) and the customer QuickBooks already has for the
 * shopper's email. An item deleted in QuickBooks and a closed period send the receipt to review.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../connectors/database/open';
import type { Database } from '../../core/storage/database';
import { TEST_DATABASE_URL } from '../support/databases';
import { eventually } from '../support/settle-process';
import { startSettleStack, type SettleStack } from '../support/stack';
import { merchantApi, payAsShopper, readBooks, signUpAndConnect, startCheckout, type ConnectedMerchant } from '../support/journey';

type QbEntity = Record<string, unknown> & { Id: string };
interface Choice { id: string; name: string; type?: string; sku?: string | null }
interface MappingView {
  accounts: { role: string; name: string; account: Choice | null; candidates: Choice[]; suggestion: { kind: string; account?: Choice; name?: string } | null }[];
  items: { fallback: Choice | null; products: { sku: string; name: string; item: Choice | null; source: string; missing: boolean }[]; candidates: Choice[] };
  customers: { rule: string };
}

describe('QuickBooks mapping step, end to end', { timeout: 240_000 }, () => {
  let stack: SettleStack;
  let db: Database;

  beforeAll(async () => {
    stack = await startSettleStack();
    db = await openDatabase({ databaseUrl: TEST_DATABASE_URL, dataDir: '', schema: stack.env.DATABASE_SCHEMA });
  }, 120_000);
  afterAll(async () => {
    await db?.close();
    await stack?.stop();
  });

  /** What the bookkeeper already has in QuickBooks, made through the company's API as QuickBooks' own screens would. */
  const inQuickBooks = async (m: ConnectedMerchant, entity: string, body: Record<string, unknown>, operation?: string): Promise<QbEntity> => {
    const url = `${stack.sandboxes.quickbooks.apiBaseUrl}${m.realmId}/${entity.toLowerCase()}?minorversion=75${operation ? `&operation=${operation}` : ''}`;
    const response = await fetch(url, { method: 'POST', headers: { Authorization: `Bearer ${m.quickBooksAccessToken}`, 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
    const json = (await response.json()) as Record<string, QbEntity>;
    if (!response.ok) throw new Error(`${entity}: ${JSON.stringify(json)}`);
    return json[entity]!;
  };
  const mapping = async (m: ConnectedMerchant) => {
    const { status, body } = await merchantApi(stack.settleUrl, m.apiKey, '/api/books/mapping');
    expect(status).toBe(200);
    return body.mapping as MappingView;
  };
  const put = (m: ConnectedMerchant, path: string, body: unknown) => merchantApi(stack.settleUrl, m.apiKey, `/api/books/mapping/${path}`, { method: 'PUT', body });
  const role = (view: MappingView, name: string) => view.accounts.find((a) => a.role === name)!;

  /** A shopper (ada@example.com) buys `lines` in the WooCommerce store and pays by card. */
  async function sale(m: ConnectedMerchant, lines: { productId: number; quantity: number }[], shipping = '10.00') {
    const order = (await m.woo.post('orders', {
      status: 'pending', currency: 'USD',
      billing: { first_name: 'Ada', last_name: 'Shopper', email: 'ada@example.com' },
      line_items: lines.map((l) => ({ product_id: l.productId, quantity: l.quantity })),
      shipping_lines: [{ method_id: 'flat_rate', method_title: 'Flat rate', total: shipping }],
    })).data as { id: number; total: string };
    const checkout = await startCheckout(stack.settleUrl, m.apiKey, order.id);
    expect(await payAsShopper(stack.settleUrl, checkout.payment.id)).toBe('succeeded');
    return order;
  }
  const product = async (m: ConnectedMerchant, name: string, sku: string, price: string) =>
    (await m.woo.post('products', { name, sku, regular_price: price, manage_stock: true, stock_quantity: 50 })).data as { id: number };
  const reviewItems = (merchantId: string) =>
    db.query<{ part: string; fault_code: string; explanation: string }>(
      'SELECT part, fault_code, explanation FROM books_review_items WHERE merchant_id = $1 AND resolved_at IS NULL ORDER BY id', [merchantId]);

  it('pick, create, a wrong type refused, SKUs mapped; the receipt names each product\'s item and the customer QuickBooks has', async () => {
    const m = await signUpAndConnect(stack.settleUrl, stack.sandboxes, 'Mapping Mugs');
    const checking = await inQuickBooks(m, 'Account', { Name: 'Checking', AccountType: 'Bank', AccountSubType: 'Checking' });
    const sales = await inQuickBooks(m, 'Account', { Name: 'Sales', AccountType: 'Income', AccountSubType: 'SalesOfProductIncome' });
    const mugItem = await inQuickBooks(m, 'Item', { Name: 'Blue mug', Sku: 'MUG-BLUE', Type: 'Service', IncomeAccountRef: { value: sales.Id } });
    const teeItem = await inQuickBooks(m, 'Item', { Name: 'Tee shirts', Type: 'Service', IncomeAccountRef: { value: sales.Id } });
    const ada = await inQuickBooks(m, 'Customer', { DisplayName: 'Ada Lovelace', PrimaryEmailAddr: { Address: 'ada@example.com' } });
    const mug = await product(m, 'Blue mug', 'MUG-BLUE', '30.00');
    const tee = await product(m, 'Red tee', 'TEE-RED', '20.00');
    const hat = await product(m, 'Sun hat', 'HAT-1', '15.00');

    const before = await mapping(m);
    // Sales is the company's only product-sales income account: suggested; nothing fits the fees yet: create.
    expect(role(before, 'income')).toMatchObject({ name: 'Sales income', account: null, suggestion: { kind: 'existing', account: { id: sales.Id, name: 'Sales' } } });
    expect(role(before, 'dispute_fees').suggestion).toEqual({ kind: 'create', name: 'Dispute fees', type: 'Expense' });
    expect(role(before, 'income').candidates.map((c) => c.name)).toEqual(['Sales']);
    expect(role(before, 'bank').candidates.map((c) => c.name)).toEqual(['Checking']);
    expect(before.items.products.map((p) => [p.sku, p.source, p.item?.name ?? null])).toEqual([
      ['HAT-1', 'fallback', null], ['MUG-BLUE', 'sku', 'Blue mug'], ['TEE-RED', 'fallback', null],
    ]);
    expect(before.customers.rule).toBe('match_by_email_or_create');

    // A bank account cannot take sales income: refused with a plain message, nothing mapped.
    const wrong = await put(m, 'accounts/income', { accountId: checking.Id });
    expect(wrong).toEqual({ status: 422, body: { error: { code: 'wrong_account_type', message: '“Checking” is a Bank account; Sales income needs an Income or an Other Income account.' } } });
    expect(role(await mapping(m), 'income').account).toBeNull();

    expect((await put(m, 'accounts/income', { accountId: sales.Id })).status).toBe(200);
    const created = await put(m, 'accounts/processing_fees', { create: true });
    expect(created.status).toBe(200);
    expect(role(created.body.mapping, 'processing_fees').account).toMatchObject({ name: 'Payment processing fees', type: 'Expense' });
    expect((await put(m, 'accounts/bank', { accountId: checking.Id })).status).toBe(200);
    expect((await put(m, 'items/TEE-RED', { itemId: teeItem.Id })).status).toBe(200);
    expect((await put(m, 'items/TEE-RED', { itemId: '99999' })).status).toBe(422);
    const applied = await merchantApi(stack.settleUrl, m.apiKey, '/api/books/mapping/apply-suggestions', { method: 'POST', body: {} });
    expect(applied.status).toBe(200);
    const after = applied.body.mapping as MappingView;
    expect(after.accounts.filter((a) => a.account === null)).toEqual([]);
    expect({ income: role(after, 'income').account?.name, bank: role(after, 'bank').account?.name, clearing: role(after, 'stripe_clearing').account?.name })
      .toEqual({ income: 'Sales', bank: 'Checking', clearing: 'Stripe clearing' });
    expect(after.items.fallback?.name).toBe('Sales income (Settle)');
    expect(after.items.products.map((p) => [p.sku, p.source, p.item?.name])).toEqual([
      ['HAT-1', 'fallback', 'Sales income (Settle)'], ['MUG-BLUE', 'sku', 'Blue mug'], ['TEE-RED', 'mapped', 'Tee shirts'],
    ]);

    await sale(m, [{ productId: mug.id, quantity: 2 }, { productId: tee.id, quantity: 1 }, { productId: hat.id, quantity: 1 }]);
    const receipt = await eventually(async () => (await readBooks(stack.sandboxes, m.realmId)).documents.SalesReceipt?.[0], (r) => r !== undefined, 60_000) as QbEntity;
    const lines = (receipt.Line as { Amount: number; DetailType: string; SalesItemLineDetail?: { ItemRef: { value: string }; Qty: number } }[])
      .filter((l) => l.DetailType === 'SalesItemLineDetail')
      .map((l) => [l.SalesItemLineDetail!.ItemRef.value, l.SalesItemLineDetail!.Qty, l.Amount]);
    const books = await readBooks(stack.sandboxes, m.realmId);
    const itemNamed = (name: string) => (books.documents.Item ?? []).find((i) => i.Name === name)!.Id;
    expect(lines).toEqual([
      [mugItem.Id, 2, 60], [teeItem.Id, 1, 20], [itemNamed('Sales income (Settle)'), 1, 15], [itemNamed('Shipping income (Settle)'), 1, 10],
    ]);
    expect(receipt.TotalAmt).toBe(105);
    // The shopper is the customer QuickBooks already had for her email, not a second one.
    expect(receipt.CustomerRef).toMatchObject({ value: ada.Id });
    expect((books.documents.Customer ?? []).filter((c) => ((c as Record<string, unknown>).PrimaryEmailAddr as { Address?: string } | undefined)?.Address === 'ada@example.com').length).toBe(1);
    const balance = (name: string) => (books.documents.Account ?? []).find((a) => a.Name === name)?.CurrentBalance;
    expect({ sales: balance('Sales'), shipping: balance('Shipping income') }).toEqual({ sales: 95, shipping: 10 });

    // The bookkeeper deletes the tee item in QuickBooks: the next tee sale waits for review, naming the SKU.
    await inQuickBooks(m, 'Item', { Id: teeItem.Id, SyncToken: String(teeItem.SyncToken), sparse: true, Active: false }, 'update');
    await sale(m, [{ productId: tee.id, quantity: 1 }]);
    const review = await eventually(() => reviewItems(m.merchantId), (r) => r.length > 0, 60_000);
    expect(review).toEqual([{ part: 'receipt', fault_code: '610', explanation: 'Item TEE-RED is not in QuickBooks: map it or create it.' }]);
    expect((await readBooks(stack.sandboxes, m.realmId)).documents.SalesReceipt?.length).toBe(1);
    expect((await mapping(m)).items.products.find((p) => p.sku === 'TEE-RED')).toMatchObject({ source: 'mapped', missing: true });
  });

  it('a sale dated in the period QuickBooks has closed goes to review, and nothing is posted there', async () => {
    const m = await signUpAndConnect(stack.settleUrl, stack.sandboxes, 'Closed Books Cafe');
    const tomorrow = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
    const dayAfter = new Date(Date.now() + 2 * 86_400_000).toISOString().slice(0, 10);
    await stack.sandboxes.quickbooks.setBookCloseDate(m.realmId, tomorrow);
    const cup = await product(m, 'Cup', 'CUP-1', '12.00');
    await sale(m, [{ productId: cup.id, quantity: 1 }], '0.00');

    const review = await eventually(() => reviewItems(m.merchantId), (r) => r.length >= 2, 60_000);
    const explanation = `QuickBooks' books are closed up to ${tomorrow}; approve to post it dated ${dayAfter}, or post it in the closed period after the bookkeeper reopens it.`;
    expect(review).toEqual([
      { part: 'receipt', fault_code: '6200', explanation },
      { part: 'fee', fault_code: '6200', explanation },
    ]);
    const books = (await readBooks(stack.sandboxes, m.realmId)).documents;
    expect({ receipts: books.SalesReceipt?.length ?? 0, fees: books.Purchase?.length ?? 0 }).toEqual({ receipts: 0, fees: 0 });
  });
});
