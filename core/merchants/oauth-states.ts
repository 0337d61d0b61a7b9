import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Queryable } from '../storage/database';
import type { Platform } from './connections';

/**
 * The `state` of an OAuth connection flow: a random nonce kept in the database for the merchant who
 * started it, signed with Settle's key for that merchant. It comes back once, before it expires; a
 * forged, replayed or expired state finds no merchant, so a code can never land on the wrong one.
 */
export class OAuthStates {
  private readonly key: Buffer;
  constructor(
    private readonly db: Queryable,
    encryptionKey: Buffer,
  ) {
    this.key = createHmac('sha256', encryptionKey).update('settle oauth states').digest();
  }

  private mac(platform: Platform, merchantId: string, nonce: string): Buffer {
    return createHmac('sha256', this.key).update(`${platform}.${merchantId}.${nonce}`).digest();
  }

  async issue(merchantId: string, platform: Platform, ttlSeconds: number): Promise<string> {
    const nonce = randomBytes(24).toString('base64url');
    await this.db.query(
      `INSERT INTO oauth_states (nonce, merchant_id, platform, expires_at) VALUES ($1, $2, $3, now() + make_interval(secs => $4))`,
      [nonce, merchantId, platform, ttlSeconds],
    );
    return `${nonce}.${this.mac(platform, merchantId, nonce).toString('base64url')}`;
  }

  /** The merchant the state was issued to, if it is genuine, unexpired and unused; it is used up now. */
  async consume(state: string | undefined, platform: Platform): Promise<string | undefined> {
    const [nonce, mac, ...rest] = (state ?? '').split('.');
    if (!nonce || !mac || rest.length > 0) return undefined;
    const rows = await this.db.query<{ merchant_id: string }>(
      `UPDATE oauth_states SET used_at = now() WHERE nonce = $1 AND platform = $2 AND used_at IS NULL AND expires_at > now() RETURNING merchant_id`,
      [nonce, platform],
    );
    const merchantId = rows[0]?.merchant_id;
    if (!merchantId) return undefined;
    const given = Buffer.from(mac, 'base64url');
    const expected = this.mac(platform, merchantId, nonce);
    return given.length === expected.length && timingSafeEqual(given, expected) ? merchantId : undefined;
  }
}
