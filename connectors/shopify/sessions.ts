import { Session } from '@shopify/shopify-api';
import type { Queryable } from '../../core/storage/database';
import type { SecretBox } from '../../core/secrets/secret-box';

/**
 * The session-storage shape Shopify's app packages use (@shopify/shopify-app-session-storage):
 * what the library's sessions are kept in between requests.
 */
export interface ShopifySessionStorage {
  storeSession(session: Session): Promise<boolean>;
  loadSession(id: string): Promise<Session | undefined>;
  deleteSession(id: string): Promise<boolean>;
  deleteSessions(ids: string[]): Promise<boolean>;
  findSessionsByShop(shop: string): Promise<Session[]>;
}

/**
 * Shopify sessions in PostgreSQL. Everything the library saves about a session (the access token
 * above all) is sealed with Settle's key; only the id, shop and expiry are readable, to find it.
 */
export class PostgresShopifySessions implements ShopifySessionStorage {
  constructor(
    private readonly db: Queryable,
    private readonly box: SecretBox,
  ) {}

  async storeSession(session: Session): Promise<boolean> {
    await this.db.query(
      `INSERT INTO shopify_sessions (id, shop, is_online, sealed, expires_at) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (id) DO UPDATE SET shop = EXCLUDED.shop, is_online = EXCLUDED.is_online, sealed = EXCLUDED.sealed,
         expires_at = EXCLUDED.expires_at, updated_at = now()`,
      [session.id, session.shop, session.isOnline, this.box.seal(JSON.stringify(session.toPropertyArray(true))), session.expires ?? null],
    );
    return true;
  }

  async loadSession(id: string): Promise<Session | undefined> {
    const rows = await this.db.query<{ sealed: string }>('SELECT sealed FROM shopify_sessions WHERE id = $1', [id]);
    return rows[0] && this.open(rows[0].sealed);
  }

  async deleteSession(id: string): Promise<boolean> {
    return this.deleteSessions([id]);
  }

  async deleteSessions(ids: string[]): Promise<boolean> {
    await this.db.query('DELETE FROM shopify_sessions WHERE id = ANY($1::text[])', [ids]);
    return true;
  }

  async findSessionsByShop(shop: string): Promise<Session[]> {
    const rows = await this.db.query<{ sealed: string }>('SELECT sealed FROM shopify_sessions WHERE shop = $1 ORDER BY updated_at DESC', [shop]);
    return rows.map((r) => this.open(r.sealed));
  }

  /** Every token a shop granted, gone (the app was uninstalled): the tokens are dead at Shopify too. */
  async deleteShop(shop: string): Promise<number> {
    return (await this.db.query('DELETE FROM shopify_sessions WHERE shop = $1 RETURNING id', [shop])).length;
  }

  private open(sealed: string): Session {
    return Session.fromPropertyArray(JSON.parse(this.box.open(sealed)) as [string, string | number | boolean][], true);
  }
}
