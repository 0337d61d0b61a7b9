/**
 * Isolation enforced by the database too: under `withMerchantScope` (role settle_merchant,
 * app.merchant_id set, migration 034) merchant A's work sees and changes only A's rows, even when
 * its SQL names merchant B's, in every table that has a merchant_id. Both adapters.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMerchant } from '../../core/merchants/merchants';
import { listPayments } from '../../core/payments/payments';
import { newId } from '../../core/ids';
import { withMerchantScope } from '../../core/storage/merchant-scope';
import type { Database } from '../../core/storage/database';
import { DATABASES } from '../support/databases';

async function seed(db: Database, name: string) {
  const { merchant } = await createMerchant(db, name);
  const paymentId = newId('pay');
  await db.query(
    `INSERT INTO payments (id, merchant_id, store_platform, order_id, order_number, amount, currency, status, processor_ref)
     VALUES ($1, $2, 'woocommerce', '1', '1', 1000, 'USD', 'succeeded', $3)`, [paymentId, merchant.id, `pi_${paymentId}`],
  );
  await db.query(`INSERT INTO refunds (id, merchant_id, payment_id, amount, currency, origin, status) VALUES ($1, $2, $3, 100, 'USD', 'settle', 'succeeded')`, [newId('rf'), merchant.id, paymentId]);
  await db.query(`INSERT INTO connections (merchant_id, platform, settings, secrets) VALUES ($1, 'stripe', '{}', 'v1.sealed')`, [merchant.id]);
  await db.query(`INSERT INTO payment_links (id, merchant_id, description, currency, custom_amount) VALUES ($1, $2, 'Gift', 'USD', 500)`, [newId('pl'), merchant.id]);
  await db.query(`INSERT INTO customers (id, merchant_id, processor_ref, email) VALUES ($1, $2, $3, 'c@example.com')`, [newId('cus'), merchant.id, `cus_${merchant.id}`]);
  return { id: merchant.id, paymentId };
}

const SENSITIVE = ['payments', 'refunds', 'connections', 'payment_links', 'customers'];

describe.each(DATABASES)('row-level security ($name)', ({ open }) => {
  let db: Database;
  let a: Awaited<ReturnType<typeof seed>>;
  let b: Awaited<ReturnType<typeof seed>>;

  beforeAll(async () => {
    db = await open();
    a = await seed(db, 'Alder');
    b = await seed(db, 'Birch');
  });
  afterAll(() => db?.close());

  it('is on, with a policy, for every table that has a merchant_id (and for merchants)', async () => {
    const unprotected = await db.query<{ table_name: string }>(
      `SELECT c.table_name FROM information_schema.columns c JOIN pg_class k ON k.relname = c.table_name AND k.relnamespace = current_schema()::regnamespace
        WHERE c.table_schema = current_schema() AND c.column_name = 'merchant_id' AND k.relkind = 'r'
          AND (NOT k.relrowsecurity OR NOT EXISTS (SELECT 1 FROM pg_policies p WHERE p.schemaname = current_schema() AND p.tablename = c.table_name))`,
    );
    expect(unprotected.map((r) => r.table_name)).toEqual([]);
    const [merchants] = await db.query<{ on: boolean }>(`SELECT relrowsecurity AS on FROM pg_class WHERE oid = 'merchants'::regclass`);
    expect(merchants?.on).toBe(true);
  });

  it("scoped to A, B's rows are not there, whatever the SQL asks", async () => {
    const seen = await withMerchantScope(db, a.id, async (tx) => {
      const counts: Record<string, number> = {};
      for (const table of SENSITIVE) {
        counts[table] = Number((await tx.query<{ n: number }>(`SELECT count(*) AS n FROM ${table} WHERE merchant_id IN ($1, $2)`, [a.id, b.id]))[0]!.n);
      }
      return { counts, bPayments: await listPayments(tx, b.id), merchants: await tx.query<{ id: string }>('SELECT id FROM merchants') };
    });
    expect(seen.counts).toEqual(Object.fromEntries(SENSITIVE.map((t) => [t, 1])));
    expect(seen.bPayments).toEqual([]);
    expect(seen.merchants.map((m) => m.id)).toEqual([a.id]);
  });

  it("scoped to A, B's rows cannot be changed, deleted or written in B's name", async () => {
    const before = await db.query('SELECT * FROM payments WHERE merchant_id = $1', [b.id]);
    const changed = await withMerchantScope(db, a.id, async (tx) => ({
      updated: (await tx.query(`UPDATE payments SET status = 'failed' WHERE id = $1 RETURNING id`, [b.paymentId])).length,
      deleted: (await tx.query(`DELETE FROM refunds WHERE merchant_id = $1 RETURNING id`, [b.id])).length,
      secrets: (await tx.query(`UPDATE connections SET secrets = 'stolen' WHERE merchant_id = $1 RETURNING merchant_id`, [b.id])).length,
    }));
    expect(changed).toEqual({ updated: 0, deleted: 0, secrets: 0 });
    await expect(withMerchantScope(db, a.id, (tx) => tx.query(
      `INSERT INTO payment_links (id, merchant_id, description, currency, custom_amount) VALUES ($1, $2, 'Planted', 'USD', 1)`, [newId('pl'), b.id],
    ))).rejects.toThrow(/row-level security/);
    await expect(withMerchantScope(db, a.id, (tx) => tx.query(`UPDATE payments SET merchant_id = $1 WHERE id = $2`, [b.id, a.paymentId]))).rejects.toThrow(/row-level security/);
    expect(await db.query('SELECT * FROM payments WHERE merchant_id = $1', [b.id])).toEqual(before);
    expect((await db.query<{ n: number }>('SELECT count(*)::int AS n FROM refunds WHERE merchant_id = $1', [b.id]))[0]!.n).toBe(1);
  });

  it('with no merchant set, the role sees no merchant data at all', async () => {
    const n = await db.transaction(async (tx) => {
      await tx.query('SET LOCAL ROLE settle_merchant');
      return Number((await tx.query<{ n: number }>('SELECT count(*) AS n FROM payments'))[0]!.n);
    });
    expect(n).toBe(0);
  });

  it("A's own work goes through: a scoped write to A's rows", async () => {
    const updated = await withMerchantScope(db, a.id, async (tx) => (await tx.query(`UPDATE payment_links SET active = false WHERE merchant_id = $1 RETURNING id`, [a.id])).length);
    expect(updated).toBe(1);
  });
});
