// RefundReceipt, JournalEntry and Deposit through node-quickbooks, plus delete and void:
// balances move as QuickBooks moves them, refused requests change nothing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startQuickBooksSandbox, type QuickBooksSandbox } from './index';
import { connect, type Connected } from './helpers';

type Obj = Record<string, unknown> & { Id: string; SyncToken: string };
let sandbox: QuickBooksSandbox;
let c: Connected;
const ids: Record<string, string> = {};

const balance = async (key: string): Promise<unknown> => (await c.call<Obj>('getAccount', ids[key])).CurrentBalance;
const balances = async (...keys: string[]): Promise<unknown[]> => Promise.all(keys.map(balance));
const docs = async (entity: string): Promise<Record<string, unknown>[]> => (await sandbox.documents(c.company.realm_id)).documents[entity] ?? [];
const itemLine = (amount: number) => ({ Amount: amount, DetailType: 'SalesItemLineDetail', SalesItemLineDetail: { ItemRef: { value: ids.item }, Qty: 1, UnitPrice: amount } });
const jeLine = (PostingType: string, account: string, Amount: number) => ({
  Amount,
  DetailType: 'JournalEntryLineDetail',
  JournalEntryLineDetail: { PostingType, AccountRef: { value: ids[account] ?? account } },
});

beforeAll(async () => {
  sandbox = await startQuickBooksSandbox({ port: 0 });
  c = await connect(sandbox);
  for (const [key, Name, AccountType] of [
    ['clearing', 'Stripe clearing', 'Bank'],
    ['sales', 'Sales', 'Income'],
    ['disputes', 'Dispute losses', 'Expense'],
    ['checking', 'Checking', 'Bank'],
    ['ar', 'Accounts Receivable (A/R)', 'Accounts Receivable'],
  ] as const) {
    ids[key] = (await c.call<Obj>('createAccount', { Name, AccountType })).Id;
  }
  ids.undeposited = '1';
  ids.item = (await c.call<Obj>('createItem', { Name: 'Online sales', Type: 'Service', IncomeAccountRef: { value: ids.sales } })).Id;
  ids.customer = (await c.call<Obj>('createCustomer', { DisplayName: 'Stripe customer' })).Id;
});
afterAll(async () => {
  await sandbox?.close();
});

describe('RefundReceipt', () => {
  it('a 40.00 refund after a 100.00 sale leaves income at 60.00 and the clearing account at 60.00', async () => {
    await c.call('createSalesReceipt', { CustomerRef: { value: ids.customer }, DepositToAccountRef: { value: ids.clearing }, Line: [itemLine(100)] });
    expect(await balances('clearing', 'sales')).toEqual([100, 100]);
    const rr = await c.call<Obj>('createRefundReceipt', {
      CustomerRef: { value: ids.customer },
      DepositToAccountRef: { value: ids.clearing },
      DocNumber: 're_1',
      Line: [itemLine(40)],
    });
    expect(rr).toMatchObject({ TotalAmt: 40, Balance: 0, SyncToken: '0', domain: 'QBO', CurrencyRef: { value: 'USD' } });
    expect(rr.Line).toEqual([
      expect.objectContaining({ Id: '1', LineNum: 1, Amount: 40, DetailType: 'SalesItemLineDetail' }),
      { Amount: 40, DetailType: 'SubTotalLineDetail', SubTotalLineDetail: {} },
    ]);
    expect(await balances('clearing', 'sales')).toEqual([60, 60]);
    ids.refund = rr.Id;
  });

  it('reads, queries and lists refund receipts', async () => {
    expect((await c.call<Obj>('getRefundReceipt', ids.refund)).DocNumber).toBe('re_1');
    const q = await c.call<{ QueryResponse: { RefundReceipt: Obj[] } }>('findRefundReceipts', { DocNumber: 're_1' });
    expect(q.QueryResponse.RefundReceipt.map((r) => r.Id)).toEqual([ids.refund]);
    expect((await docs('RefundReceipt')).map((r) => r.Id)).toEqual([ids.refund]);
  });

  it('refuses a missing or unknown account (2020, 2500) and XSD-invalid bodies, changing nothing', async () => {
    const missing = await c.fault('createRefundReceipt', { Line: [itemLine(5)] });
    expect(missing.Fault.Error[0]).toMatchObject({ code: '2020', element: 'DepositToAccountRef' });
    const unknown = await c.fault('createRefundReceipt', { DepositToAccountRef: { value: '9999' }, Line: [itemLine(5)] });
    expect(unknown.Fault).toMatchObject({ type: 'ValidationFault', Error: [{ code: '2500', Message: 'Invalid Reference Id', element: 'DepositToAccountRef' }] });
    const xsd = await c.fault('createRefundReceipt', { DepositToAccountRef: { value: ids.clearing }, StripeRefundId: 're_9', Line: [itemLine(5)] });
    expect(xsd.Fault.Error[0]).toMatchObject({ code: '2010' });
    expect(xsd.Fault.Error[0]?.Detail).toMatch(/StripeRefundId.*not expected/);
    const cents = await c.fault('createRefundReceipt', { DepositToAccountRef: { value: ids.clearing }, Line: [itemLine(1.005)] });
    expect(cents.Fault.Error[0]).toMatchObject({ code: '2040', element: 'Line[0].Amount' });
    expect(await balances('clearing', 'sales')).toEqual([60, 60]);
    expect(await docs('RefundReceipt')).toHaveLength(1);
  });

  it('returns the first document for a repeated requestid and posts once', async () => {
    const body = (amount: number) => ({ requestId: 'settle-refund-re_2', DepositToAccountRef: { value: ids.clearing }, Line: [itemLine(amount)] });
    const first = await c.call<Obj>('createRefundReceipt', body(10));
    const second = await c.call<Obj>('createRefundReceipt', body(99));
    expect(second).toEqual(first);
    expect(await docs('RefundReceipt')).toHaveLength(2);
    expect(await balances('clearing', 'sales')).toEqual([50, 50]);
    ids.refund2 = first.Id;
  });

  it('cannot be voided (QuickBooks documents no void for it) but can be deleted, reversing its postings', async () => {
    const rr = await c.call<Obj>('getRefundReceipt', ids.refund2);
    const v = await c.fault('updateRefundReceipt', { Id: rr.Id, SyncToken: rr.SyncToken, void: true });
    expect(v.Fault.Error[0]).toMatchObject({ code: '500', Message: 'Unsupported Operation' });
    const deleted = await c.call<{ RefundReceipt: Obj }>('deleteRefundReceipt', ids.refund2);
    expect(deleted.RefundReceipt).toEqual({ status: 'Deleted', domain: 'QBO', Id: ids.refund2 });
    expect(await balances('clearing', 'sales')).toEqual([60, 60]);
    expect((await c.fault('getRefundReceipt', ids.refund2)).Fault.Error[0]).toMatchObject({ code: '610' });
  });
});

