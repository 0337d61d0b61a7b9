import { randomBytes } from 'node:crypto';
import type { Database } from '../../core/storage/database';
import { openDatabase } from '../../connectors/database/open';

/** The PostgreSQL every developer machine and CI has; each test run works in its own schema. */
export const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

export const freshSchemaName = () => `t_${randomBytes(6).toString('hex')}`;

/** Both adapters, freshly migrated: the same suite runs against each. */
export const DATABASES: { name: string; open: () => Promise<Database> }[] = [
  { name: 'postgres', open: () => openDatabase({ databaseUrl: TEST_DATABASE_URL, dataDir: '', schema: freshSchemaName() }) },
  { name: 'pglite', open: () => openDatabase({ dataDir: '' }) },
];
