import { describe, expect, it } from 'vitest';
import { shopperLocale } from './pay';
import { formatMoney } from '../format';

describe('the shopper’s locale for amounts, from Accept-Language', () => {
  it('takes the first language Intl knows, else en-US', () => {
    expect(shopperLocale(['de-DE', 'en'])).toBe('de-DE');
    expect(shopperLocale(['*', 'fr'])).toBe('fr');
    expect(shopperLocale(['not a tag!', 'ja-JP'])).toBe('ja-JP');
    expect(shopperLocale([])).toBe('en-US');
  });

  it('formats with the currency’s own digits in that locale', () => {
    expect(formatMoney({ amount: 10000, currency: 'USD' }, shopperLocale(['de-DE']))).toBe('100,00\u00a0$');
    expect(formatMoney({ amount: 10000, currency: 'JPY' }, shopperLocale(['de-DE']))).toBe('10.000\u00a0¥');
    expect(formatMoney({ amount: 1250, currency: 'KWD' }, shopperLocale(['en-US']))).toMatch(/^(KWD|KD)\s?1\.250$/);
  });
});
