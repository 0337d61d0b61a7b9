import type { Database } from '../../core/storage/database';
import { migrate } from '../../core/storage/migrate';
import { openPglite } from './pglite';
import { openPostgres } from './postgres';

/** PostgreSQL when a URL is given, otherwise embedded PGlite under dataDir; migrated either way. */
export async function openDatabase(options: { databaseUrl?: string; dataDir: string; schema?: string }): Promise<Database> {
  const db = options.databaseUrl
    ? await openPostgres({ url: options.databaseUrl, schema: options.schema })
    : await openPglite({ dataDir: options.dataDir || undefined });
  await migrate(db);
  return db;
}
