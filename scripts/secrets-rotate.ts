/**
 * `npm run secrets:rotate`: re-seals every stored secret (platform tokens and keys, Shopify
 * sessions) with SETTLE_ENCRYPTION_KEY, reading the ones sealed before with the keys in
 * SETTLE_PREVIOUS_ENCRYPTION_KEYS. Run it after restarting Settle with the new key; once it reports
 * nothing unreadable, the previous keys can be removed. Safe to run again. Exits 1 if a secret
 * could be opened by none of the keys (it is left as it was).
 */
import { openDatabase } from '../connectors/database/open';
import { resealSecrets } from '../core/secrets/rotation';
import { SecretBox } from '../core/secrets/secret-box';
import { ConfigError, loadConfig } from '../web/server/config';
import { textTable } from './bench/results';

async function main(): Promise<number> {
  const config = loadConfig();
  const db = await openDatabase({ databaseUrl: config.DATABASE_URL, dataDir: config.dataDir, schema: config.DATABASE_SCHEMA });
  try {
    const results = await resealSecrets(db, new SecretBox(config.encryptionKey, config.previousEncryptionKeys));
    console.log(textTable([
      ['Stored secrets', 'Re-sealed now', 'Already on the current key', 'Unreadable'],
      ...results.map((r) => [`${r.table}.${r.column}`, r.resealed, r.current, r.unreadable]),
    ]));
    const unreadable = results.reduce((n, r) => n + r.unreadable, 0);
    if (unreadable > 0) {
      console.error(`${unreadable} secret(s) open with none of the configured keys: add the key they were sealed with to SETTLE_PREVIOUS_ENCRYPTION_KEYS and run this again.`);
      return 1;
    }
    console.log('Every stored secret is sealed with the current key: SETTLE_PREVIOUS_ENCRYPTION_KEYS can be removed.');
    return 0;
  } finally {
    await db.close();
  }
}

main().then((code) => process.exit(code), (error: unknown) => {
  console.error(error instanceof ConfigError ? error.message : error);
  process.exit(1);
});