describe('JournalEntry', () => {
  it('a balanced entry moves both accounts (dispute: debit losses, credit clearing)', async () => {
    const je = await c.call<Obj>('createJournalEntry', { TxnDate: '2025-02-01', PrivateNote: 'dp_1', Line: [jeLine('Debit', 'disputes', 15), jeLine('Credit', 'clearing', 15)] });
    expect(je).toMatchObject({ TotalAmt: 15, Adjustment: false, TxnDate: '2025-02-01', SyncToken: '0' });
    expect((je.Line as Obj[]).map((l) => l.Id)).toEqual(['0', '1']);
    expect(await balances('clearing', 'disputes')).toEqual([45, 15]);
    ids.je = je.Id;
    const q = await c.call<{ QueryResponse: { JournalEntry: Obj[] } }>('findJournalEntries', { PrivateNote: 'dp_1' });
    expect(q.QueryResponse.JournalEntry.map((r) => r.Id)).toEqual([je.Id]);
  });

  it('refuses an unbalanced entry with the business-validation fault and changes nothing', async () => {
    const f = await c.fault('createJournalEntry', { Line: [jeLine('Debit', 'disputes', 10), jeLine('Credit', 'clearing', 9.99)] });
    expect(f.Fault.type).toBe('ValidationFault');
    expect(f.Fault.Error[0]).toMatchObject({ code: '6000', Message: 'A business validation error has occurred while processing your request' });
    expect(f.Fault.Error[0]?.Detail).toMatch(/^Business Validation Error: .*debits.*credits/i);
    expect(await balances('clearing', 'disputes')).toEqual([45, 15]);
    expect(await docs('JournalEntry')).toHaveLength(1);
  });

  it('refuses a missing account, an A/R line without a customer, a bad PostingType and a third decimal', async () => {
    const ref = await c.fault('createJournalEntry', { Line: [jeLine('Debit', '9999', 1), jeLine('Credit', 'clearing', 1)] });
    expect(ref.Fault.Error[0]).toMatchObject({ code: '2500', element: 'Line[0].JournalEntryLineDetail.AccountRef' });
    const ar = await c.fault('createJournalEntry', { Line: [jeLine('Debit', 'ar', 1), jeLine('Credit', 'clearing', 1)] });
    expect(ar.Fault.Error[0]?.Detail).toMatch(/Accounts Receivable, you must choose a customer/);
    const xsd = await c.fault('createJournalEntry', { Line: [jeLine('Sideways', 'disputes', 1), jeLine('Credit', 'clearing', 1)] });
    expect(xsd.Fault.Error[0]?.Detail).toMatch(/PostingType.*enumeration/);
    const cents = await c.fault('createJournalEntry', { Line: [jeLine('Debit', 'disputes', 0.001), jeLine('Credit', 'clearing', 0.001)] });
    expect(cents.Fault.Error[0]).toMatchObject({ code: '2040' });
    // With a customer the A/R line is accepted.
    const withCustomer = jeLine('Debit', 'ar', 2);
    Object.assign(withCustomer.JournalEntryLineDetail, { Entity: { EntityRef: { value: ids.customer } } });
    const ok = await c.call<Obj>('createJournalEntry', { Line: [withCustomer, jeLine('Credit', 'clearing', 2)] });
    expect((ok.Line as { JournalEntryLineDetail: Obj }[])[0]?.JournalEntryLineDetail.Entity).toMatchObject({ Type: 'Customer' });
    expect(await balances('ar', 'clearing')).toEqual([2, 43]);
    await c.call('deleteJournalEntry', ok);
    expect(await balances('ar', 'clearing')).toEqual([0, 45]);
  });

  it('delete needs the current SyncToken (5010) and reverses the balances', async () => {
    const je = await c.call<Obj>('getJournalEntry', ids.je);
    const updated = await c.call<Obj>('updateJournalEntry', { ...je, sparse: false, Line: [jeLine('Debit', 'disputes', 20), jeLine('Credit', 'clearing', 20)] });
    expect(updated.SyncToken).toBe('1');
    expect(await balances('clearing', 'disputes')).toEqual([40, 20]);
    const stale = await c.fault('deleteJournalEntry', { Id: je.Id, SyncToken: je.SyncToken });
    expect(stale.Fault.Error[0]).toMatchObject({ code: '5010' });
    await c.call('deleteJournalEntry', { Id: je.Id, SyncToken: updated.SyncToken });
    expect(await balances('clearing', 'disputes')).toEqual([60, 0]);
    expect(await docs('JournalEntry')).toHaveLength(0);
  });
});

