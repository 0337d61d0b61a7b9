// The XSD route: JSON → XML (XSD sequence order) → xmllint-wasm against Intuit's schemas.
import { describe, expect, it } from 'vitest';
import { getXsdValidator } from './index';

const goodReceipt = () => ({
  CustomerRef: { value: '2', name: 'Stripe customer' },
  DepositToAccountRef: { value: '3' },
  // Deliberately out of XSD order: the converter must reorder by the sequence.
  TotalAmt: 100,
  Line: [{ DetailType: 'SalesItemLineDetail', Amount: 100, SalesItemLineDetail: { UnitPrice: 100, Qty: 1, ItemRef: { value: '1' } } }],
  TxnDate: '2025-01-15',
  Id: '7',
  SyncToken: '0',
  domain: 'QBO',
  sparse: false,
  MetaData: { CreateTime: '2025-01-15T10:00:00Z', LastUpdatedTime: '2025-01-15T10:00:00Z' },
});

describe('XSD validator', () => {
  const v = getXsdValidator();

  it('accepts a well-formed SalesReceipt in any JSON key order', async () => {
    const r = await v.validate('SalesReceipt', goodReceipt());
    expect(r.errors).toEqual([]);
    expect(r.valid).toBe(true);
    expect(r.xml.indexOf('<Line>')).toBeGreaterThan(r.xml.indexOf('<TxnDate>'));
  });

  it('refuses a broken SalesReceipt: non-decimal Amount, unknown element, bad boolean', async () => {
    const badAmount = goodReceipt();
    (badAmount.Line[0] as Record<string, unknown>).Amount = 'abc';
    const unknown = { ...goodReceipt(), StripeChargeId: 'ch_1' };
    const badBool = { ...goodReceipt(), sparse: 'maybe' };
    const [a, b, c] = await Promise.all([v.validate('SalesReceipt', badAmount), v.validate('SalesReceipt', unknown), v.validate('SalesReceipt', badBool)]);
    expect(a.valid).toBe(false);
    expect(a.errors.join()).toMatch(/'abc' is not a valid value of the atomic type 'xs:decimal'/);
    expect(b.valid).toBe(false);
    expect(b.errors.join()).toMatch(/StripeChargeId.*not expected/);
    expect(c.valid).toBe(false);
    expect(c.errors.join()).toMatch(/sparse/);
  });

  it('refuses an invalid enumeration value (PaymentType)', async () => {
    const r = await v.validate('Purchase', { PaymentType: 'Bitcoin', AccountRef: { value: '1' } });
    expect(r.valid).toBe(false);
    expect(r.errors.join()).toMatch(/PaymentType/);
  });
});
