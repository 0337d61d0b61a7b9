/**
 * Each alert condition, on both databases, raised for the reason it exists and resolved when that
 * reason goes: the books backlog (work waiting longer than the threshold, not younger work), a payout
 * that does not add up, payments taken while Stripe's webhooks stay quiet. And the mail: once per
 * alert, again only after a day, and a refused send is tried again rather than lost. Plus the status
 * figures: work being retried makes its platform "failing".
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Database } from '../../core/storage/database';
import { createMerchant } from '../../core/merchants/merchants';
import { checkAlerts, emailAlerts, listAlerts, setAlertEmail, type AlertMailer } from '../../core/alerts/alerts';
import { merchantStatus } from '../../core/alerts/status';
import { recordWebhookRefusal } from '../../core/alerts/refusals';
import { DATABASES } from '../support/databases';

const THRESHOLDS = { booksBacklogMinutes: 60, quietWebhookHours: 24 };

describe.each(DATABASES)('alert conditions on $name', { timeout: 60_000 }, ({ open }) => {
  let db: Database;
  let merchantId: string;
  let otherId: string;

  // One database per adapter (PGlite takes seconds to migrate); each test has merchants of its own.
  beforeAll(async () => {
    db = await open();
  }, 180_000);
  afterAll(async () => {
    await db.close();
  });
  beforeEach(async () => {
    merchantId = (await createMerchant(db, 'Condition Tea')).merchant.id;
    otherId = (await createMerchant(db, 'Other Tea')).merchant.id;
  });

  const openKinds = async (id = merchantId) => (await listAlerts(db, id)).map((a) => `${a.kind}:${a.subject}`);
  const addBooksWork = (id: string, minutesAgo: number, attempts = 0) =>
    db.query(`INSERT INTO outbox (id, merchant_id, topic, payload, created_at, attempts, last_error) VALUES ($1, $2, 'books.post_entry', '{}', now() - make_interval(mins => $3), $4, $5)`,
      [`books:le_${id}_${minutesAgo}_${attempts}`, id, minutesAgo, attempts, attempts > 0 ? 'QuickBooks failed while posting (503)' : null]);

  it('books backlog: raised for work older than the threshold only, resolved once posted', async () => {
    await addBooksWork(merchantId, 5);
    await checkAlerts(db, merchantId, THRESHOLDS);
    expect(await openKinds()).toEqual([]);
    await addBooksWork(merchantId, 90);
    expect(await checkAlerts(db, merchantId, THRESHOLDS)).toEqual({ raised: 1, resolved: 0 });
    const [alert] = await listAlerts(db, merchantId);
    expect(alert!.title).toBe('Your books are falling behind');
    expect(alert!.message).toContain('1 sale(s), fee(s) or payout(s) have waited more than 60 minutes');
    expect(await openKinds(otherId)).toEqual([]);
    // Still there at the next check: the same alert, not a second one.
    expect(await checkAlerts(db, merchantId, THRESHOLDS)).toEqual({ raised: 0, resolved: 0 });
    await db.query("UPDATE outbox SET done_at = now() WHERE merchant_id = $1", [merchantId]);
    expect(await checkAlerts(db, merchantId, THRESHOLDS)).toEqual({ raised: 0, resolved: 1 });
    expect(await openKinds()).toEqual([]);
    expect((await listAlerts(db, merchantId, { resolved: true }))[0]!.resolvedAt).not.toBeNull();
  });

  it('payout not explained: one alert per payout, resolved when the exception is', async () => {
    await db.query(
      `INSERT INTO reconciliation_exceptions (merchant_id, kind, subject, details, explanation) VALUES
         ($1, 'payout_unexplained', 'po_1', '{}', 'Payout po_1 of 100.00 USD is not explained.'),
         ($1, 'amount_mismatch', 'pay_1', '{}', 'Amounts differ.')`, [merchantId]);
    await checkAlerts(db, merchantId, THRESHOLDS);
    expect(await openKinds()).toEqual(['payouts_unexplained:po_1']);
    await db.query(`UPDATE reconciliation_exceptions SET status = 'resolved' WHERE merchant_id = $1 AND subject = 'po_1'`, [merchantId]);
    await checkAlerts(db, merchantId, THRESHOLDS);
    expect(await openKinds()).toEqual([]);
  });

  it("webhooks failing: payments taken but nothing from Stripe for a day; one webhook clears it", async () => {
    await db.query(
      `INSERT INTO payments (id, merchant_id, store_platform, order_id, order_number, amount, currency, status, processor_ref, created_at)
       VALUES ('pay_q', $1, 'woocommerce', '7', '7', 1000, 'USD', 'succeeded', 'pi_q', now() - interval '3 hours')`, [merchantId]);
    await checkAlerts(db, merchantId, THRESHOLDS);
    expect(await openKinds()).toEqual(['webhooks_failing:stripe']);
    await db.query(`INSERT INTO inbox (merchant_id, platform, event_id, event_type, payload) VALUES ($1, 'stripe', 'evt_1', 'charge.succeeded', '{}')`, [merchantId]);
    await checkAlerts(db, merchantId, THRESHOLDS);
    expect(await openKinds()).toEqual([]);
  });

  it("webhooks failing: the store's deliveries refused (bad signature) three times, cleared by one accepted since", async () => {
    for (let i = 0; i < 2; i++) await recordWebhookRefusal(db, merchantId, 'woocommerce');
    await recordWebhookRefusal(db, 'mer_nobody_has_this_id_xx', 'woocommerce'); // a stranger's guess: nothing kept
    await checkAlerts(db, merchantId, THRESHOLDS);
    expect(await openKinds()).toEqual([]);
    await recordWebhookRefusal(db, merchantId, 'woocommerce');
    await checkAlerts(db, merchantId, THRESHOLDS);
    expect(await openKinds()).toEqual(['webhooks_failing:woocommerce']);
    expect((await listAlerts(db, merchantId))[0]!.message).toContain('Settle turned away 3 message(s) from your WooCommerce store');
    await db.query(
      `INSERT INTO woo_store_changes (merchant_id, resource, resource_id, modified_at, topic, source, payload, received_at)
       VALUES ($1, 'order', 7, '2026-01-01T00:00:00', 'order.updated', 'webhook', '{}', now() + interval '1 second')`, [merchantId]);
    await checkAlerts(db, merchantId, THRESHOLDS);
    expect(await openKinds()).toEqual([]);
  });

  it('emails an alert once, again only after a day, and retries a refused send', async () => {
    const sent: { to: string; subject: string }[] = [];
    let refuse = true;
    const mailer: AlertMailer = {
      send: async (m) => {
        if (refuse) throw new Error('451 try again later');
        sent.push(m);
      },
    };
    await addBooksWork(merchantId, 90);
    await checkAlerts(db, merchantId, THRESHOLDS);
    expect(await emailAlerts(db, merchantId, mailer, 'Condition Tea')).toBe(0); // no address: admin only
    await setAlertEmail(db, merchantId, 'owner@condition.test');
    await expect(emailAlerts(db, merchantId, mailer, 'Condition Tea')).rejects.toThrow('451');
    expect((await listAlerts(db, merchantId))[0]!.emailedAt).toBeNull();
    refuse = false;
    expect(await emailAlerts(db, merchantId, mailer, 'Condition Tea')).toBe(1);
    expect(await emailAlerts(db, merchantId, mailer, 'Condition Tea')).toBe(0);
    expect(sent).toEqual([expect.objectContaining({ to: 'owner@condition.test', subject: 'Settle: Your books are falling behind' })]);
    await db.query("UPDATE alerts SET emailed_at = now() - interval '25 hours' WHERE merchant_id = $1", [merchantId]);
    expect(await emailAlerts(db, merchantId, mailer, 'Condition Tea')).toBe(1);
  });

  it('status: work being retried makes its platform failing, with the reason', async () => {
    await db.query(`INSERT INTO connections (merchant_id, platform, settings, secrets) VALUES ($1, 'quickbooks', '{"realmId":"1"}', 'x'), ($1, 'stripe', '{}', 'x')`, [merchantId]);
    await addBooksWork(merchantId, 2, 3);
    const status = await merchantStatus(db, merchantId);
    expect(status.connections).toEqual([
      { platform: 'quickbooks', name: 'QuickBooks', health: 'failing', problem: 'QuickBooks failed while posting (503)' },
      { platform: 'stripe', name: 'Stripe', health: 'connected', problem: null },
    ]);
    expect(status.booksBacklog.waiting).toBe(1);
    expect(status.pendingWork.find((w) => w.queue === 'books')).toMatchObject({ waiting: 1, failing: 1 });
    expect((await merchantStatus(db, otherId)).pendingWork.every((w) => w.waiting === 0)).toBe(true);
  });
});
