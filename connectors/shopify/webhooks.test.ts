import { describe, expect, it } from 'vitest';
import { orderSnapshot, recordedPayload, refundedOrderGid, TRIGGERED_AT } from './webhooks';

const order = (fields: Record<string, unknown>) => ({
  admin_graphql_api_id: 'gid://shopify/Order/820982911946154508', name: '#1001', financial_status: 'paid', cancelled_at: null,
  currency: 'USD', total_price: '97.20', refunds: [], ...fields,
});

describe('Shopify order snapshots', () => {
  it('reads totals in minor units, zero- and three-decimal currencies included', () => {
    expect(orderSnapshot(order({})).total).toEqual({ amount: 9720, currency: 'USD' });
    expect(orderSnapshot(order({ currency: 'JPY', total_price: '12500' })).total).toEqual({ amount: 12500, currency: 'JPY' });
    expect(orderSnapshot(order({ currency: 'KWD', total_price: '1.250' })).total).toEqual({ amount: 1250, currency: 'KWD' });
  });

  it('adds up successful refund transactions only', () => {
    const refunds = [
      { transactions: [{ kind: 'refund', status: 'success', amount: '10.00' }, { kind: 'refund', status: 'failure', amount: '5.00' }] },
      { transactions: [{ kind: 'refund', status: 'success', amount: '2.50' }] },
    ];
    const snapshot = orderSnapshot(order({ financial_status: 'partially_refunded', refunds }));
    expect(snapshot).toMatchObject({ paid: true, needsPayment: false, refunded: { amount: 1250, currency: 'USD' } });
  });

  it('says an open order still needs payment, a cancelled one does not', () => {
    expect(orderSnapshot(order({ financial_status: 'pending' }))).toMatchObject({ paid: false, needsPayment: true });
    expect(orderSnapshot(order({ financial_status: 'voided', cancelled_at: '2026-01-01T00:00:00Z' }))).toMatchObject({ paid: false, needsPayment: false });
  });

  it('refuses a numeric order id (it would have lost digits) and a money float', () => {
    expect(() => orderSnapshot(order({ admin_graphql_api_id: 820982911946154500 }))).toThrow();
    expect(() => orderSnapshot(order({ total_price: 97.2 }))).toThrow();
    expect(refundedOrderGid('820982911946154508')).toBe('gid://shopify/Order/820982911946154508');
    expect(() => refundedOrderGid(null)).toThrow();
  });
});

describe('the recorded payload', () => {
  const at = '2026-12-01T00:00:00.000Z';
  it("puts Shopify's event time in front, keeping large ids digit for digit", () => {
    const recorded = recordedPayload('{"id":820982911946154508,"name":"#1"}', at);
    expect(recorded).toBe(`{"${TRIGGERED_AT}":"${at}","id":820982911946154508,"name":"#1"}`);
    expect(JSON.parse(recordedPayload(' { } ', at))).toEqual({ [TRIGGERED_AT]: at });
  });
  it('leaves the body as it is without a readable time', () => {
    expect(recordedPayload('{"id":1}', undefined)).toBe('{"id":1}');
    expect(recordedPayload('{"id":1}', 'yesterday-ish')).toBe('{"id":1}');
  });
});
