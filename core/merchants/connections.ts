import type { Queryable } from '../storage/database';
import type { SecretBox } from '../secrets/secret-box';
import { askCheckoutReadiness } from '../payments/sessions/readiness';

export type Platform = 'stripe' | 'woocommerce' | 'quickbooks' | 'shopify';

/**
 * A connection made through the platform's OAuth (Stripe Connect) says whose account it reaches and
 * whether access still holds: `revoked` when the account owner removed Settle at the platform
 * (`uninstalled` when a Shopify shop removed the app),
 * `disconnected` when the merchant did it from Settle. Connections made with API keys have no status.
 */
export type ConnectionStatus = 'active' | 'revoked' | 'disconnected' | 'uninstalled';

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
    // A Shopify shop's checkout offers Settle only while a processor is connected.
    if (connection.platform === 'stripe') await askCheckoutReadiness(this.db, connection.merchantId, 'stripe connected');
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

  async list(merchantId: string): Promise<{ platform: Platform; status: ConnectionStatus; settings: unknown }[]> {
    return this.db.query<{ platform: Platform; status: ConnectionStatus; settings: unknown }>(
      `SELECT platform, coalesce(settings->>'status', 'active') AS status, settings FROM connections WHERE merchant_id = $1 ORDER BY platform`,
      [merchantId],
    );
  }

  /** The merchant whose connection reaches `accountId` at the platform: the active one, else the latest. */
  async merchantForAccount(platform: Platform, accountId: string): Promise<string | undefined> {
    const rows = await this.db.query<{ merchant_id: string }>(
      `SELECT merchant_id FROM connections WHERE platform = $1 AND settings->>'accountId' = $2
        ORDER BY (settings->>'status' = 'active') DESC, updated_at DESC LIMIT 1`,
      [platform, accountId],
    );
    return rows[0]?.merchant_id;
  }
}

/**
 * Ends an active OAuth connection (access revoked at the platform, or disconnected from Settle).
 * Only the connection to `accountId` ends: a merchant who has since connected another account keeps it.
 */
export async function endConnection(db: Queryable, merchantId: string, platform: Platform, accountId: string | null, status: Exclude<ConnectionStatus, 'active'>): Promise<boolean> {
  const rows = await db.query<{ merchant_id: string }>(
    `UPDATE connections SET settings = settings || jsonb_build_object('status', $3::text, 'endedAt', now()), updated_at = now()
      WHERE merchant_id = $1 AND platform = $2 AND settings->>'status' = 'active' AND ($4::text IS NULL OR settings->>'accountId' = $4::text)
      RETURNING merchant_id`,
    [merchantId, platform, status, accountId],
  );
  if (rows.length > 0 && platform === 'stripe') await askCheckoutReadiness(db, merchantId, `stripe ${status}`);
  return rows.length > 0;
}
