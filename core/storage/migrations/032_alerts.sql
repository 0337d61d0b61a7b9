-- Alerts the merchant sees in the admin and by email: a platform disconnected, webhooks failing, the
-- books sync falling behind, a payout not explained. One row per condition while it lasts (`subject`
-- says which platform or payout); the scheduled check resolves it when the condition clears, and a
-- later return of the same condition is a new row. emailed_at keeps mail to at most one a day.
CREATE TABLE alerts (
  id             bigserial PRIMARY KEY,
  merchant_id    text NOT NULL REFERENCES merchants(id),
  kind           text NOT NULL CHECK (kind IN ('platform_disconnected', 'webhooks_failing', 'books_backlog', 'payouts_unexplained')),
  subject        text NOT NULL DEFAULT '',
  title          text NOT NULL,
  message        text NOT NULL,
  first_seen_at  timestamptz NOT NULL DEFAULT now(),
  last_seen_at   timestamptz NOT NULL DEFAULT now(),
  resolved_at    timestamptz,
  dismissed_at   timestamptz,
  emailed_at     timestamptz
);
CREATE UNIQUE INDEX alerts_open_condition ON alerts (merchant_id, kind, subject) WHERE resolved_at IS NULL;
CREATE INDEX alerts_by_merchant ON alerts (merchant_id, first_seen_at DESC);

-- Where the merchant wants alert emails (none: alerts show in the admin only).
ALTER TABLE merchants ADD COLUMN alert_email text;

-- Webhook deliveries refused for a known merchant (the signature did not match: a wrong or stale
-- secret), per platform and day. Counted, not kept: only to tell the merchant their webhooks fail.
CREATE TABLE webhook_refusals (
  merchant_id      text NOT NULL REFERENCES merchants(id),
  platform         text NOT NULL,
  day              date NOT NULL,
  refused          int NOT NULL DEFAULT 0,
  last_refused_at  timestamptz NOT NULL,
  PRIMARY KEY (merchant_id, platform, day)
);
