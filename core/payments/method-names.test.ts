import { describe, expect, it } from 'vitest';
import { paymentMethodName } from './method-names';

describe('how the shopper paid, in the merchant’s words', () => {
  it('names cards, wallets, bank debits and counter sales', () => {
    expect(paymentMethodName('card')).toBe('Card');
    expect(paymentMethodName('apple_pay')).toBe('Apple Pay');
    expect(paymentMethodName('google_pay')).toBe('Google Pay');
    expect(paymentMethodName('sepa_debit')).toBe('SEPA Direct Debit');
    expect(paymentMethodName('card_present')).toBe('Card in person');
  });

  it('is unknown until the processor says, and readable for a method it has not met', () => {
    expect(paymentMethodName(null)).toBeNull();
    expect(paymentMethodName('us_bank_account')).toBe('Us bank account');
  });
});
