import type { Database, Queryable } from '../storage/database';
import { SettleError } from '../errors';
import { currentConditions, type AlertCondition, type AlertKind, type AlertThresholds } from './conditions';

/** One alert as the admin shows it. Open while `resolvedAt` is null; dismissing only hides the banner. */
export interface Alert {
  id: number;
  kind: AlertKind;
  subject: string;
  title: string;
  message: string;
  firstSeenAt: Date;
  lastSeenAt: Date;
  resolvedAt: Date | null;
  dismissedAt: Date | null;
  emailedAt: Date | null;
}

/** Sends one alert email (SMTP in connectors/mail); throws when the message was not accepted. */
export interface AlertMailer {
  send(message: { to: string; subject: string; text: string }): Promise<void>;
}

/** An open alert is emailed again at most this often while its condition lasts. */
const RE_EMAIL_AFTER_MS = 24 * 60 * 60_000;

type Row = {
  id: string | number; kind: AlertKind; subject: string; title: string; message: string; first_seen_at: Date | string; last_seen_at: Date | string;
  resolved_at: Date | string | null; dismissed_at: Date | string | null; emailed_at: Date | string | null;
};
const COLUMNS = 'id, kind, subject, title, message, first_seen_at, last_seen_at, resolved_at, dismissed_at, emailed_at';
const date = (v: Date | string | null) => (v === null ? null : new Date(v));
const fromRow = (r: Row): Alert => ({
  id: Number(r.id), kind: r.kind, subject: r.subject, title: r.title, message: r.message, firstSeenAt: new Date(r.first_seen_at),
  lastSeenAt: new Date(r.last_seen_at), resolvedAt: date(r.resolved_at), dismissedAt: date(r.dismissed_at), emailedAt: date(r.emailed_at),
});

/** The merchant's open alerts (newest first), and the latest resolved ones when asked. */
export async function listAlerts(db: Queryable, merchantId: string, options: { resolved?: boolean } = {}): Promise<Alert[]> {
  const rows = await db.query<Row>(
    `SELECT ${COLUMNS} FROM alerts WHERE merchant_id = $1 AND (resolved_at IS NULL) <> $2 ORDER BY first_seen_at DESC, id DESC LIMIT 100`,
    [merchantId, options.resolved === true],
  );
  return rows.map(fromRow);
}

/** Hides an alert's banner; it still shows on the status page and resolves by itself when fixed. */
export async function dismissAlert(db: Queryable, merchantId: string, id: number): Promise<Alert> {
  const rows = await db.query<Row>(
    `UPDATE alerts SET dismissed_at = coalesce(dismissed_at, now()) WHERE merchant_id = $1 AND id = $2 RETURNING ${COLUMNS}`, [merchantId, id]);
  if (!rows[0]) throw new SettleError('alert_not_found', 'There is no such alert.', 404);
  return fromRow(rows[0]);
}

export async function alertEmail(db: Queryable, merchantId: string): Promise<string | null> {
  const [row] = await db.query<{ alert_email: string | null }>('SELECT alert_email FROM merchants WHERE id = $1', [merchantId]);
  return row?.alert_email ?? null;
}

export async function setAlertEmail(db: Queryable, merchantId: string, email: string | null): Promise<void> {
  await db.query('UPDATE merchants SET alert_email = $2 WHERE id = $1', [merchantId, email]);
}

export interface AlertCheckOutcome {
  raised: number;
  resolved: number;
  emailed: number;
}

/**
 * The scheduled check for one merchant: a condition not yet alerted opens an alert, one still true
 * is touched (last seen), an open alert whose condition is gone is resolved. The transaction locks
 * the merchant's alerts, so two workers checking at once raise each alert once.
 */
export async function checkAlerts(db: Database, merchantId: string, thresholds: AlertThresholds): Promise<{ raised: number; resolved: number }> {
  const conditions = await currentConditions(db, merchantId, thresholds);
  return db.transaction(async (tx) => {
    await tx.query('SELECT id FROM merchants WHERE id = $1 FOR UPDATE', [merchantId]);
    const open = (await tx.query<Row>(`SELECT ${COLUMNS} FROM alerts WHERE merchant_id = $1 AND resolved_at IS NULL`, [merchantId])).map(fromRow);
    const key = (a: { kind: string; subject: string }) => `${a.kind}\n${a.subject}`;
    const now = new Set(conditions.map(key));
    let raised = 0;
    let resolved = 0;
    for (const alert of open) {
      if (now.has(key(alert))) continue;
      await tx.query('UPDATE alerts SET resolved_at = now() WHERE id = $1', [alert.id]);
      resolved++;
    }
    const known = new Set(open.map(key));
    for (const c of conditions) {
      if (known.has(key(c))) {
        await tx.query('UPDATE alerts SET last_seen_at = now(), title = $4, message = $5 WHERE merchant_id = $1 AND kind = $2 AND subject = $3 AND resolved_at IS NULL',
          [merchantId, c.kind, c.subject, c.title, c.message]);
      } else {
        await raise(tx, merchantId, c);
        raised++;
      }
    }
    return { raised, resolved };
  });
}

async function raise(tx: Queryable, merchantId: string, c: AlertCondition): Promise<void> {
  await tx.query('INSERT INTO alerts (merchant_id, kind, subject, title, message) VALUES ($1, $2, $3, $4, $5)', [merchantId, c.kind, c.subject, c.title, c.message]);
}

/**
 * Emails the merchant's open alerts not emailed yet, or last emailed a day ago: one message per alert.
 * An alert is marked emailed only once the mail server accepted it, after claiming it, so two
 * workers do not both send it; a failed send is tried again at the next check.
 */
export async function emailAlerts(db: Database, merchantId: string, mailer: AlertMailer, merchantName: string): Promise<number> {
  const to = await alertEmail(db, merchantId);
  if (!to) return 0;
  const due = await db.query<Row>(
    `SELECT ${COLUMNS} FROM alerts WHERE merchant_id = $1 AND resolved_at IS NULL
        AND (emailed_at IS NULL OR emailed_at < now() - make_interval(secs => $2)) ORDER BY id`,
    [merchantId, RE_EMAIL_AFTER_MS / 1000],
  );
  let sent = 0;
  for (const alert of due.map(fromRow)) {
    // The claim: only the check that finds it still due (and makes it not due) sends the message.
    const claimed = await db.query(
      `UPDATE alerts SET emailed_at = now() WHERE id = $1 AND resolved_at IS NULL
          AND (emailed_at IS NULL OR emailed_at < now() - make_interval(secs => $2)) RETURNING id`, [alert.id, RE_EMAIL_AFTER_MS / 1000]);
    if (claimed.length === 0) continue;
    try {
      await mailer.send({ to, ...alertMail(alert, merchantName) });
      sent++;
    } catch (error) {
      await db.query('UPDATE alerts SET emailed_at = $2 WHERE id = $1', [alert.id, alert.emailedAt]);
      throw error;
    }
  }
  return sent;
}

/** The email, in plain words: what is wrong, what happens meanwhile, where to look. */
export function alertMail(alert: Alert, merchantName: string): { subject: string; text: string } {
  const since = alert.firstSeenAt.toISOString().slice(0, 16).replace('T', ' ');
  return {
    subject: `Settle: ${alert.title}`,
    text: `Hello ${merchantName},\n\n${alert.message}\n\nSettle first noticed this at ${since} UTC. ` +
      'You can see it, and what is waiting, on the Status tab of Settle in your admin. ' +
      'Settle tells you again once a day while it lasts, and the alert clears by itself when it is fixed.\n\n— Settle\n',
  };
}
