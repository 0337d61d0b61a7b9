// Migrations 007 (saved cards: requires_authentication) and 008 (SEPA: processing) were written on
// two branches. A new database runs 007 then 008; one that ran main's 008 first runs 007 later. In
// either order a payment may be processing or wait for the customer's authentication.
import { readdir, readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import type { Database } from '../../core/storage/database';
import { createMerchant } from '../../core/merchants/merchants';
import { findPayment, insertPayment, setPaymentStatus, type PaymentStatus } from '../../core/payments/payments';
import { migrate } from '../../core/storage/migrate';
import { openPostgres } from '../../connectors/database/postgres';
import { TEST_DATABASE_URL, freshSchemaName } from '../support/databases';

const MIGRATIONS = fileURLToPath(new URL('../../core/storage/migrations/', import.meta.url));

/** Runs the migrations in the given order and records them, as `migrate` would have over time. */
async function applyInOrder(db: Database, files: string[]) {
  await db.query('CREATE TABLE schema_migrations (name text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())');
  for (const file of files) {
    await db.query(await readFile(MIGRATIONS + file, 'utf8'));
    await db.query('INSERT INTO schema_migrations (name) VALUES ($1)', [file]);
  }
}

async function statusesKept(db: Database): Promise<PaymentStatus[]> {
  const merchantId = (await createMerchant(db, 'Either Order Roasters')).merchant.id;
  const kept: PaymentStatus[] = [];
  for (const [n, status] of (['processing', 'requires_authentication'] as const).entries()) {
    const payment = await insertPayment(db, {
      id: `pay_${n}`, merchantId, storePlatform: 'woocommerce', orderId: String(n), orderNumber: String(n),
      amount: { amount: 1000, currency: 'EUR' }, processorRef: `pi_${n}`,
    });
    await setPaymentStatus(db, payment.id, status);
    kept.push((await findPayment(db, merchantId, payment.id))!.status);
  }
  return kept;
}

describe('payment statuses from both migrations', () => {
  let db: Database | undefined;
  afterEach(() => db?.close());

  it('a new database (007, then 008) keeps processing and requires_authentication', async () => {
    db = await openPostgres({ url: TEST_DATABASE_URL, schema: freshSchemaName() });
    await migrate(db);
    expect(await statusesKept(db)).toEqual(['processing', 'requires_authentication']);
  });

  it('a database that ran 008 before 007 keeps them too', async () => {
    db = await openPostgres({ url: TEST_DATABASE_URL, schema: freshSchemaName() });
    const files = (await readdir(MIGRATIONS)).filter((f) => f.endsWith('.sql')).sort();
    const billing = files.find((f) => f.startsWith('007_'))!;
    await applyInOrder(db, [...files.filter((f) => f !== billing), billing]);
    expect(await migrate(db)).toEqual([]);
    expect(await statusesKept(db)).toEqual(['processing', 'requires_authentication']);
  });
});
