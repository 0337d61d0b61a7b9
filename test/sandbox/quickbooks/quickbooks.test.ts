// End-to-end through node-quickbooks, the client Settle uses: books balance after the
// payment → fee → payout cycle, plus the faults Settle must handle.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startQuickBooksSandbox, type QuickBooksSandbox } from './index';
import { connect, type Connected } from './helpers';

type Obj = Record<string, unknown> & { Id: string; SyncToken: string };
let sandbox: QuickBooksSandbox;
let c: Connected;
const ids: Record<string, string> = {};

const balance = async (id: string): Promise<unknown> => (await c.call<Obj>('getAccount', id)).CurrentBalance;

beforeAll(async () => {
  sandbox = await startQuickBooksSandbox({ port: 0 });
  c = await connect(sandbox);
});
afterAll(async () => {
  await sandbox?.close();
});

describe('QuickBooks sandbox through node-quickbooks', () => {
  it('creates the accounts, item and customer Settle needs', async () => {
    for (const [key, Name, AccountType] of [
      ['clearing', 'Stripe clearing', 'Bank'],
      ['sales', 'Sales', 'Income'],
      ['fees', 'Processing fees', 'Expense'],
      ['checking', 'Checking', 'Bank'],
    ] as const) {
      const a = await c.call<Obj>('createAccount', { Name, AccountType });
      expect(a).toMatchObject({ Name, AccountType, SyncToken: '0', domain: 'QBO', sparse: false, CurrentBalance: 0, Active: true });
      expect(typeof a.Id).toBe('string');
      ids[key] = a.Id;
    }
    const item = await c.call<Obj>('createItem', { Name: 'Online sales', Type: 'Service', IncomeAccountRef: { value: ids.sales } });
    ids.item = item.Id;
    const customer = await c.call<Obj>('createCustomer', { DisplayName: 'Stripe customer' });
    ids.customer = customer.Id;
    expect(customer.MetaData).toMatchObject({ CreateTime: expect.any(String) });
  });

  it('posts a sale, a fee and a payout and keeps balances in cents', async () => {
    const sr = await c.call<Obj>('createSalesReceipt', {
      CustomerRef: { value: ids.customer },
      DepositToAccountRef: { value: ids.clearing },
      TxnDate: '2025-01-15',
      DocNumber: 'pi_123',
      PrivateNote: 'Stripe charge ch_1',
      Line: [{ Amount: 100.0, DetailType: 'SalesItemLineDetail', SalesItemLineDetail: { ItemRef: { value: ids.item }, Qty: 1, UnitPrice: 100 } }],
    });
    expect(sr.TotalAmt).toBe(100);
    expect(await balance(ids.clearing!)).toBe(100);
    expect(await balance(ids.sales!)).toBe(100);

    const fee = await c.call<Obj>('createPurchase', {
      PaymentType: 'Cash',
      AccountRef: { value: ids.clearing },
      Line: [{ Amount: 3.2, DetailType: 'AccountBasedExpenseLineDetail', AccountBasedExpenseLineDetail: { AccountRef: { value: ids.fees } } }],
    });
    expect(fee.TotalAmt).toBe(3.2);
    expect(await balance(ids.clearing!)).toBe(96.8);
    expect(await balance(ids.fees!)).toBe(3.2);

    await c.call('createTransfer', { FromAccountRef: { value: ids.clearing }, ToAccountRef: { value: ids.checking }, Amount: 96.8, TxnDate: '2025-01-17' });
    expect(await balance(ids.clearing!)).toBe(0);
    expect(await balance(ids.checking!)).toBe(96.8);

    const read = await c.call<Obj>('getSalesReceipt', sr.Id);
    expect(read.Line).toHaveLength(2); // the item line plus QuickBooks' subtotal line
  });

  it('replays the first response for a repeated requestid', async () => {
    const body = () => ({ requestId: 'settle-evt-1', FromAccountRef: { value: ids.checking }, ToAccountRef: { value: ids.clearing }, Amount: 1.5 });
    const first = await c.call<Obj>('createTransfer', body());
    const second = await c.call<Obj>('createTransfer', { ...body(), Amount: 999 });
    expect(second).toEqual(first);
    const docs = await sandbox.documents(c.company.realm_id);
    expect(docs.documents.Transfer).toHaveLength(2); // the payout and this one, not three
    expect(await balance(ids.checking!)).toBe(95.3);
  });

  it('refuses a duplicate account name with 6240', async () => {
    const f = await c.fault('createAccount', { Name: 'stripe clearing', AccountType: 'Bank' });
    expect(f.Fault.type).toBe('ValidationFault');
    expect(f.Fault.Error[0]).toMatchObject({ code: '6240', Message: 'Duplicate Name Exists Error' });
  });

  it('refuses a missing reference with 2500 and a missing field with 2020', async () => {
    const f = await c.fault('createPurchase', {
      PaymentType: 'Cash',
      AccountRef: { value: ids.clearing },
      Line: [{ Amount: 1, DetailType: 'AccountBasedExpenseLineDetail', AccountBasedExpenseLineDetail: { AccountRef: { value: '9999' } } }],
    });
    expect(f.Fault.Error[0]).toMatchObject({ code: '2500', Message: 'Invalid Reference Id', element: 'Line[0].AccountBasedExpenseLineDetail.AccountRef' });
    const g = await c.fault('createTransfer', { FromAccountRef: { value: ids.clearing }, Amount: 1 });
    expect(g.Fault.Error[0]).toMatchObject({ code: '2020', element: 'ToAccountRef' });
  });

  it('refuses amounts with more than 2 decimals and XSD-invalid bodies', async () => {
    const f = await c.fault('createTransfer', { FromAccountRef: { value: ids.clearing }, ToAccountRef: { value: ids.checking }, Amount: 0.1 + 0.2 });
    expect(f.Fault.Error[0]?.element).toBe('Amount');
    const g = await c.fault('createAccount', { Name: 'X', AccountType: 'Bank', Colour: 'red' });
    expect(g.Fault.Error[0]?.Detail).toMatch(/Colour.*not expected/);
    const h = await c.fault('createAccount', { Name: 'Y', AccountType: 'Piggy bank' });
    expect(h.Fault.Error[0]?.Detail).toMatch(/AccountTypeEnum|enumeration/);
  });

  it('updates with SyncToken and refuses a stale one with 5010', async () => {
    const a = await c.call<Obj>('getAccount', ids.fees);
    const updated = await c.call<Obj>('updateAccount', { Id: a.Id, SyncToken: a.SyncToken, Description: 'Stripe fees' });
    expect(updated).toMatchObject({ SyncToken: '1', Description: 'Stripe fees', Name: 'Processing fees', CurrentBalance: 3.2 });
    const f = await c.fault('updateAccount', { Id: a.Id, SyncToken: a.SyncToken, Description: 'again' });
    expect(f.Fault.Error[0]).toMatchObject({ code: '5010', Message: 'Stale Object Error' });
  });

  it('answers queries with where, like, in, orderby and paging', async () => {
    const one = await c.call<{ QueryResponse: { Account: Obj[]; maxResults: number; startPosition: number } }>('findAccounts', { Name: 'Stripe clearing' });
    expect(one.QueryResponse.Account.map((a) => a.Id)).toEqual([ids.clearing]);
    // A string criteria is appended to "select * from account" as-is by node-quickbooks.
    const page = await c.call<{ QueryResponse: { Account: Obj[]; startPosition: number; maxResults: number } }>(
      'findAccounts',
      "where AccountType = 'Bank' orderby Name desc startposition 2 maxresults 1",
    );
    expect(page.QueryResponse).toMatchObject({ startPosition: 2, maxResults: 1 });
    expect(page.QueryResponse.Account[0]?.Name).toBe('Checking');
    const like = await c.call<{ QueryResponse: { Account: Obj[] } }>('findAccounts', [{ field: 'Name', value: '%fee%', operator: 'LIKE' }]);
    expect(like.QueryResponse.Account.map((a) => a.Name)).toEqual(['Processing fees']);
    const inq = await c.call<{ QueryResponse: { Account: Obj[] } }>('findAccounts', { Name: ['Sales', 'Checking'] });
    expect(inq.QueryResponse.Account).toHaveLength(2);
    const count = await c.call<{ QueryResponse: { totalCount: number } }>('findAccounts', { count: true });
    expect(count.QueryResponse.totalCount).toBe(5); // 4 created + Undeposited Funds
    const none = await c.call<{ QueryResponse: object }>('findCustomers', { DisplayName: 'nobody' });
    expect(none.QueryResponse).toEqual({});
    const bad = await c.fault('findAccounts', 'where Name =');
    expect(bad.Fault.Error[0]).toMatchObject({ code: '4000', Message: 'Error parsing query' });
  });

  it('stored entities satisfy the XSD too (checked in the background)', async () => {
    expect(await sandbox.contractViolations()).toEqual([]);
  });
});

