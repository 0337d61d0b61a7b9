-- How a merchant's ledger reaches their books. per_transaction: every sale, fee, refund and payout is
-- its own QuickBooks document. per_payout: one summarised journal entry per payout, matching the bank
-- deposit, and nothing per sale. No row means per_transaction (the mode before this setting existed).
CREATE TABLE books_settings (
  merchant_id   text PRIMARY KEY REFERENCES merchants(id),
  posting_mode  text NOT NULL DEFAULT 'per_transaction' CHECK (posting_mode IN ('per_transaction', 'per_payout')),
  changed_at    timestamptz NOT NULL DEFAULT now()
);

-- Which ledger entries a payout's summary journal carries, fixed the first time the summary is built
-- (a retry posts the same lines under the same request id). An entry is in at most one summary; an
-- entry found here is in the books through that summary and is never posted on its own.
CREATE TABLE books_payout_summaries (
  entry_id         text PRIMARY KEY REFERENCES ledger_entries(id),
  merchant_id      text NOT NULL REFERENCES merchants(id),
  payout_entry_id  text NOT NULL REFERENCES ledger_entries(id)
);
CREATE INDEX books_payout_summaries_payout ON books_payout_summaries (payout_entry_id);

-- Deciding an entry's documents looks up its movement (which payout carried it) by entry.
CREATE INDEX balance_movements_entry ON balance_movements (merchant_id, entry_id);
