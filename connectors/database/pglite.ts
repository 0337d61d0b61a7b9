import { mkdirSync } from 'node:fs';
import { PGlite, types as pgliteTypes } from '@electric-sql/pglite';
import type { Database, Queryable } from '../../core/storage/database';

/**
 * PGlite: PostgreSQL compiled to WebAssembly, embedded in this process, data in `dataDir`
 * (or in memory when omitted). It serves one connection per data directory, so the server and the
 * worker share one process when Settle runs on it (`npm start`, the demo). Its commits are not
 * fsynced under Node: it is for the demo and trials; production runs on PostgreSQL.
 */
export async function openPglite(options: { dataDir?: string } = {}): Promise<Database> {
  // PGlite makes only the last folder of the path; a fresh SETTLE_DATA_DIR may lack its parents.
  if (options.dataDir) mkdirSync(options.dataDir, { recursive: true });
  const db = await PGlite.create(options.dataDir, {
    parsers: { [pgliteTypes.INT8]: (value: string) => Number(value) },
  });
  const run = async <T,>(target: Pick<PGlite, 'query' | 'exec'>, sql: string, params?: readonly unknown[]) => {
    // exec() takes several statements (migrations); query() takes parameters.
    if (!params || params.length === 0) {
      const results = await target.exec(sql);
      return (results.at(-1)?.rows ?? []) as T[];
    }
    return (await target.query<T>(sql, params as unknown[])).rows;
  };
  // PGlite runs one query at a time; transactions are serialised by its own lock. It has no named
  // prepared statements: QueryOptions.prepare is ignored.
  return {
    kind: 'pglite',
    query: (sql, params) => run(db, sql, params),
    transaction: (work) => db.transaction((tx) => work({ query: (sql, params) => run(tx, sql, params) } satisfies Queryable)),
    close: () => db.close(),
  };
}
