-- Every balance transaction the processor reported, kept with what the ledger needs to explain it
-- (category, fee details, exchange rate, availability) and the entry it was posted as.
-- payout_id is filled when a payout is seen to carry it: the payout report reads it.
CREATE TABLE balance_movements (
  merchant_id    text NOT NULL REFERENCES merchants(id),
  id             text NOT NULL,
  category       text NOT NULL,
  amount         bigint NOT NULL,
  fee            bigint NOT NULL,
  net            bigint NOT NULL CHECK (net = amount - fee),
  currency       text NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
  fee_details    jsonb NOT NULL DEFAULT '[]',
  exchange_rate  numeric,
  source_id      text,
  payment_id     text REFERENCES payments(id),
  payout_id      text,
  occurred_at    timestamptz NOT NULL,
  available_on   timestamptz NOT NULL,
  entry_id       text NOT NULL REFERENCES ledger_entries(id),
  PRIMARY KEY (merchant_id, id)
);
CREATE INDEX balance_movements_payout ON balance_movements (merchant_id, payout_id);
CREATE INDEX balance_movements_payment ON balance_movements (payment_id);

-- Refunds, whoever started them: Settle's API (origin settle), a store's admin (store) or the
-- processor's dashboard (processor, seen only as a webhook). processor_ref is set once the
-- processor has it; one processor refund is one row.
CREATE TABLE refunds (
  id              text PRIMARY KEY,
  merchant_id     text NOT NULL REFERENCES merchants(id),
  payment_id      text NOT NULL REFERENCES payments(id),
  amount          bigint NOT NULL CHECK (amount > 0),
  currency        text NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
  reason          text,
  origin          text NOT NULL CHECK (origin IN ('settle', 'store', 'processor')),
  status          text NOT NULL CHECK (status IN ('requested', 'pending', 'succeeded', 'failed', 'canceled')),
  processor_ref   text UNIQUE,
  failure_message text,
  created_at      timestamptz NOT NULL DEFAULT now(),
  updated_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX refunds_payment ON refunds (payment_id);

CREATE TABLE disputes (
  merchant_id     text NOT NULL REFERENCES merchants(id),
  processor_ref   text NOT NULL,
  payment_id      text NOT NULL REFERENCES payments(id),
  amount          bigint NOT NULL,
  currency        text NOT NULL,
  reason          text NOT NULL,
  status          text NOT NULL,
  evidence_due_by timestamptz,
  created_at      timestamptz NOT NULL DEFAULT now(),
  updated_at      timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (merchant_id, processor_ref)
);
