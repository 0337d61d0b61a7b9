/**
 * The Shopify store port against a stand-in shop that validates and executes every request with
 * Shopify's real 2026-07 Admin schema (fake-shop.ts): what a merchant would see in Shopify admin
 * after each call — the order's financial status, its note, its refunds, the stock of a variant.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { money } from '../../../core/money';
import { ShopifyGraphql } from '../../../connectors/shopify/graphql/client';
import { ShopifyStore } from '../../../connectors/shopify/store';
import { FAKE_TOKEN, startFakeShop, type FakeShop } from './fake-shop';
import type { Shopify } from '@shopify/shopify-api';

let fake: Awaited<ReturnType<typeof startFakeShop>>;
let shop: FakeShop;
let store: ShopifyStore;
let shopify: Shopify;

beforeAll(async () => {
  fake = await startFakeShop();
  shopify = fake.shopify;
});
afterAll(() => fake.close());

beforeEach(() => {
  shop = fake.shop;
  shop.orders = [];
  shop.variants = [
    { id: shop.id('ProductVariant'), sku: 'MUG-BLUE', title: 'Blue mug', price: '12.50', stock: 10 },
    { id: shop.id('ProductVariant'), sku: 'TEA-1KG', title: 'Tea, 1 kg', price: '20.00', stock: 4 },
  ];
  store = new ShopifyStore(new ShopifyGraphql(shopify, { shop: shop.shop, accessToken: FAKE_TOKEN }));
});

const counterSale = (paymentId = 'pay_counter_1') => ({
  paymentId, startedAt: new Date('2026-11-30T10:00:00Z'), transactionId: 'pi_3Counter', paymentTitle: 'Card at the counter (Settle)',
  lines: [
    { name: 'MUG-BLUE', quantity: 3, total: money(3750, 'EUR') },
    { name: 'TEA-1KG', quantity: 3, total: money(6000 - 1, 'EUR') },
    { name: 'Gift wrapping', quantity: 1, total: money(200, 'EUR') },
  ],
  customer: { email: 'ada@example.com', name: 'Ada Lovelace' },
  note: 'Settle: counter sale S-1, paid 99.49 EUR by card at the counter (pi_3Counter).',
});

describe('ShopifyStore', () => {
  it('prices a payment link\'s line from the variant as Shopify sells it now, and finds variants by the merchant\'s words', async () => {
    const [mug, tea] = shop.variants;
    expect(await store.productForSale(mug!.id, 'EUR')).toEqual({ id: mug!.id, name: 'Blue mug', sku: 'MUG-BLUE', unitPrice: money(1250, 'EUR'), purchasable: true, available: 10 });
    tea!.stock = 0;
    expect(await store.productForSale(tea!.id, 'EUR')).toMatchObject({ purchasable: false, available: 0 });
    expect(await store.productForSale('42', 'EUR')).toBeUndefined(); // a WooCommerce-style id names no Shopify variant
    expect(await store.productForSale('gid://shopify/ProductVariant/999999', 'EUR')).toBeUndefined();
    // Found by title or SKU; what Shopify would not sell now is left out of the picker.
    expect((await store.findProducts('mug', 'EUR')).map((p) => p.sku)).toEqual(['MUG-BLUE']);
    expect(await store.findProducts('tea', 'EUR')).toEqual([]);
  });

  it('records a counter sale as a paid order, stock down, total to the cent, once', async () => {
    const first = await store.recordSaleMadeElsewhere(counterSale());
    expect(first.number).toBe('#1001');
    expect(first.orderId).toMatch(/^gid:\/\/shopify\/Order\/\d{18,}$/);
    expect(shop.stockOf('MUG-BLUE')).toBe(7);
    expect(shop.stockOf('TEA-1KG')).toBe(1);
    const order = await store.getOrder(first.orderId);
    expect(order).toMatchObject({ number: '#1001', status: 'paid', needsPayment: false, paid: true, total: money(9949, 'EUR'), customer: { email: 'ada@example.com' } });
    // The tea's 59.99 does not split in three: two at 19.99 and one at 20.01, all from the tea's stock.
    expect(order.lines.map((l) => [l.name, l.quantity, l.total.amount])).toEqual([
      ['Blue mug', 3, 3750], ['Tea, 1 kg', 2, 3998], ['Tea, 1 kg', 1, 2001], ['Gift wrapping', 1, 200],
    ]);
    expect(shop.customers.get('ada@example.com')).toEqual({ email: 'ada@example.com', firstName: 'Ada', lastName: 'Lovelace' });

    const again = await store.recordSaleMadeElsewhere(counterSale());
    expect(again).toEqual(first);
    expect(shop.orders).toHaveLength(1);
    expect(shop.stockOf('MUG-BLUE')).toBe(7);
  });

  it('marks an unpaid order paid once, with a note naming the payment', async () => {
    const placed = shop.placeOrder([{ sku: 'MUG-BLUE', quantity: 2, total: money(2500, 'EUR') }]);
    expect((await store.getOrder(placed.id)).needsPayment).toBe(true);
    const input = { orderId: placed.id, transactionId: 'pi_3Paid', paymentTitle: 'Card (Settle)', note: 'Settle: paid 25.00 EUR by card (pi_3Paid).' };
    await store.markOrderPaid(input);
    await store.markOrderPaid(input);
    const order = await store.getOrder(placed.id);
    expect(order).toMatchObject({ status: 'paid', paid: true, needsPayment: false });
    expect(placed.transactions).toHaveLength(1);
    expect(placed.note).toBe('Settle: paid 25.00 EUR by card (pi_3Paid).');
  });

  it('refuses to mark paid an order someone else already took payment for', async () => {
    const placed = shop.placeOrder([{ sku: 'MUG-BLUE', quantity: 1, total: money(1250, 'EUR') }]);
    placed.transactions.push({ id: shop.id('OrderTransaction'), kind: 'SALE', status: 'SUCCESS', gateway: 'shopify_payments', manualPaymentGateway: false, amount: money(1250, 'EUR') });
    await expect(store.markOrderPaid({ orderId: placed.id, transactionId: 'pi_3Other', paymentTitle: 'Card (Settle)', note: 'Settle: paid.' }))
      .rejects.toMatchObject({ code: 'order_paid_elsewhere', status: 409 });
    expect(placed.note).toBeNull();
  });

  it("shows Settle's refund on the order once, and says so when it later failed", async () => {
    const { orderId } = await store.recordSaleMadeElsewhere(counterSale('pay_counter_2'));
    const refund = { orderId, refundId: 're_settle_1', amount: money(1250, 'EUR'), reason: 'Chipped mug', status: 'succeeded' as const };
    await store.syncRefund(refund);
    await store.syncRefund(refund);
    const order = await store.getOrder(orderId);
    expect(order.refunded).toEqual(money(1250, 'EUR'));
    expect(order.status).toBe('partially_refunded');
    expect(shop.orders[0]!.refunds.map((r) => r.note)).toEqual(['Chipped mug [Settle re_settle_1]']);

    await store.syncRefund({ ...refund, status: 'failed' });
    expect(shop.orders[0]!.note).toContain('the refund of 12.50 EUR failed at the card issuer');
  });

  it('two workers recording the same refund at once make one Shopify refund (its @idempotent key)', async () => {
    const { orderId } = await store.recordSaleMadeElsewhere(counterSale('pay_counter_3'));
    const refund = { orderId, refundId: 're_settle_3', amount: money(3750, 'EUR'), reason: 'Returned mugs', status: 'succeeded' as const };
    const other = new ShopifyStore(new ShopifyGraphql(shopify, { shop: shop.shop, accessToken: FAKE_TOKEN }));
    await Promise.all([store.syncRefund(refund), other.syncRefund(refund)]);
    expect(shop.orders[0]!.refunds).toHaveLength(1);
    expect((await store.getOrder(orderId)).refunded).toEqual(money(3750, 'EUR'));
  });

  it('never asks a processing gateway to refund again: the refund is noted instead', async () => {
    const placed = shop.placeOrder([{ sku: 'MUG-BLUE', quantity: 1, total: money(1250, 'EUR') }]);
    placed.transactions.push({ id: shop.id('OrderTransaction'), kind: 'SALE', status: 'SUCCESS', gateway: 'settle-payments-app', manualPaymentGateway: false, amount: money(1250, 'EUR') });
    await store.syncRefund({ orderId: placed.id, refundId: 're_settle_2', amount: money(1250, 'EUR'), reason: null, status: 'succeeded' });
    expect(placed.refunds).toEqual([]);
    expect(placed.note).toBe('Settle: refunded 12.50 EUR to the shopper (refund). [Settle re_settle_2]');
  });

  it('keeps one copy of a note and the merchant\'s own words above it', async () => {
    const placed = shop.placeOrder([{ sku: 'TEA-1KG', quantity: 1, total: money(2000, 'EUR') }]);
    placed.note = 'Gift: no invoice in the parcel';
    await store.addOrderNote({ orderId: placed.id, note: 'Settle: authorization released.' });
    await store.addOrderNote({ orderId: placed.id, note: 'Settle: authorization released.' });
    expect(placed.note).toBe('Gift: no invoice in the parcel\nSettle: authorization released.');
  });

  it('accepts an order id as a number (kept as text) and refuses anything else', async () => {
    const placed = shop.placeOrder([{ sku: 'TEA-1KG', quantity: 1, total: money(2000, 'EUR') }]);
    const numeric = placed.id.split('/').pop()!;
    expect((await store.getOrder(numeric)).id).toBe(placed.id);
    await expect(store.getOrder('1; drop')).rejects.toMatchObject({ code: 'invalid_order_id' });
  });

  it('lists the orders changed since the last sweep, over every page', async () => {
    for (let i = 0; i < 120; i++) {
      const order = shop.placeOrder([{ sku: 'TEA-1KG', quantity: 1, total: money(2000, 'EUR') }]);
      order.updatedAt = new Date(Date.UTC(2026, 10, 30, 8, 0, i)).toISOString();
    }
    const changed = await store.changedOrdersSince(new Date(Date.UTC(2026, 10, 30, 8, 0, 15)));
    expect(changed).toHaveLength(105);
    expect(changed[0]?.number).toBe('#1016');
    expect(new Set(changed.map((o) => o.id)).size).toBe(105);
  });
});
