-- Changes a bookkeeper made in QuickBooks to documents Settle posted there, found by Intuit's webhooks
-- or by the Change Data Capture catch-up. Settle flags them for review and never overwrites them.
-- change_key says which change it is ("sync:<SyncToken>" after an edit, "deleted"), so the webhook and
-- the catch-up finding the same change keep one row.
CREATE TABLE books_flags (
  id             bigserial PRIMARY KEY,
  merchant_id    text NOT NULL REFERENCES merchants(id),
  entry_id       text NOT NULL REFERENCES ledger_entries(id),
  document_type  text NOT NULL,
  document_id    text NOT NULL,
  change         text NOT NULL CHECK (change IN ('edited', 'deleted', 'voided')),
  change_key     text NOT NULL,
  -- What Settle posted and what QuickBooks shows now (minor units), when known.
  posted_amount  bigint NOT NULL,
  current_amount bigint,
  currency       text NOT NULL,
  found_by       text NOT NULL CHECK (found_by IN ('webhook', 'catch_up')),
  found_at       timestamptz NOT NULL DEFAULT now(),
  resolved_at    timestamptz,
  UNIQUE (merchant_id, document_type, document_id, change_key)
);
CREATE INDEX books_flags_open ON books_flags (merchant_id, found_at) WHERE resolved_at IS NULL;

-- Where the Change Data Capture catch-up got to for each QuickBooks company (realm).
CREATE TABLE quickbooks_catch_up (
  merchant_id    text NOT NULL REFERENCES merchants(id),
  realm_id       text NOT NULL,
  changed_since  timestamptz NOT NULL,
  PRIMARY KEY (merchant_id, realm_id)
);
