import { describe, expect, it } from 'vitest';
import { embeddedHost } from './src/pay/host';
import { stripeTokenOf } from './src/pay/wallet';

const at = (href: string) => new URL(href) as unknown as Location;

describe('the store page the embedded payment page reports to', () => {
  it('is the http(s) origin embed.js named, and only on the /embed page', () => {
    expect(embeddedHost(at('http://settle.test/pay/pay_1/embed?host=https%3A%2F%2Fshop.example%2Fcheckout'))).toEqual({
      origin: 'https://shop.example', query: '?host=https%3A%2F%2Fshop.example',
    });
    expect(embeddedHost(at('http://settle.test/pay/pay_1?host=https%3A%2F%2Fshop.example'))).toBeNull();
    expect(embeddedHost(at('http://settle.test/pay/pay_1/embed'))).toBeNull();
    expect(embeddedHost(at('http://settle.test/pay/pay_1/embed?host=javascript%3Aalert(1)'))).toBeNull();
    expect(embeddedHost(at('http://settle.test/pay/pay_1/embed?host=not-a-url'))).toBeNull();
  });
});

describe('the card token inside Google Pay’s answer', () => {
  const paymentData = (token: unknown) => ({ apiVersion: 2, paymentMethodData: { type: 'CARD', tokenizationData: { type: 'PAYMENT_GATEWAY', token } } });

  it('is the Stripe token id Google Pay carries as JSON', () => {
    expect(stripeTokenOf(paymentData(JSON.stringify({ id: 'tok_1AbC', object: 'token' })))).toBe('tok_1AbC');
  });

  it('is nothing when the sheet gave something else', () => {
    expect(stripeTokenOf(paymentData('not json'))).toBeNull();
    expect(stripeTokenOf(paymentData(JSON.stringify({ id: 'pm_123' })))).toBeNull();
    expect(stripeTokenOf(paymentData(42))).toBeNull();
    expect(stripeTokenOf(null)).toBeNull();
  });
});
