/** A row as the database returns it: column name → value. */
export type Row = Record<string, unknown>;

/** How to send one statement. */
export interface QueryOptions {
  /**
   * For a hot statement of fixed text: PostgreSQL keeps it parsed and planned on each connection
   * (a named prepared statement) instead of parsing and planning it on every call. Not for SQL
   * whose text varies, nor for `SELECT *` (a prepared statement's result columns cannot change).
   * Adapters without prepared statements ignore it.
   */
  prepare?: boolean;
}

/** Something SQL can be sent to: the database itself or an open transaction. */
export interface Queryable {
  query<T = Row>(sql: string, params?: readonly unknown[], options?: QueryOptions): Promise<T[]>;
}

/**
 * The database port. Core speaks plain PostgreSQL SQL to it; the adapters (PostgreSQL through `pg`,
 * PGlite embedded) live in connectors/database and run the same migrations.
 */
export interface Database extends Queryable {
  readonly kind: 'postgres' | 'pglite';
  /** Runs `work` in one transaction: committed if it resolves, rolled back if it throws. */
  transaction<T>(work: (tx: Queryable) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/** PostgreSQL's unique_violation, used to turn "already recorded" into a normal outcome. */
export function isUniqueViolation(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === '23505';
}
