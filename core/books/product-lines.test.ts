import { describe, expect, it } from 'vitest';
import { productLines } from './product-lines';

const usd = (amount: number) => ({ amount, currency: 'USD' });
const line = (sku: string, quantity: number, total: { amount: number; currency: string }) => ({ name: sku, sku, quantity, total });

describe('a sale\'s income split over the order\'s products', () => {
  it('uses the order\'s line totals when they add up to the income', () => {
    expect(productLines(usd(8000), [line('MUG', 2, usd(6000)), line('TEE', 1, usd(2000))]).map((l) => [l.sku, l.quantity, l.amount.amount]))
      .toEqual([['MUG', 2, 6000], ['TEE', 1, 2000]]);
  });

  it('shares converted income by weight, the cents rounding leaves going to the largest remainders, to the cent', () => {
    // EUR 100.01 of products booked as USD 110.01: shares of 3667.7, 3666.6 and 3666.6 cents.
    const lines = productLines(usd(11001), [line('A', 1, { amount: 3334, currency: 'EUR' }), line('B', 1, { amount: 3333, currency: 'EUR' }), line('C', 1, { amount: 3333, currency: 'EUR' })]);
    expect(lines.map((l) => l.amount)).toEqual([usd(3668), usd(3667), usd(3666)]);
    expect(lines.reduce((sum, l) => sum + l.amount.amount, 0)).toBe(11001);
    const discounted = productLines(usd(100), [line('A', 1, usd(1)), line('B', 1, usd(1)), line('C', 1, usd(1))]);
    expect(discounted.map((l) => l.amount.amount)).toEqual([34, 33, 33]);
  });

  it('has no product lines for an order without priced lines', () => {
    expect(productLines(usd(500), [])).toEqual([]);
    expect(productLines(usd(500), [line('FREE', 1, usd(0))])).toEqual([]);
  });
});