describe('Deposit, void and delete', () => {
  it('deposits a receipt held in Undeposited Funds; a deposited receipt cannot be deleted (6540)', async () => {
    const sr = await c.call<Obj>('createSalesReceipt', { Line: [itemLine(25)] });
    expect(await balances('undeposited', 'sales')).toEqual([25, 85]);
    const dep = await c.call<Obj>('createDeposit', {
      DepositToAccountRef: { value: ids.checking },
      Line: [{ Amount: 25, LinkedTxn: [{ TxnId: sr.Id, TxnType: 'SalesReceipt', TxnLineId: '0' }] }],
    });
    expect(dep).toMatchObject({ TotalAmt: 25 });
    expect(await balances('undeposited', 'checking')).toEqual([0, 25]);
    const f = await c.fault('deleteSalesReceipt', sr.Id);
    expect(f.Fault.Error[0]).toMatchObject({ code: '6540', Message: 'Deposited Transaction cannot be changed' });
    await c.call('deleteDeposit', dep.Id);
    expect(await balances('undeposited', 'checking')).toEqual([25, 0]);
    await c.call('deleteSalesReceipt', sr.Id);
    expect(await balances('undeposited', 'sales')).toEqual([0, 60]);
  });

  it('a direct deposit credits its line account', async () => {
    await c.call('createDeposit', {
      DepositToAccountRef: { value: ids.checking },
      Line: [{ Amount: 7.5, DetailType: 'DepositLineDetail', DepositLineDetail: { AccountRef: { value: ids.clearing } } }],
    });
    expect(await balances('checking', 'clearing')).toEqual([7.5, 52.5]);
  });

  it('voids a SalesReceipt with update&include=void: amounts zeroed, "Voided" note, balances reversed', async () => {
    const sr = await c.call<Obj>('createSalesReceipt', { DepositToAccountRef: { value: ids.clearing }, PrivateNote: 'ch_9', Line: [itemLine(12)] });
    expect(await balances('clearing', 'sales')).toEqual([64.5, 72]);
    const voided = await c.call<Obj>('updateSalesReceipt', { Id: sr.Id, SyncToken: sr.SyncToken, void: true });
    expect(voided).toMatchObject({ Id: sr.Id, SyncToken: '1', TotalAmt: 0, PrivateNote: 'Voided - ch_9' });
    expect((voided.Line as Obj[])[0]).toMatchObject({ Amount: 0, SalesItemLineDetail: { Qty: 0 } });
    expect(await balances('clearing', 'sales')).toEqual([52.5, 60]);
  });

  it('deletes Purchases and Transfers, reversing their postings', async () => {
    const p = await c.call<Obj>('createPurchase', {
      PaymentType: 'Cash',
      AccountRef: { value: ids.clearing },
      Line: [{ Amount: 2.5, DetailType: 'AccountBasedExpenseLineDetail', AccountBasedExpenseLineDetail: { AccountRef: { value: ids.disputes } } }],
    });
    const t = await c.call<Obj>('createTransfer', { FromAccountRef: { value: ids.clearing }, ToAccountRef: { value: ids.checking }, Amount: 10 });
    expect(await balances('clearing', 'checking', 'disputes')).toEqual([40, 17.5, 2.5]);
    await c.call('deletePurchase', p.Id);
    await c.call('deleteTransfer', t.Id);
    expect(await balances('clearing', 'checking', 'disputes')).toEqual([52.5, 7.5, 0]);
  });

  it('stored entities satisfy the XSD too (checked in the background)', async () => {
    expect(await sandbox.contractViolations()).toEqual([]);
  });
});
