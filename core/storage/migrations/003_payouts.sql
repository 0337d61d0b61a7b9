-- Payouts as the processor reported them: what the bank should have received and when. The
-- movements a payout carried point at it by balance_movements.payout_id = processor_ref, and the
-- payout report proves amount = Σ net of those movements.
CREATE TABLE payouts (
  merchant_id    text NOT NULL REFERENCES merchants(id),
  processor_ref  text NOT NULL,
  amount         bigint NOT NULL,
  currency       text NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
  status         text NOT NULL,
  -- The day the bank is expected to show it (Stripe stamps midnight UTC of that day).
  arrival_date   date NOT NULL,
  created_at     timestamptz NOT NULL DEFAULT now(),
  updated_at     timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (merchant_id, processor_ref)
);
CREATE INDEX payouts_by_arrival ON payouts (merchant_id, arrival_date DESC);
