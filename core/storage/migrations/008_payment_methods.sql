-- Payment methods beyond online cards (issue 3).
-- 'processing': a delayed-notification payment (SEPA Direct Debit) was submitted and the bank has
-- not answered yet: not paid, nothing in the ledger, the store order unpaid.
ALTER TABLE payments DROP CONSTRAINT payments_status_check;
ALTER TABLE payments ADD CONSTRAINT payments_status_check
  CHECK (status IN ('awaiting_payment', 'processing', 'authorized', 'succeeded', 'failed', 'canceled'));
-- How the shopper paid, in the processor's words (card, sepa_debit, card_present, …), once known.
ALTER TABLE payments ADD COLUMN payment_method_type text;
-- Where the sale happened: the online store, or in person at the merchant's counter (Terminal).
ALTER TABLE payments ADD COLUMN sales_channel text NOT NULL DEFAULT 'online' CHECK (sales_channel IN ('online', 'in_person'));

-- The card readers a merchant registered for counter sales (the processor holds their live status).
CREATE TABLE terminal_readers (
  merchant_id   text NOT NULL REFERENCES merchants(id),
  id            text NOT NULL,
  label         text NOT NULL,
  location_id   text NOT NULL,
  registered_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (merchant_id, id)
);

-- A sale at the counter: what was sold, on which reader. Its money is a payment (sales_channel
-- 'in_person', store_platform 'counter') like any other; no store order stands behind it.
CREATE TABLE counter_sales (
  id            text PRIMARY KEY,
  merchant_id   text NOT NULL REFERENCES merchants(id),
  reader_id     text NOT NULL,
  description   text NOT NULL,
  lines         jsonb NOT NULL DEFAULT '[]',
  payment_id    text NOT NULL UNIQUE REFERENCES payments(id),
  created_at    timestamptz NOT NULL DEFAULT now(),
  FOREIGN KEY (merchant_id, reader_id) REFERENCES terminal_readers(merchant_id, id)
);
