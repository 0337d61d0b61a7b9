import type { Queryable } from '../storage/database';
import type { SecretBox } from '../secrets/secret-box';

export type Platform = 'stripe' | 'woocommerce' | 'quickbooks' | 'shopify';

/**
 * A merchant's link to one platform: `settings` are safe to show (URLs, account ids),
 * `secrets` (API keys, tokens, webhook signing secrets) are sealed before they reach the database.
 */
export interface Connection<S = Record<string, string>, K = Record<string, string>> {
  merchantId: string;
  platform: Platform;
  settings: S;
  secrets: K;
}

export class ConnectionStore {
  constructor(
    private readonly db: Queryable,
    private readonly box: SecretBox,
  ) {}

  async save(connection: Connection<object, object>): Promise<void> {
    await this.db.query(
      `INSERT INTO connections (merchant_id, platform, settings, secrets) VALUES ($1, $2, $3, $4)
       ON CONFLICT (merchant_id, platform) DO UPDATE SET settings = EXCLUDED.settings, secrets = EXCLUDED.secrets, updated_at = now()`,
      [connection.merchantId, connection.platform, JSON.stringify(connection.settings), this.box.seal(JSON.stringify(connection.secrets))],
    );
  }

  async find<S, K>(merchantId: string, platform: Platform): Promise<Connection<S, K> | undefined> {
    const rows = await this.db.query<{ settings: S; secrets: string }>(
      'SELECT settings, secrets FROM connections WHERE merchant_id = $1 AND platform = $2',
      [merchantId, platform],
    );
    const row = rows[0];
    if (!row) return undefined;
    return { merchantId, platform, settings: row.settings, secrets: JSON.parse(this.box.open(row.secrets)) as K };
  }

  async list(merchantId: string): Promise<{ platform: Platform; settings: unknown }[]> {
    return this.db.query<{ platform: Platform; settings: unknown }>(
      'SELECT platform, settings FROM connections WHERE merchant_id = $1 ORDER BY platform',
      [merchantId],
    );
  }
}
