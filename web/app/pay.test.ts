import { describe, expect, it } from 'vitest';
import { formatCardNumber, formatExpiry, parseExpiry, validateCard } from './src/pay/card';
import { shopperMessage } from './src/pay/errors';

describe('card form helpers', () => {
  it('groups card numbers (Amex 4-6-5)', () => {
    expect(formatCardNumber('4242424242424242')).toBe('4242 4242 4242 4242');
    expect(formatCardNumber('378282246310005')).toBe('3782 822463 10005');
  });

  it('formats and parses expiry', () => {
    expect(formatExpiry('1228')).toBe('12 / 28');
    expect(formatExpiry('4')).toBe('04');
    expect(parseExpiry('12 / 28')).toEqual({ month: 12, year: 2028 });
    expect(parseExpiry('0330')).toEqual({ month: 3, year: 2030 });
    expect(parseExpiry('13/28')).toBeNull();
  });

  it('validates before anything is sent to Stripe', () => {
    const now = new Date(2026, 5, 15);
    expect(validateCard({ number: '4242 4242 4242 4242', expiry: '12 / 30', cvc: '123' }, now).card).toEqual({
      number: '4242424242424242',
      expMonth: 12,
      expYear: 2030,
      cvc: '123',
    });
    const bad = validateCard({ number: '4242', expiry: '01 / 26', cvc: '1' }, now);
    expect(bad.errors).toEqual({
      number: 'Your card number is incomplete.',
      expiry: 'Your card has expired.',
      cvc: 'The security code is 3 or 4 digits.',
    });
  });
});

describe('shopperMessage', () => {
  it('maps decline codes to shopper-friendly text', () => {
    const decline = (decline_code: string) => shopperMessage({ type: 'card_error', code: 'card_declined', decline_code }).message;
    expect(decline('insufficient_funds')).toBe('Your card has insufficient funds. Try another card.');
    expect(decline('lost_card')).toBe('Your card was declined. Try another card.');
    expect(decline('stolen_card')).toBe('Your card was declined. Try another card.');
    expect(decline('generic_decline')).toBe('Your card was declined.');
  });

  it('points at the field to fix', () => {
    expect(shopperMessage({ type: 'card_error', code: 'expired_card' })).toMatchObject({ field: 'expiry' });
    expect(shopperMessage({ type: 'card_error', code: 'incorrect_cvc' })).toMatchObject({ field: 'cvc' });
  });

  it('never shows Stripe’s developer message', () => {
    const m = shopperMessage({ type: 'invalid_request_error', message: 'No such payment_intent: pi_123' }).message;
    expect(m).not.toContain('pi_123');
  });
});
