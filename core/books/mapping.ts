import type { Queryable } from '../storage/database';

/**
 * Which account, item or customer in the merchant's books stands for each thing Settle posts
 * (e.g. "account:stripe_clearing" → QuickBooks Account 42). Filled by the mapping step of setup, or
 * on first use by finding or creating the documented default.
 */
export class BooksMapping {
  constructor(
    private readonly db: Queryable,
    private readonly merchantId: string,
  ) {}

  async get(key: string): Promise<string | undefined> {
    const rows = await this.db.query<{ external_id: string }>('SELECT external_id FROM books_mapping WHERE merchant_id = $1 AND key = $2', [this.merchantId, key]);
    return rows[0]?.external_id;
  }

  async set(key: string, externalId: string): Promise<void> {
    await this.db.query(
      `INSERT INTO books_mapping (merchant_id, key, external_id) VALUES ($1, $2, $3)
       ON CONFLICT (merchant_id, key) DO UPDATE SET external_id = EXCLUDED.external_id`,
      [this.merchantId, key, externalId],
    );
  }

  /** Every mapping whose key starts with `prefix` (e.g. "item:sku:"), key → id. */
  async entries(prefix: string): Promise<Map<string, string>> {
    const rows = await this.db.query<{ key: string; external_id: string }>(
      `SELECT key, external_id FROM books_mapping WHERE merchant_id = $1 AND left(key, length($2)) = $2 ORDER BY key`,
      [this.merchantId, prefix],
    );
    return new Map(rows.map((r) => [r.key, r.external_id]));
  }

  /** The mapped id, or the one `create` finds or makes (remembered for next time). */
  async resolve(key: string, create: () => Promise<string>): Promise<string> {
    const known = await this.get(key);
    if (known) return known;
    const id = await create();
    await this.set(key, id);
    return id;
  }
}