describe('companies are kept apart', () => {
  it('the same document id in two companies moves only its own company’s balances', async () => {
    const [one, two] = [await connect(sandbox), await connect(sandbox)];
    const post = async (who: Connected, amount: number) => {
      const bank = await who.call<Obj>('createAccount', { Name: 'Clearing', AccountType: 'Bank' });
      const income = await who.call<Obj>('createAccount', { Name: 'Income', AccountType: 'Income' });
      const item = await who.call<Obj>('createItem', { Name: 'Sale', Type: 'Service', IncomeAccountRef: { value: income.Id } });
      const receipt = await who.call<Obj>('createSalesReceipt', {
        DepositToAccountRef: { value: bank.Id },
        Line: [{ Amount: amount, DetailType: 'SalesItemLineDetail', SalesItemLineDetail: { ItemRef: { value: item.Id }, Qty: 1, UnitPrice: amount } }],
      });
      return { bank: bank.Id, receipt: receipt.Id, who };
    };
    const first = await post(one, 100);
    const second = await post(two, 25);
    expect(second.receipt).toBe(first.receipt); // ids are numbered per company
    expect((await one.call<Obj>('getAccount', first.bank)).CurrentBalance).toBe(100);
    expect((await two.call<Obj>('getAccount', second.bank)).CurrentBalance).toBe(25);
  });
});
