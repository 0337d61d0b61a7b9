import { describe, expect, it } from 'vitest';
import type Stripe from 'stripe';
import { paymentFactsFrom } from './mapping';

const intentPaidWith = (details: Record<string, unknown>) => ({
  id: 'pi_1', object: 'payment_intent', status: 'succeeded', amount: 2500, amount_capturable: 0, amount_received: 2500, currency: 'usd',
  cancellation_reason: null, last_payment_error: null,
  latest_charge: { id: 'ch_1', object: 'charge', balance_transaction: null, payment_method_details: details },
}) as unknown as Stripe.PaymentIntent;

describe('how the shopper paid, from Stripe’s charge', () => {
  it('a card in Apple Pay or Google Pay is recorded as the wallet, as Stripe marks it on the card', () => {
    expect(paymentFactsFrom(intentPaidWith({ type: 'card', card: { brand: 'visa', wallet: { type: 'apple_pay', apple_pay: {}, dynamic_last4: '1234' } } })).methodType).toBe('apple_pay');
    expect(paymentFactsFrom(intentPaidWith({ type: 'card', card: { brand: 'visa', wallet: { type: 'google_pay', google_pay: {}, dynamic_last4: '9876' } } })).methodType).toBe('google_pay');
  });

  it('a typed card stays a card; other methods keep Stripe’s type', () => {
    expect(paymentFactsFrom(intentPaidWith({ type: 'card', card: { brand: 'visa', wallet: null } })).methodType).toBe('card');
    expect(paymentFactsFrom(intentPaidWith({ type: 'sepa_debit', sepa_debit: {} })).methodType).toBe('sepa_debit');
  });
});
