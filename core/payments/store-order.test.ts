import { describe, expect, it } from 'vitest';
import { storeOrderOf } from './payments';

// Store jobs, books and reconciliation ask one question: is there a store order behind this payment?
describe('storeOrderOf', () => {
  it('names the store and order of a WooCommerce or Shopify payment', () => {
    expect(storeOrderOf({ storePlatform: 'woocommerce', orderId: '124' })).toEqual({ platform: 'woocommerce', orderId: '124' });
    expect(storeOrderOf({ storePlatform: 'shopify', orderId: 'gid://shopify/Order/9' })).toEqual({ platform: 'shopify', orderId: 'gid://shopify/Order/9' });
  });

  it('has none for a counter sale, a payment link or a subscription invoice', () => {
    expect(storeOrderOf({ storePlatform: 'counter', orderId: 'cs_1' })).toBeNull();
    expect(storeOrderOf({ storePlatform: 'link', orderId: 'ls_1' })).toBeNull();
    expect(storeOrderOf({ storePlatform: 'subscription', orderId: 'in_1' })).toBeNull();
  });
});
