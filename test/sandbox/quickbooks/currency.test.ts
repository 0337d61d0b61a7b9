// Multi-currency in the QuickBooks sandbox, through node-quickbooks: the company's preferences,
// foreign-currency receipts converted line by line into the home currency, and the documents
// QuickBooks refuses (foreign currency without multicurrency, without ExchangeRate, or for a
// customer in another currency). Refused requests change no balance.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startQuickBooksSandbox, type QuickBooksSandbox } from './index';
import { connect, type Connected } from './helpers';

type Obj = Record<string, unknown> & { Id: string; SyncToken: string };
let sandbox: QuickBooksSandbox;
let c: Connected;
const ids: Record<string, string> = {};

const balance = async (key: string): Promise<unknown> => (await c.call<Obj>('getAccount', ids[key])).CurrentBalance;
const itemLine = (amount: number) => ({ Amount: amount, DetailType: 'SalesItemLineDetail', SalesItemLineDetail: { ItemRef: { value: ids.item }, Qty: 1, UnitPrice: amount } });
const eurReceipt = (lines: number[], extra: Record<string, unknown> = {}) => ({
  CustomerRef: { value: ids.eurCustomer }, DepositToAccountRef: { value: ids.clearing }, CurrencyRef: { value: 'EUR' }, ExchangeRate: 1.0987, Line: lines.map(itemLine), ...extra,
});
const turnOnMulticurrency = async () => {
  const res = await fetch(`${sandbox.url}/_sandbox/companies/${c.company.realm_id}/multicurrency`, { method: 'POST' });
  expect(res.status).toBe(200);
};

beforeAll(async () => {
  sandbox = await startQuickBooksSandbox({ port: 0 });
  c = await connect(sandbox);
  ids.clearing = (await c.call<Obj>('createAccount', { Name: 'Stripe clearing', AccountType: 'Bank' })).Id;
  ids.sales = (await c.call<Obj>('createAccount', { Name: 'Sales', AccountType: 'Income' })).Id;
  ids.item = (await c.call<Obj>('createItem', { Name: 'Online sales', Type: 'Service', IncomeAccountRef: { value: ids.sales } })).Id;
});
afterAll(async () => {
  await sandbox?.close();
});

describe('a company without multicurrency', () => {
  it('says so in its preferences and refuses a customer or a receipt in another currency', async () => {
    expect(await c.call('getPreferences')).toMatchObject({ CurrencyPrefs: { MultiCurrencyEnabled: false, HomeCurrency: { value: 'USD' } } });
    const customer = await c.fault('createCustomer', { DisplayName: 'Ada (EUR)', CurrencyRef: { value: 'EUR' } });
    expect(customer.Fault.Error[0]).toMatchObject({ code: '6000', Detail: expect.stringContaining('Multicurrency is not turned on') });
    ids.usdCustomer = (await c.call<Obj>('createCustomer', { DisplayName: 'Ada' })).Id;
    const receipt = await c.fault('createSalesReceipt', { ...eurReceipt([100]), CustomerRef: { value: ids.usdCustomer } });
    expect(receipt.Fault.Error[0]).toMatchObject({ code: '6000', Detail: expect.stringContaining('Multicurrency is not turned on') });
    expect(await balance('clearing')).toBe(0);
  });
});

describe('a multicurrency company (home USD)', () => {
  beforeAll(async () => {
    await turnOnMulticurrency();
    ids.eurCustomer = (await c.call<Obj>('createCustomer', { DisplayName: 'Ada (EUR)', CurrencyRef: { value: 'EUR' } })).Id;
  });

  it('converts each line at the rate, rounding half up, and deposits their sum in USD', async () => {
    expect(await c.call('getPreferences')).toMatchObject({ CurrencyPrefs: { MultiCurrencyEnabled: true, HomeCurrency: { value: 'USD' } } });
    // 33.33 × 1.0987 = 36.619671 → 36.62 (twice); 33.34 × 1.0987 = 36.630658 → 36.63. The total alone would give 109.87.
    const receipt = await c.call<Obj>('createSalesReceipt', eurReceipt([33.33, 33.33, 33.34]));
    expect(receipt).toMatchObject({ TotalAmt: 100, HomeTotalAmt: 109.87, CurrencyRef: { value: 'EUR' }, ExchangeRate: 1.0987 });
    expect([await balance('clearing'), await balance('sales')]).toEqual([109.87, 109.87]);
    const split = await c.call<Obj>('createSalesReceipt', eurReceipt([0.5, 0.5], { ExchangeRate: '1.01' }));
    // 0.50 × 1.01 = 0.505 → 0.51 per line: 1.02, where 1.00 × 1.01 would be 1.01.
    expect(split).toMatchObject({ TotalAmt: 1, HomeTotalAmt: 1.02 });
    expect(await balance('clearing')).toBe(110.89);
  });

  it('refuses a foreign-currency receipt without ExchangeRate, without CurrencyRef, or for a customer in another currency', async () => {
    const { ExchangeRate: _rate, ...noRate } = eurReceipt([10]);
    expect((await c.fault('createSalesReceipt', noRate)).Fault.Error[0]).toMatchObject({ code: '2020', element: 'ExchangeRate' });
    const { CurrencyRef: _currency, ...noCurrency } = eurReceipt([10]);
    expect((await c.fault('createSalesReceipt', noCurrency)).Fault.Error[0]).toMatchObject({ code: '6000', Detail: expect.stringContaining('uses EUR') });
    const usdCustomer = await c.fault('createSalesReceipt', eurReceipt([10], { CustomerRef: { value: ids.usdCustomer } }));
    expect(usdCustomer.Fault.Error[0]).toMatchObject({ code: '6000', Detail: expect.stringContaining('uses USD') });
    const badRate = await c.fault('createSalesReceipt', eurReceipt([10], { ExchangeRate: -1 }));
    expect(badRate.Fault.Error[0]).toMatchObject({ code: '2010', element: 'ExchangeRate' });
    expect(await balance('clearing')).toBe(110.89);
  });

  it('takes a home-currency receipt at rate 1 and keeps a refund receipt in EUR the mirror image', async () => {
    const usd = await c.call<Obj>('createSalesReceipt', { CustomerRef: { value: ids.usdCustomer }, DepositToAccountRef: { value: ids.clearing }, Line: [itemLine(10)] });
    expect(usd).toMatchObject({ TotalAmt: 10, CurrencyRef: { value: 'USD' }, ExchangeRate: 1 });
    const refund = await c.call<Obj>('createRefundReceipt', eurReceipt([33.34]));
    expect(refund).toMatchObject({ TotalAmt: 33.34, HomeTotalAmt: 36.63 });
    expect([await balance('clearing'), await balance('sales')]).toEqual([84.26, 84.26]);
  });

  it('stores every foreign-currency document in a form the XSD accepts', async () => {
    expect(await sandbox.contractViolations()).toEqual([]);
  });
});
