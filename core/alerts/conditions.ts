import type { Queryable } from '../storage/database';

export type AlertKind = 'platform_disconnected' | 'webhooks_failing' | 'books_backlog' | 'payouts_unexplained';

/** Something wrong right now, in the merchant's words: `subject` tells apart two of a kind (the platform, the payout). */
export interface AlertCondition {
  kind: AlertKind;
  subject: string;
  title: string;
  message: string;
}

export interface AlertThresholds {
  /** Books work waiting longer than this is a backlog worth a message (a few minutes' wait is normal work). */
  booksBacklogMinutes: number;
  /** Payments taken but no Stripe webhook for this long: Stripe's events are not reaching Settle. */
  quietWebhookHours: number;
}

export const PLATFORM_NAMES: Record<string, string> = {
  stripe: 'Stripe', woocommerce: 'your WooCommerce store', shopify: 'your Shopify store', quickbooks: 'QuickBooks',
};

const WHAT_WAITS: Record<string, string> = {
  stripe: 'Settle cannot take card payments or send refunds through Stripe until you connect it again.',
  woocommerce: 'Paid orders are not marked paid in the store until you connect it again; nothing is lost.',
  shopify: 'Paid orders are not updated in Shopify until Settle is installed again; nothing is lost.',
  quickbooks: 'Sales, fees and payouts wait to be posted to your books; connect the same company again and Settle posts them.',
};

/** Everything wrong for one merchant now. Each check is one query; none calls another system. */
export async function currentConditions(db: Queryable, merchantId: string, thresholds: AlertThresholds): Promise<AlertCondition[]> {
  const [disconnected, refused, quiet, backlog, payouts] = await Promise.all([
    disconnectedPlatforms(db, merchantId),
    refusedWebhooks(db, merchantId, thresholds.quietWebhookHours),
    quietStripeWebhooks(db, merchantId, thresholds.quietWebhookHours),
    booksBacklog(db, merchantId, thresholds.booksBacklogMinutes),
    unexplainedPayouts(db, merchantId),
  ]);
  // One alert per kind and subject: Stripe's webhooks may be both refused and missing.
  const seen = new Set<string>();
  return [...disconnected, ...refused, ...quiet, ...backlog, ...payouts].filter((c) => {
    const key = `${c.kind}\n${c.subject}`;
    return seen.has(key) ? false : (seen.add(key), true);
  });
}

async function disconnectedPlatforms(db: Queryable, merchantId: string): Promise<AlertCondition[]> {
  const rows = await db.query<{ platform: string; status: string }>(
    `SELECT platform, settings->>'status' AS status FROM connections WHERE merchant_id = $1 AND coalesce(settings->>'status', 'active') <> 'active'`,
    [merchantId],
  );
  return rows.map((r) => {
    const name = PLATFORM_NAMES[r.platform] ?? r.platform;
    const how = r.status === 'disconnected' ? 'was disconnected from Settle' : r.status === 'uninstalled' ? 'removed the Settle app' : 'no longer lets Settle in';
    return {
      kind: 'platform_disconnected' as const, subject: r.platform,
      title: `${capitalise(name)} is not connected`,
      message: `${capitalise(name)} ${how}. ${WHAT_WAITS[r.platform] ?? ''}`.trim(),
    };
  });
}

/** Refusals that count: a few in the window, and none of the platform's deliveries accepted since the last. */
const REFUSALS_BEFORE_ALERT = 3;

/**
 * Deliveries refused because their signature did not match (Settle's secret and the platform's
 * differ: the store was reconnected, the secret was changed there), and nothing accepted since.
 */
