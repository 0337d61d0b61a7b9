// The sandbox's batch endpoint: each item validated as the single-entity endpoint validates it, one
// item's fault leaving the others done, and the batch limits and requestid replay refusing what
// Intuit refuses.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startQuickBooksSandbox, type QuickBooksSandbox } from './index';
import { connect, type Connected } from './helpers';
import { BATCH_MAX_ITEMS, BATCH_PER_MIN_PER_APP } from './batch';

type Obj = Record<string, unknown> & { Id: string };
type BatchReply = { status: number; body: { BatchItemResponse?: Record<string, unknown>[]; Fault?: { Error: { code: string; Detail: string; element?: string }[]; type: string } } };
let sandbox: QuickBooksSandbox;

beforeAll(async () => {
  sandbox = await startQuickBooksSandbox({ port: 0 });
});
afterAll(async () => {
  await sandbox?.close();
});

/** POST /batch as node-quickbooks sends it, plus the requestid its `batch` cannot add. */
async function batch(c: Connected, items: unknown[], requestId?: string): Promise<BatchReply> {
  const query = new URLSearchParams({ minorversion: '75', format: 'json', ...(requestId ? { requestid: requestId } : {}) });
  const res = await fetch(`${sandbox.apiBaseUrl}${c.company.realm_id}/batch?${query}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${c.company.access_token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ BatchItemRequest: items }),
  });
  return { status: res.status, body: await res.json() };
}

async function company(): Promise<{ c: Connected; clearing: string; fees: string }> {
  const c = await connect(sandbox);
  const clearing = (await c.call<Obj>('createAccount', { Name: 'Stripe clearing', AccountType: 'Bank' })).Id;
  const fees = (await c.call<Obj>('createAccount', { Name: 'Processing fees', AccountType: 'Expense' })).Id;
  return { c, clearing, fees };
}

const fee = (clearing: string, fees: string, amount: number) => ({
  PaymentType: 'Cash',
  AccountRef: { value: clearing },
  Line: [{ Amount: amount, DetailType: 'AccountBasedExpenseLineDetail', AccountBasedExpenseLineDetail: { AccountRef: { value: fees } } }],
});
const documents = async (c: Connected, entity: string) => (await sandbox.documents(c.company.realm_id)).documents[entity] ?? [];

describe('QuickBooks sandbox batch requests', () => {
  it('creates each item, answers a query, and faults only the invalid item', async () => {
    const { c, clearing, fees } = await company();
    const reply = await batch(c, [
      { bId: 'fee-1', operation: 'create', Purchase: fee(clearing, fees, 3.2) },
      { bId: 'fee-2', operation: 'create', Purchase: fee(clearing, '9999', 1) },
      { bId: 'fee-3', operation: 'create', Purchase: { ...fee(clearing, fees, 0.1 + 0.2) } },
      { bId: 'fee-4', operation: 'create', Purchase: fee(clearing, fees, 1.5) },
      { bId: 'accounts', Query: "select * from Account where Name = 'Stripe clearing'" },
    ]);
    expect(reply.status).toBe(200);
    const [one, two, three, four, accounts] = reply.body.BatchItemResponse ?? [];
    expect(one).toMatchObject({ bId: 'fee-1', Purchase: { TotalAmt: 3.2, Id: expect.any(String) } });
    // The same faults the single endpoint gives: 2500 for a missing account, 2040 for a bad amount.
    expect(two).toMatchObject({ bId: 'fee-2', Fault: { type: 'ValidationFault', Error: [{ code: '2500', element: 'Line[0].AccountBasedExpenseLineDetail.AccountRef' }] } });
    expect(three).toMatchObject({ bId: 'fee-3', Fault: { Error: [{ code: '2040' }] } });
    expect(four).toMatchObject({ bId: 'fee-4', Purchase: { TotalAmt: 1.5 } });
    expect(accounts).toMatchObject({ bId: 'accounts', QueryResponse: { Account: [{ Id: clearing, CurrentBalance: -4.7 }] } });
    expect(await documents(c, 'Purchase')).toHaveLength(2);
    expect(await sandbox.contractViolations()).toEqual([]);
  });

  it('updates and deletes in a batch, with the SyncToken check', async () => {
    const { c, clearing, fees } = await company();
    const made = await c.call<Obj & { SyncToken: string }>('createPurchase', fee(clearing, fees, 2));
    const reply = await batch(c, [
      { bId: 'stale', operation: 'update', Purchase: { Id: made.Id, SyncToken: '7', sparse: true, PrivateNote: 'x' } },
      { bId: 'note', operation: 'update', Purchase: { Id: made.Id, SyncToken: made.SyncToken, sparse: true, PrivateNote: 'Stripe fee' } },
      { bId: 'gone', operation: 'delete', Purchase: { Id: made.Id, SyncToken: '1' } },
      { bId: 'odd', operation: 'merge', Purchase: { Id: made.Id } },
    ]);
    const [stale, note, gone, odd] = reply.body.BatchItemResponse ?? [];
    expect(stale).toMatchObject({ Fault: { Error: [{ code: '5010' }] } });
    expect(note).toMatchObject({ Purchase: { PrivateNote: 'Stripe fee', SyncToken: '1' } });
    expect(gone).toMatchObject({ Purchase: { status: 'Deleted', Id: made.Id } });
    expect(odd).toMatchObject({ Fault: { Error: [{ code: '500' }] } });
    expect(await documents(c, 'Purchase')).toHaveLength(0);
  });

  it(`refuses more than ${BATCH_MAX_ITEMS} items, a missing or repeated bId, and does none of them`, async () => {
    const { c, clearing, fees } = await company();
    const items = (n: number) => Array.from({ length: n }, (_, i) => ({ bId: `b${i}`, operation: 'create', Purchase: fee(clearing, fees, 1) }));
    const tooMany = await batch(c, items(BATCH_MAX_ITEMS + 1));
    expect(tooMany.status).toBe(400);
    expect(tooMany.body.Fault?.Error[0]).toMatchObject({ code: '2010', element: 'BatchItemRequest' });
    expect((await batch(c, [{ operation: 'create', Purchase: fee(clearing, fees, 1) }])).body.Fault?.Error[0]).toMatchObject({ code: '2020' });
    expect((await batch(c, [...items(1), ...items(1)])).status).toBe(400);
    expect((await batch(c, [])).status).toBe(400);
    expect(await documents(c, 'Purchase')).toHaveLength(0);
    expect((await batch(c, items(BATCH_MAX_ITEMS))).body.BatchItemResponse).toHaveLength(BATCH_MAX_ITEMS);
    expect(await documents(c, 'Purchase')).toHaveLength(BATCH_MAX_ITEMS);
  });

  it('replays a batch for its requestid, and refuses the requestid with another body', async () => {
    const { c, clearing, fees } = await company();
    const items = [
      { bId: 'a', operation: 'create', Purchase: fee(clearing, fees, 1) },
      { bId: 'b', operation: 'create', Purchase: fee(clearing, '9999', 2) },
    ];
    const first = await batch(c, items, 'batch-1');
    const again = await batch(c, items, 'batch-1');
    expect(again).toEqual(first);
    expect(await documents(c, 'Purchase')).toHaveLength(1);
    const other = await batch(c, [{ ...items[0], Purchase: fee(clearing, fees, 5) }], 'batch-1');
    expect(other.status).toBe(400);
    expect(other.body.Fault?.Error[0]).toMatchObject({ code: '2010', element: 'requestid' });
    expect(await documents(c, 'Purchase')).toHaveLength(1);
  });

  it(`answers 429 past ${BATCH_PER_MIN_PER_APP} batch requests a minute for the company and app, and not another company`, async () => {
    const { c, clearing, fees } = await company();
    const one = () => batch(c, [{ bId: 'x', operation: 'create', Purchase: fee(clearing, fees, 1) }]);
    for (let i = 0; i < BATCH_PER_MIN_PER_APP; i++) expect((await one()).status).toBe(200);
    const throttled = await one();
    expect(throttled.status).toBe(429);
    expect(throttled.body.Fault).toMatchObject({ type: 'SERVICE', Error: [{ code: '3001' }] });
    expect(await documents(c, 'Purchase')).toHaveLength(BATCH_PER_MIN_PER_APP);
    // Single requests are limited apart (500 a minute): the company still takes them.
    await c.call('createPurchase', fee(clearing, fees, 1));
    await sandbox.advanceClock(61);
    expect((await one()).status).toBe(200);
    const other = await company();
    expect((await batch(other.c, [{ bId: 'x', operation: 'create', Purchase: fee(other.clearing, other.fees, 1) }])).status).toBe(200);
  });

  it('node-quickbooks’ batch reaches it as the client sends it', async () => {
    const { c, clearing, fees } = await company();
    const reply = await c.call<{ BatchItemResponse: Record<string, unknown>[] }>('batch', [{ bId: '1', operation: 'create', Purchase: fee(clearing, fees, 4) }]);
    expect(reply.BatchItemResponse[0]).toMatchObject({ bId: '1', Purchase: { TotalAmt: 4 } });
  });
});
