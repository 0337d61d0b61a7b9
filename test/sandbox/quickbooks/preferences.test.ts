// The company's closing date and inactive items, through node-quickbooks: QuickBooks refuses a
// transaction dated in a closed period (6200) and a line naming an item made inactive (610), and
// finds customers by email and items by SKU.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startQuickBooksSandbox, type QuickBooksSandbox } from './index';
import { connect, type Connected } from './helpers';

type Obj = Record<string, unknown> & { Id: string; SyncToken: string };
let sandbox: QuickBooksSandbox;
let c: Connected;
let income: Obj;
let item: Obj;

beforeAll(async () => {
  sandbox = await startQuickBooksSandbox({ port: 0 });
  c = await connect(sandbox);
  income = await c.call<Obj>('createAccount', { Name: 'Sales', AccountType: 'Income' });
  item = await c.call<Obj>('createItem', { Name: 'Blue mug', Sku: 'MUG-BLUE', Type: 'Service', IncomeAccountRef: { value: income.Id } });
});
afterAll(async () => {
  await sandbox?.close();
});

const receipt = (TxnDate: string, itemId = item.Id) => ({ TxnDate, Line: [{ Amount: 12, DetailType: 'SalesItemLineDetail', SalesItemLineDetail: { ItemRef: { value: itemId } } }] });

describe('QuickBooks sandbox: closing date, inactive items, look-ups', () => {
  it('reads the Preferences without an id, with no closing date at first', async () => {
    const prefs = await c.call<Obj>('getPreferences');
    expect(prefs).toMatchObject({ Id: '1', AccountingInfoPrefs: expect.any(Object), CurrencyPrefs: { HomeCurrency: { value: 'USD' } } });
    expect((prefs.AccountingInfoPrefs as Obj).BookCloseDate).toBeUndefined();
    const found = await c.call<{ QueryResponse: { Preferences: Obj[] } }>('findPreferenceses', []);
    expect(found.QueryResponse.Preferences.map((p) => p.Id)).toEqual(['1']);
    expect((await sandbox.contractViolations())).toEqual([]);
  });

  it('refuses a receipt dated on or before the closing date with 6200, and takes one after it', async () => {
    await sandbox.setBookCloseDate(c.company.realm_id, '2026-10-31');
    const prefs = await c.call<Obj>('getPreferences');
    expect((prefs.AccountingInfoPrefs as Obj).BookCloseDate).toBe('2026-10-31');

    for (const date of ['2026-10-31', '2026-09-02']) {
      const fault = await c.fault('createSalesReceipt', receipt(date));
      expect(fault.Fault.Error[0]).toMatchObject({ code: '6200', Message: 'Account Period Closed, Cannot Update Through Services API' });
    }
    const ok = await c.call<Obj>('createSalesReceipt', receipt('2026-11-01'));
    expect(ok.TotalAmt).toBe(12);
    // Moving it into the closed period is refused too; reopening the books allows it.
    expect((await c.fault('updateSalesReceipt', { Id: ok.Id, SyncToken: ok.SyncToken, sparse: true, TxnDate: '2026-10-15' })).Fault.Error[0]?.code).toBe('6200');
    await sandbox.setBookCloseDate(c.company.realm_id, null);
    expect((await c.call<Obj>('createSalesReceipt', receipt('2026-10-31'))).TxnDate).toBe('2026-10-31');
    const books = await sandbox.documents(c.company.realm_id);
    expect(books.documents.SalesReceipt?.map((r) => r.TxnDate)).toEqual(['2026-11-01', '2026-10-31']);
  });

  it('refuses a line naming an item made inactive (deleted in QuickBooks) with 610 on its ItemRef', async () => {
    const old = await c.call<Obj>('createItem', { Name: 'Old mug', Sku: 'MUG-OLD', Type: 'Service', IncomeAccountRef: { value: income.Id } });
    await c.call('updateItem', { Id: old.Id, SyncToken: old.SyncToken, sparse: true, Active: false });
    const fault = await c.fault('createSalesReceipt', receipt('2026-12-01', old.Id));
    expect(fault.Fault.Error[0]).toMatchObject({ code: '610', element: 'Line[0].SalesItemLineDetail.ItemRef' });
  });

  it('finds an item by SKU and a customer by email address', async () => {
    await c.call('createCustomer', { DisplayName: 'Ada Shopper', PrimaryEmailAddr: { Address: 'ada@example.com' } });
    await c.call('createCustomer', { DisplayName: 'Grace' });
    const bySku = await c.call<{ QueryResponse: { Item?: Obj[] } }>('findItems', [{ field: 'Sku', value: 'MUG-BLUE', operator: '=' }]);
    expect(bySku.QueryResponse.Item?.map((i) => i.Name)).toEqual(['Blue mug']);
    const byEmail = await c.call<{ QueryResponse: { Customer?: Obj[] } }>('findCustomers', [{ field: 'PrimaryEmailAddr', value: 'ADA@example.com', operator: '=' }]);
    expect(byEmail.QueryResponse.Customer?.map((x) => x.DisplayName)).toEqual(['Ada Shopper']);
  });
});
