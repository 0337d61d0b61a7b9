// The one place Settle rounds currencies for the books: a receipt the ledger holds in USD, paid by
// the shopper in another currency, converted back the way QuickBooks converts (line by line) must
// deposit exactly the ledger's amount, with a named rounding line when it would not.
import { describe, expect, it } from 'vitest';
import { money } from '../../core/money';
import { foreignReceipt, homeAmountOf } from './mapping';

const usd = (amount: number) => money(amount, 'USD');
const depositedHome = (r: ReturnType<typeof foreignReceipt>) =>
  [...r.lines.map((l) => l.amount), ...(r.rounding ? [r.rounding] : [])].reduce((sum, m) => sum + homeAmountOf(m, r.exchangeRate, 'USD').amount, 0);

describe('homeAmountOf (QuickBooks: amount × ExchangeRate, half up)', () => {
  it('rounds each amount half up to the home minor unit, across exponents', () => {
    expect(homeAmountOf(money(3333, 'EUR'), '1.0987', 'USD')).toEqual(usd(3662));
    expect(homeAmountOf(money(50, 'EUR'), '1.01', 'USD')).toEqual(usd(51)); // 0.505 → 0.51
    expect(homeAmountOf(money(-50, 'EUR'), '1.01', 'USD')).toEqual(usd(-51));
    expect(homeAmountOf(money(10000, 'JPY'), '0.006812', 'USD')).toEqual(usd(6812));
    expect(homeAmountOf(money(1000, 'USD'), '150.25', 'JPY')).toEqual(money(1503, 'JPY')); // 10.00 × 150.25 = 1502.5 → 1503
  });
});

describe('foreignReceipt', () => {
  it('scenario 4: USD 110.00 of income paid as EUR 100.00 is EUR 100.00 at 1.1, no rounding line', () => {
    expect(foreignReceipt([{ role: 'income', amount: usd(11000) }], money(10000, 'EUR'))).toEqual({
      exchangeRate: '1.1', lines: [{ role: 'income', amount: money(10000, 'EUR') }],
    });
  });

  it('keeps the foreign total and the ledger’s home total when the lines split unevenly', () => {
    const lines = [{ role: 'income' as const, amount: usd(8790) }, { role: 'shipping_income' as const, amount: usd(1099) }, { role: 'sales_tax_payable' as const, amount: usd(790) }];
    const r = foreignReceipt(lines, money(9720, 'EUR'));
    expect(r.exchangeRate).toBe('1.098663');
    expect(r.lines.reduce((sum, l) => sum + l.amount.amount, 0)).toBe(9720);
    expect(depositedHome(r)).toBe(10679);
  });

  it('adds a rounding line when QuickBooks’ per-line conversion at the 6-decimal rate misses the ledger', () => {
    // 123,456.78 USD for 98,765.43 EUR: rate 1.250000 (1.2499999...), whose conversion gives 123,456.79.
    const r = foreignReceipt([{ role: 'income', amount: usd(12345678) }], money(9876543, 'EUR'));
    expect(r.exchangeRate).toBe('1.25');
    expect(homeAmountOf(r.lines[0]!.amount, r.exchangeRate, 'USD')).toEqual(usd(12345679));
    expect(r.rounding).toEqual(money(-1, 'EUR'));
    expect(depositedHome(r)).toBe(12345678);
  });
});
