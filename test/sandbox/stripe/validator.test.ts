// The response validator must refuse what Stripe would never return, or the sandbox's
// contract checking proves nothing. Also pins the fee arithmetic of books.md.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { computeFee, convert, validateStripeResponse } from './index';
import { SPEC_PATH } from './spec';

const fixtures = JSON.parse(
  readFileSync(SPEC_PATH.replace('spec3.2023-08-16.yaml', 'fixtures3.2023-08-16.json'), 'utf8'),
).resources as Record<string, Record<string, unknown>>;
const pi = fixtures.payment_intent!;

describe('validateStripeResponse', () => {
  it("accepts Stripe's own fixtures", () => {
    for (const name of ['payment_intent', 'payment_method', 'charge', 'balance_transaction', 'payout', 'event', 'webhook_endpoint'])
      expect(validateStripeResponse(fixtures[name]).errors).toEqual([]);
  });

  it('refuses a payment_intent with amount as a string', () => {
    const r = validateStripeResponse({ ...pi, amount: '1099' });
    expect(r.ok).toBe(false);
    expect(r.errors.some((e) => e.instancePath === '/amount')).toBe(true);
  });

  it('refuses a payment_intent missing a required field', () => {
    const { status: _status, ...broken } = pi;
    expect(validateStripeResponse(broken).ok).toBe(false);
  });

  it('refuses a bad enum value and null where not nullable', () => {
    expect(validateStripeResponse({ ...pi, status: 'paid' }).ok).toBe(false);
    expect(validateStripeResponse({ ...pi, currency: null }).ok).toBe(false);
  });

  it('checks list items and event data.object by their own type', () => {
    const list = { object: 'list', data: [pi, { ...pi, amount: 'x' }], has_more: false, url: '/v1/payment_intents' };
    expect(validateStripeResponse(list).errors.map((e) => e.instancePath)).toEqual(['/data/1/amount']);
    const event = { ...fixtures.event, data: { object: { ...pi, livemode: 'no' } } };
    expect(validateStripeResponse(event).ok).toBe(false);
  });
});

describe('fee table (books.md)', () => {
  const usd = (amount: number, card = 'US', currency = 'usd') =>
    computeFee({ settlementCurrency: 'usd', settlementAmount: amount, presentmentCurrency: currency, accountCountry: 'US', cardCountry: card }).fee;
  it.each([
    [10000, 'US', 'usd', 320],
    [20000, 'US', 'usd', 610],
    [5000, 'US', 'usd', 175],
    [9720, 'US', 'usd', 312],
    [11000, 'FR', 'eur', 624],
    [10000, 'BR', 'usd', 470],
    [50, 'US', 'usd', 31], // 1.45 -> 1 (half up only from .5)
    [1000, 'US', 'usd', 59], // 29.0
  ])('USD %i card %s presented in %s -> %i', (amount, card, currency, fee) => {
    expect(usd(amount, card, currency)).toBe(fee);
  });
  it('JPY: 3.6%, no fixed part; half rounds up', () => {
    const jpy = (amount: number) =>
      computeFee({ settlementCurrency: 'jpy', settlementAmount: amount, presentmentCurrency: 'jpy', accountCountry: 'JP', cardCountry: 'US' }).fee;
    expect(jpy(10000)).toBe(360);
    expect(jpy(125)).toBe(5); // 4.5 -> 5
  });
  it('conversion uses the documented rate table, half up', () => {
    expect(convert(10000, 'eur', 'usd')).toEqual({ amount: 11000, exchangeRate: 1.1 });
    expect(convert(10000, 'usd', 'jpy')).toEqual({ amount: 15000, exchangeRate: 150 });
    expect(convert(5, 'eur', 'usd')).toEqual({ amount: 6, exchangeRate: 1.1 }); // 5.5 -> 6
  });
});
