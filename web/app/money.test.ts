import { describe, expect, it } from 'vitest';
import { currencyExponent, displayMoney, formatMinor, toDecimalString } from './src/money';

describe('formatMinor', () => {
  it('formats USD cents', () => {
    expect(formatMinor(10000, 'USD', 'en-US')).toBe('$100.00');
  });

  it('formats zero-decimal JPY without dividing', () => {
    expect(formatMinor(10000, 'JPY', 'en-US')).toBe('¥10,000');
  });

  it('formats three-decimal KWD', () => {
    // ICU versions differ on the symbol ("KWD 1.250" vs "KD 1.250"); the digits must not.
    expect(formatMinor(1250, 'KWD', 'en-US')).toMatch(/^(KWD|KD)\s?1\.250$/);
  });

  it('formats for the shopper’s locale with the server’s exponent', () => {
    expect(formatMinor(10000, 'USD', 'de-DE', 2)).toBe('100,00\u00a0$');
    expect(formatMinor(10000, 'JPY', 'ja-JP', 0)).toBe('￥10,000');
    expect(formatMinor(1250, 'KWD', 'fr-FR', 3)).toMatch(/^1,250\s(KWD|KD)$/);
    expect(formatMinor(10000, 'JPY', 'de-DE', 0)).toBe('10.000\u00a0¥');
    expect(formatMinor(123456, 'EUR', 'fr-FR', 2)).toBe('1\u202f234,56\u00a0€');
  });

  it('reads the exponent from Intl', () => {
    expect(currencyExponent('USD')).toBe(2);
    expect(currencyExponent('JPY')).toBe(0);
    expect(currencyExponent('KWD')).toBe(3);
  });

  it('does not throw on an unknown currency code', () => {
    expect(formatMinor(5, 'NOT_A_CODE', 'en-US')).toBe('NOT_A_CODE 5');
  });
});

describe('displayMoney', () => {
  it('prefers the server-formatted string', () => {
    expect(displayMoney({ amount: 10000, currency: 'USD' }, 'US$100.00', 'en-US')).toBe('US$100.00');
  });

  it('falls back to Intl when the server sent none', () => {
    expect(displayMoney({ amount: 10000, currency: 'USD' }, null, 'en-US')).toBe('$100.00');
  });
});

describe('toDecimalString', () => {
  it('places the point by the currency’s digits, without floats', () => {
    expect(toDecimalString(10000, 2)).toBe('100.00');
    expect(toDecimalString(5, 2)).toBe('0.05');
    expect(toDecimalString(10000, 0)).toBe('10000');
    expect(toDecimalString(1250, 3)).toBe('1.250');
    expect(toDecimalString(900719925474099, 2)).toBe('9007199254740.99');
    expect(() => toDecimalString(1.5, 2)).toThrow(RangeError);
  });
});
