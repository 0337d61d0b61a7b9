import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../core/storage/database';
import { createMerchant, findMerchantByApiKey } from '../../core/merchants/merchants';
import { ConnectionStore } from '../../core/merchants/connections';
import { SecretBox } from '../../core/secrets/secret-box';
import { accountBalances, credit, debit, postEntry } from '../../core/ledger/journal';
import { recordInboundEvent, recordInboundEvents } from '../../core/inbox/inbox';
import { migrate } from '../../core/storage/migrate';
import { money } from '../../core/money';
import { DATABASES } from '../support/databases';

/** One storage suite, run against PostgreSQL and against PGlite: both must behave the same. */
describe.each(DATABASES)('storage on $name', ({ open }) => {
  let db: Database;
  let merchantId: string;
  beforeAll(async () => {
    db = await open();
    merchantId = (await createMerchant(db, 'Storage Test Shop')).merchant.id;
  });
  afterAll(() => db.close());

  const sale = (sourceRef: string, gross: number, fee: number) => ({
    merchantId, kind: 'sale' as const, sourceRef, description: 'test sale', occurredAt: new Date(),
    postings: [debit('stripe_clearing', money(gross - fee, 'USD')), debit('processing_fees', money(fee, 'USD')), credit('income', money(gross, 'USD'))],
  });

  it('migrations run once: a second run applies nothing', async () => {
    expect(await migrate(db)).toEqual([]);
  });

  it('posts a balanced entry once, and the balances show it', async () => {
    const first = await db.transaction((tx) => postEntry(tx, sale('stripe:txn_1', 10000, 320)));
    const again = await db.transaction((tx) => postEntry(tx, sale('stripe:txn_1', 10000, 320)));
    expect(first.created).toBe(true);
    expect(again).toEqual({ entryId: first.entryId, created: false });
    const balances = Object.fromEntries((await accountBalances(db, merchantId)).map((b) => [b.role, b.balance]));
    expect(balances).toEqual({ income: 10000, processing_fees: 320, stripe_clearing: 9680 });
  });

  it('the database itself refuses an unbalanced entry', async () => {
    const write = db.transaction(async (tx) => {
      await tx.query(`INSERT INTO ledger_entries (id, merchant_id, kind, source_ref, description, occurred_at) VALUES ('le_bad', $1, 'sale', 'x:bad', 'bad', now())`, [merchantId]);
      await tx.query(`INSERT INTO ledger_postings (entry_id, line, account_role, amount, currency) VALUES ('le_bad', 1, 'income', -100, 'USD')`);
      await tx.query(`INSERT INTO ledger_postings (entry_id, line, account_role, amount, currency) VALUES ('le_bad', 2, 'stripe_clearing', 99, 'USD')`);
    });
    await expect(write).rejects.toThrow(/does not balance/);
    expect(await db.query(`SELECT id FROM ledger_entries WHERE id = 'le_bad'`)).toEqual([]);
  });

  it('the database refuses UPDATE and DELETE on the ledger', async () => {
    await expect(db.query(`UPDATE ledger_postings SET amount = amount + 1`)).rejects.toThrow(/append-only/);
    await expect(db.query(`DELETE FROM ledger_entries`)).rejects.toThrow(/append-only/);
    const balances = await accountBalances(db, merchantId);
    expect(balances.find((b) => b.role === 'income')?.balance).toBe(10000);
  });

  it('records a webhook event once by its platform id', async () => {
    const event = { merchantId, platform: 'stripe', eventId: 'evt_1', eventType: 'payment_intent.succeeded', payload: '{"id":"evt_1"}' };
    const first = await recordInboundEvent(db, event);
    const second = await recordInboundEvent(db, event);
    expect(first.isNew).toBe(true);
    expect(second).toEqual({ id: first.id, isNew: false });
  });

  it('records events given together in one call with the same answers as one by one', async () => {
    const event = (eventId: string) => ({ merchantId, platform: 'stripe', eventId, eventType: 'charge.succeeded', payload: `{"id":"${eventId}"}` });
    const earlier = await recordInboundEvent(db, event('evt_b0'));
    const results = await recordInboundEvents(db, [event('evt_b1'), event('evt_b0'), event('evt_b2'), event('evt_b1')]);
    expect(results.map((r) => r.isNew)).toEqual([true, false, true, false]);
    expect(results[1]!.id).toBe(earlier.id);
    expect(results[3]!.id).toBe(results[0]!.id);
    const rows = await db.query<{ event_id: string; payload: unknown }>(
      `SELECT event_id, payload FROM inbox WHERE event_id LIKE 'evt_b%' ORDER BY id`,
    );
    expect(rows).toEqual([
      { event_id: 'evt_b0', payload: { id: 'evt_b0' } }, { event_id: 'evt_b1', payload: { id: 'evt_b1' } }, { event_id: 'evt_b2', payload: { id: 'evt_b2' } },
    ]);
    expect(await recordInboundEvents(db, [])).toEqual([]);
  });

  it('keeps connection secrets encrypted at rest and readable with the key', async () => {
    const box = new SecretBox(Buffer.alloc(32, 7));
    const store = new ConnectionStore(db, box);
    await store.save({ merchantId, platform: 'stripe', settings: { publishableKey: 'pk_test_1' }, secrets: { secretKey: 'sk_test_SECRET123' } });
    const raw = await db.query<{ secrets: string }>(`SELECT secrets FROM connections WHERE merchant_id = $1`, [merchantId]);
    expect(raw[0]!.secrets).not.toContain('sk_test_SECRET123');
    expect((await store.find(merchantId, 'stripe'))?.secrets).toEqual({ secretKey: 'sk_test_SECRET123' });
  });

  it('finds a merchant by API key and by nothing else', async () => {
    const { merchant, apiKey } = await createMerchant(db, 'Second Shop');
    expect(await findMerchantByApiKey(db, apiKey)).toEqual(merchant);
    expect(await findMerchantByApiKey(db, `${apiKey}x`)).toBeUndefined();
  });
});
