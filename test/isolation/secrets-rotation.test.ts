/**
 * Key rotation: secrets sealed with the old key are still read once a new key is configured (the
 * old one listed as previous); `npm run secrets:rotate` re-seals every stored secret with the new
 * key; afterwards the new key alone reads everything, and the old key alone reads nothing. A key
 * that opens nothing is reported, not guessed around.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
import { Session } from '@shopify/shopify-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConnectionStore } from '../../core/merchants/connections';
import { createMerchant } from '../../core/merchants/merchants';
import { resealSecrets } from '../../core/secrets/rotation';
import { SecretBox } from '../../core/secrets/secret-box';
import type { Database } from '../../core/storage/database';
import { openDatabase } from '../../connectors/database/open';
import { PostgresShopifySessions } from '../../connectors/shopify/sessions';
import { DATABASES, TEST_DATABASE_URL, freshSchemaName } from '../support/databases';

const run = promisify(execFile);
const key = () => randomBytes(32);

async function seed(db: Database, box: SecretBox) {
  const { merchant } = await createMerchant(db, 'Rotating Shop');
  const connections = new ConnectionStore(db, box);
  await connections.save({ merchantId: merchant.id, platform: 'stripe', settings: { publishableKey: 'pk_test_r' }, secrets: { secretKey: 'sk_test_rotate_me', webhookSecret: 'whsec_rotate_me' } });
  await connections.save({ merchantId: merchant.id, platform: 'quickbooks', settings: { realmId: '1' }, secrets: { accessToken: 'qb-access-rotate-me', refreshToken: 'qb-refresh-rotate-me' } });
  await new PostgresShopifySessions(db, box).storeSession(new Session({ id: 'offline_rotate.myshopify.com', shop: 'rotate.myshopify.com', state: '', isOnline: false, accessToken: 'shpat_rotate_me' }));
  return merchant.id;
}

const sealedValues = async (db: Database) => [
  ...(await db.query<{ s: string }>('SELECT secrets AS s FROM connections ORDER BY platform')).map((r) => r.s),
  ...(await db.query<{ s: string }>('SELECT sealed AS s FROM shopify_sessions')).map((r) => r.s),
];

describe.each(DATABASES)('rotating the encryption key ($name)', ({ open }) => {
  let db: Database;
  const oldKey = key();
  const newKey = key();
  let merchantId: string;

  beforeAll(async () => {
    db = await open();
    merchantId = await seed(db, new SecretBox(oldKey));
  });
  afterAll(() => db?.close());

  it('reads old secrets with the new key configured and the old one listed as previous', async () => {
    const box = new SecretBox(newKey, [oldKey]);
    expect((await new ConnectionStore(db, box).find<unknown, { secretKey: string }>(merchantId, 'stripe'))?.secrets.secretKey).toBe('sk_test_rotate_me');
    const [first] = await sealedValues(db);
    expect(() => new SecretBox(newKey).open(first!)).toThrow(/none of the configured encryption keys/);
  });

  it('re-seals every stored secret with the new key, once', async () => {
    const before = await sealedValues(db);
    const results = await resealSecrets(db, new SecretBox(newKey, [oldKey]));
    expect(results.map((r) => [r.table, r.resealed, r.current, r.unreadable])).toEqual([['connections', 2, 0, 0], ['shopify_sessions', 1, 0, 0]]);
    const after = await sealedValues(db);
    expect(after.filter((s) => before.includes(s))).toEqual([]);
    // The new key alone opens every one; the old key alone opens none.
    expect(after.map((s) => new SecretBox(newKey).open(s))).toEqual(expect.arrayContaining([expect.stringContaining('sk_test_rotate_me'), expect.stringContaining('shpat_rotate_me')]));
    for (const s of after) expect(() => new SecretBox(oldKey).open(s)).toThrow(/none of the configured encryption keys/);
    // Again: nothing left to do.
    expect((await resealSecrets(db, new SecretBox(newKey, [oldKey]))).map((r) => r.resealed)).toEqual([0, 0]);
    expect((await new ConnectionStore(db, new SecretBox(newKey)).find<unknown, { accessToken: string }>(merchantId, 'quickbooks'))?.secrets.accessToken).toBe('qb-access-rotate-me');
  });

  it('reports a secret no configured key opens, and leaves it as it was', async () => {
    const stranger = new SecretBox(key()).seal('{"secretKey":"sk_test_lost"}');
    await db.query(`UPDATE connections SET secrets = $1 WHERE platform = 'stripe'`, [stranger]);
    const results = await resealSecrets(db, new SecretBox(newKey, [oldKey]));
    expect(results[0]).toMatchObject({ table: 'connections', unreadable: 1, current: 1 });
    expect((await db.query<{ s: string }>(`SELECT secrets AS s FROM connections WHERE platform = 'stripe'`))[0]!.s).toBe(stranger);
  });
});

describe('npm run secrets:rotate', () => {
  it('re-seals the database it is configured for, and says so', async () => {
    const schema = freshSchemaName();
    const oldKey = key();
    const newKey = key();
    const db = await openDatabase({ databaseUrl: TEST_DATABASE_URL, dataDir: '', schema });
    try {
      await seed(db, new SecretBox(oldKey));
      const env = {
        ...process.env, NODE_ENV: 'test', DATABASE_URL: TEST_DATABASE_URL, DATABASE_SCHEMA: schema,
        SETTLE_ENCRYPTION_KEY: newKey.toString('base64'), SETTLE_PREVIOUS_ENCRYPTION_KEYS: `${key().toString('base64')},${oldKey.toString('base64')}`,
      };
      const { stdout } = await run('npx', ['tsx', 'scripts/secrets-rotate.ts'], { env, cwd: new URL('../../', import.meta.url).pathname });
      expect(stdout).toMatch(/connections\.secrets\s+2\s+0\s+0/);
      expect(stdout).toMatch(/shopify_sessions\.sealed\s+1\s+0\s+0/);
      for (const s of await sealedValues(db)) expect(new SecretBox(newKey).open(s)).toBeTruthy();
      // Without the old key, nothing can be read: the command says so and fails.
      const failed = await run('npx', ['tsx', 'scripts/secrets-rotate.ts'], { env: { ...env, SETTLE_ENCRYPTION_KEY: key().toString('base64'), SETTLE_PREVIOUS_ENCRYPTION_KEYS: undefined }, cwd: new URL('../../', import.meta.url).pathname })
        .then(() => undefined, (error: { code: number; stderr: string }) => error);
      expect(failed?.code).toBe(1);
      expect(failed?.stderr).toContain('open with none of the configured keys');
    } finally {
      await db.query(`DROP SCHEMA ${schema} CASCADE`);
      await db.close();
    }
  }, 60_000);
});
