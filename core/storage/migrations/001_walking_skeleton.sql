-- Merchants (tenants) and their platform connections. Every other table carries merchant_id and
-- every query filters on it: a merchant sees only their own data.
CREATE TABLE merchants (
  id            text PRIMARY KEY,
  name          text NOT NULL,
  api_key_hash  text NOT NULL UNIQUE,
  created_at    timestamptz NOT NULL DEFAULT now()
);

-- settings: what may be shown (URLs, account ids); secrets: AES-256-GCM ciphertext, never plaintext.
CREATE TABLE connections (
  merchant_id   text NOT NULL REFERENCES merchants(id),
  platform      text NOT NULL CHECK (platform IN ('stripe', 'woocommerce', 'quickbooks', 'shopify')),
  settings      jsonb NOT NULL,
  secrets       text NOT NULL,
  updated_at    timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (merchant_id, platform)
);

CREATE TABLE payments (
  id              text PRIMARY KEY,
  merchant_id     text NOT NULL REFERENCES merchants(id),
  store_platform  text NOT NULL,
  order_id        text NOT NULL,
  order_number    text NOT NULL,
  amount          bigint NOT NULL CHECK (amount > 0),
  currency        text NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
  status          text NOT NULL CHECK (status IN ('awaiting_payment', 'succeeded', 'failed')),
  processor_ref   text NOT NULL UNIQUE,
  order_status    text NOT NULL DEFAULT 'awaiting_payment' CHECK (order_status IN ('awaiting_payment', 'marking_paid', 'paid')),
  failure_message text,
  created_at      timestamptz NOT NULL DEFAULT now(),
  updated_at      timestamptz NOT NULL DEFAULT now(),
  UNIQUE (merchant_id, store_platform, order_id)
);

-- Webhook inbox: the platform's event id is unique per merchant, so a second delivery is a no-op.
CREATE TABLE inbox (
  id            bigserial PRIMARY KEY,
  merchant_id   text NOT NULL REFERENCES merchants(id),
  platform      text NOT NULL,
  event_id      text NOT NULL,
  event_type    text NOT NULL,
  payload       jsonb NOT NULL,
  received_at   timestamptz NOT NULL DEFAULT now(),
  processed_at  timestamptz,
  UNIQUE (merchant_id, platform, event_id)
);
CREATE INDEX inbox_unprocessed ON inbox (id) WHERE processed_at IS NULL;

-- Double-entry ledger. Postings are signed (debit positive, credit negative) and must sum to zero
-- per currency within an entry; source_ref makes posting the same fact twice impossible.
CREATE TABLE ledger_entries (
  id            text PRIMARY KEY,
  merchant_id   text NOT NULL REFERENCES merchants(id),
  kind          text NOT NULL,
  source_ref    text NOT NULL,
  payment_id    text REFERENCES payments(id),
  description   text NOT NULL,
  occurred_at   timestamptz NOT NULL,
  created_at    timestamptz NOT NULL DEFAULT now(),
  UNIQUE (merchant_id, source_ref)
);

CREATE TABLE ledger_postings (
  entry_id      text NOT NULL REFERENCES ledger_entries(id),
  line          int NOT NULL,
  account_role  text NOT NULL,
  amount        bigint NOT NULL CHECK (amount <> 0),
  currency      text NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
  PRIMARY KEY (entry_id, line)
);

CREATE FUNCTION ledger_entry_must_balance() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF EXISTS (
    SELECT 1 FROM ledger_postings WHERE entry_id = NEW.entry_id
    GROUP BY currency HAVING sum(amount) <> 0
  ) OR NOT EXISTS (SELECT 1 FROM ledger_postings WHERE entry_id = NEW.entry_id) THEN
    RAISE EXCEPTION 'ledger entry % does not balance', NEW.entry_id USING ERRCODE = 'check_violation';
  END IF;
  RETURN NULL;
END $$;

-- Deferred: postings of one entry are inserted one by one; the sum is checked at commit.
CREATE CONSTRAINT TRIGGER ledger_postings_balance AFTER INSERT ON ledger_postings
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION ledger_entry_must_balance();

CREATE FUNCTION ledger_is_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'the ledger is append-only: post a reversing entry instead of % on %', TG_OP, TG_TABLE_NAME
    USING ERRCODE = 'insufficient_privilege';
END $$;

CREATE TRIGGER ledger_entries_append_only BEFORE UPDATE OR DELETE ON ledger_entries
  FOR EACH ROW EXECUTE FUNCTION ledger_is_append_only();
CREATE TRIGGER ledger_postings_append_only BEFORE UPDATE OR DELETE ON ledger_postings
  FOR EACH ROW EXECUTE FUNCTION ledger_is_append_only();

-- Outbox: work for other systems, written in the same transaction as the fact that causes it.
CREATE TABLE outbox (
  id            text PRIMARY KEY,
  merchant_id   text NOT NULL REFERENCES merchants(id),
  topic         text NOT NULL,
  payload       jsonb NOT NULL,
  created_at    timestamptz NOT NULL DEFAULT now(),
  done_at       timestamptz,
  attempts      int NOT NULL DEFAULT 0,
  last_error    text
);
CREATE INDEX outbox_pending ON outbox (created_at) WHERE done_at IS NULL;

-- What each ledger entry became in the merchant's books.
CREATE TABLE books_documents (
  merchant_id    text NOT NULL REFERENCES merchants(id),
  entry_id       text NOT NULL REFERENCES ledger_entries(id),
  part           text NOT NULL,
  request_id     text NOT NULL UNIQUE,
  document_type  text NOT NULL,
  document_id    text NOT NULL,
  amount         bigint NOT NULL,
  currency       text NOT NULL,
  posted_at      timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (entry_id, part)
);

-- The merchant's books account for each ledger role, and the fallback item sales are posted with.
CREATE TABLE books_mapping (
  merchant_id    text NOT NULL REFERENCES merchants(id),
  key            text NOT NULL,
  external_id    text NOT NULL,
  PRIMARY KEY (merchant_id, key)
);
