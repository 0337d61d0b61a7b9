-- Three-way reconciliation: what each system said when Settle last read it, the exceptions the
-- set-based match finds between them, and an audit trail of every action and automatic repair.
--
-- Stripe's side needs no snapshot of its own: payments, refunds and balance_movements are already
-- re-read from Stripe on every event (and by the sweep), so they are "Stripe as last read".

-- A store order as the store last showed it (after Settle marked it paid, synced a refund, or the
-- sweep re-read it). refunded: the sum of refunds the store shows on the order.
CREATE TABLE store_order_snapshots (
  merchant_id     text NOT NULL REFERENCES merchants(id),
  store_platform  text NOT NULL,
  order_id        text NOT NULL,
  order_number    text NOT NULL,
  paid            boolean NOT NULL,
  total           bigint NOT NULL,
  currency        text NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
  refunded        bigint NOT NULL DEFAULT 0 CHECK (refunded >= 0),
  read_at         timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (merchant_id, store_platform, order_id)
);

-- A document in the merchant's books as the books last showed it. amount NULL: the books no
-- longer have it (deleted or voided).
CREATE TABLE books_document_snapshots (
  merchant_id     text NOT NULL REFERENCES merchants(id),
  document_type   text NOT NULL,
  document_id     text NOT NULL,
  amount          bigint,
  currency        text,
  read_at         timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (merchant_id, document_type, document_id)
);

-- The match finds each document read back among those posted by its id in the books.
CREATE INDEX books_documents_by_document ON books_documents (merchant_id, document_type, document_id);

-- One row per disagreement, found again (not duplicated) on every run: (kind, subject) names it.
-- subject: the payment id, the store order ("woocommerce:123") when Settle has no payment for it,
-- the ledger entry (books) or the payout. details: the figures, from which the explanation is written.
CREATE TABLE reconciliation_exceptions (
  id             bigserial PRIMARY KEY,
  merchant_id    text NOT NULL REFERENCES merchants(id),
  kind           text NOT NULL CHECK (kind IN (
                   'paid_order_not_updated', 'order_paid_without_payment', 'amount_mismatch',
                   'refund_missing_in_store', 'refund_missing_in_processor',
                   'books_entry_missing', 'books_entry_edited', 'payout_unexplained')),
  subject        text NOT NULL,
  payment_id     text,
  order_number   text,
  details        jsonb NOT NULL,
  explanation    text NOT NULL DEFAULT '',
  status         text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'resolved', 'accepted')),
  note           text,
  first_seen_at  timestamptz NOT NULL DEFAULT now(),
  last_seen_at   timestamptz NOT NULL DEFAULT now(),
  resolved_at    timestamptz,
  UNIQUE (merchant_id, kind, subject)
);
CREATE INDEX reconciliation_exceptions_queue ON reconciliation_exceptions (merchant_id, status, last_seen_at DESC);

-- Who did what to an exception, or what the sweep repaired (exception_id NULL: a repair not tied
-- to one exception, such as a missed webhook recovered). actor: 'sweep' or 'merchant'.
CREATE TABLE reconciliation_audit (
  id             bigserial PRIMARY KEY,
  merchant_id    text NOT NULL REFERENCES merchants(id),
  exception_id   bigint REFERENCES reconciliation_exceptions(id),
  actor          text NOT NULL,
  action         text NOT NULL,
  detail         text NOT NULL,
  at             timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX reconciliation_audit_by_exception ON reconciliation_audit (merchant_id, exception_id, at);

-- Where the sweep left off in each source (Stripe events: the created time of the newest event read).
CREATE TABLE reconciliation_cursors (
  merchant_id    text NOT NULL REFERENCES merchants(id),
  source         text NOT NULL,
  position       text NOT NULL,
  updated_at     timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (merchant_id, source)
);

-- Each sweep, with its progress while it runs (stage, done of total) and its outcome.
CREATE TABLE reconciliation_runs (
  id             bigserial PRIMARY KEY,
  merchant_id    text NOT NULL REFERENCES merchants(id),
  stage          text NOT NULL,
  done           int NOT NULL DEFAULT 0,
  total          int NOT NULL DEFAULT 0,
  outcome        jsonb,
  started_at     timestamptz NOT NULL DEFAULT now(),
  finished_at    timestamptz
);
CREATE INDEX reconciliation_runs_latest ON reconciliation_runs (merchant_id, started_at DESC);