async function refusedWebhooks(db: Queryable, merchantId: string, hours: number): Promise<AlertCondition[]> {
  const rows = await db.query<{ platform: string; refused: string | number }>(
    `SELECT r.platform, sum(r.refused) AS refused FROM webhook_refusals r
      WHERE r.merchant_id = $1 AND r.day >= (now() - make_interval(hours => $2))::date
      GROUP BY r.platform
     HAVING sum(r.refused) >= $3
        AND max(r.last_refused_at) > now() - make_interval(hours => $2)
        AND max(r.last_refused_at) > coalesce(CASE r.platform
              WHEN 'woocommerce' THEN (SELECT max(received_at) FROM woo_store_changes WHERE merchant_id = $1 AND source = 'webhook')
              ELSE (SELECT max(received_at) FROM inbox WHERE merchant_id = $1 AND platform = r.platform) END, '-infinity')`,
    [merchantId, hours, REFUSALS_BEFORE_ALERT],
  );
  return rows.map((r) => {
    const store = r.platform === 'woocommerce';
    return {
      kind: 'webhooks_failing' as const, subject: r.platform,
      title: store ? "Your store's webhooks are failing" : `${capitalise(PLATFORM_NAMES[r.platform] ?? r.platform)}'s webhooks are failing`,
      message: `Settle turned away ${Number(r.refused)} message(s) from ${PLATFORM_NAMES[r.platform] ?? r.platform} because their signature did not match, ` +
        `so orders and payments may not update. ${store ? 'Connect the store again in Settle' : 'Connect it again in Settle'} so both sides share the same secret.`,
    };
  });
}

/**
 * Payments were started more than an hour ago (time for their events to arrive) within the window,
 * yet no Stripe event at all reached Settle in it: the webhook endpoint is missing, disabled or its
 * signing secret no longer matches.
 */
async function quietStripeWebhooks(db: Queryable, merchantId: string, hours: number): Promise<AlertCondition[]> {
  const [row] = await db.query<{ payments: string | number; events: string | number }>(
    `SELECT (SELECT count(*) FROM payments WHERE merchant_id = $1 AND status <> 'awaiting_payment'
               AND created_at > now() - make_interval(hours => $2) AND created_at < now() - interval '1 hour') AS payments,
            (SELECT count(*) FROM inbox WHERE merchant_id = $1 AND platform = 'stripe' AND received_at > now() - make_interval(hours => $2)) AS events`,
    [merchantId, hours],
  );
  if (!row || Number(row.payments) === 0 || Number(row.events) > 0) return [];
  return [{
    kind: 'webhooks_failing', subject: 'stripe',
    title: "Stripe's messages are not reaching Settle",
    message: `You took ${Number(row.payments)} payment(s) in the last ${hours} hours, but Settle heard nothing from Stripe about them. ` +
      'Orders may not be marked paid. Check that the webhook endpoint Settle gave you is still set up in Stripe, or connect Stripe again.',
  }];
}

async function booksBacklog(db: Queryable, merchantId: string, minutes: number): Promise<AlertCondition[]> {
  const [row] = await db.query<{ waiting: string | number; oldest: Date | string | null }>(
    `SELECT count(*) AS waiting, min(created_at) AS oldest FROM outbox
      WHERE merchant_id = $1 AND topic = 'books.post_entry' AND done_at IS NULL AND created_at < now() - make_interval(mins => $2)`,
    [merchantId, minutes],
  );
  const waiting = Number(row?.waiting ?? 0);
  if (waiting === 0) return [];
  return [{
    kind: 'books_backlog', subject: '',
    title: 'Your books are falling behind',
    message: `${waiting} sale(s), fee(s) or payout(s) have waited more than ${minutes} minutes to be posted to QuickBooks (the oldest since ${new Date(row!.oldest!).toISOString().slice(0, 16).replace('T', ' ')} UTC). ` +
      'Settle keeps trying; check that QuickBooks is connected and look at the review queue for entries it refused.',
  }];
}

async function unexplainedPayouts(db: Queryable, merchantId: string): Promise<AlertCondition[]> {
  const rows = await db.query<{ subject: string; explanation: string }>(
    `SELECT subject, explanation FROM reconciliation_exceptions WHERE merchant_id = $1 AND kind = 'payout_unexplained' AND status = 'open' ORDER BY id`,
    [merchantId],
  );
  return rows.map((r) => ({
    kind: 'payouts_unexplained' as const, subject: r.subject,
    title: 'A payout does not add up',
    message: `${r.explanation} Open Exceptions in Settle to see the payout's lines.`,
  }));
}

const capitalise = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);
