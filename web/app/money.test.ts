import { describe, expect, it } from 'vitest';
import { currencyExponent, displayMoney, formatMinor } from './src/money';

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
