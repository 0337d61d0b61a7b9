import type { Queryable } from '../storage/database';

/**
 * Counts one refused webhook delivery for the merchant (nothing for an id no merchant has, so a
 * stranger's guesses write nothing). Called after the refusal was answered; a failure here is harmless.
 */
export async function recordWebhookRefusal(db: Queryable, merchantId: string, platform: string): Promise<void> {
  await db.query(
    `INSERT INTO webhook_refusals (merchant_id, platform, day, refused, last_refused_at)
     SELECT id, $2, current_date, 1, now() FROM merchants WHERE id = $1
     ON CONFLICT (merchant_id, platform, day) DO UPDATE SET refused = webhook_refusals.refused + 1, last_refused_at = now()`,
    [merchantId, platform],
  );
}
