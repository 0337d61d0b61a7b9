import { describe, expect, it } from 'vitest';
import { productForSaleFrom, type WooProduct } from './mapping';

const product = (fields: Partial<WooProduct>): WooProduct => ({
  id: 12, name: 'Beeswax candle', sku: 'BW-1', price: '12.50', purchasable: true,
  manage_stock: false, stock_quantity: null, stock_status: 'instock', backorders_allowed: false, ...fields,
});

// A payment link charges what the store charges, and refuses what the store would not sell.
describe('a WooCommerce product as a payment link sells it', () => {
  it('is priced at the current price (a sale price included) in the store currency\'s minor units', () => {
    expect(productForSaleFrom(product({ price: '9.99' }), 'USD')).toMatchObject({ id: '12', unitPrice: { amount: 999, currency: 'USD' }, purchasable: true });
    expect(productForSaleFrom(product({ price: '1500' }), 'JPY').unitPrice).toEqual({ amount: 1500, currency: 'JPY' });
    expect(productForSaleFrom(product({ price: '1.250' }), 'KWD').unitPrice).toEqual({ amount: 1250, currency: 'KWD' });
  });

  it('cannot be sold without a price or when the store says it is not purchasable', () => {
    expect(productForSaleFrom(product({ price: '' }), 'USD').purchasable).toBe(false);
    expect(productForSaleFrom(product({ purchasable: false }), 'USD').purchasable).toBe(false);
  });

  it('counts what is left only when the store counts stock and takes no backorders', () => {
    expect(productForSaleFrom(product({ manage_stock: true, stock_quantity: 3 }), 'USD').available).toBe(3);
    expect(productForSaleFrom(product({ manage_stock: true, stock_quantity: -2 }), 'USD').available).toBe(0);
    expect(productForSaleFrom(product({ manage_stock: true, stock_quantity: 0, backorders_allowed: true }), 'USD').available).toBeNull();
    expect(productForSaleFrom(product({ stock_status: 'outofstock' }), 'USD').available).toBe(0);
    expect(productForSaleFrom(product({}), 'USD').available).toBeNull();
  });
});
