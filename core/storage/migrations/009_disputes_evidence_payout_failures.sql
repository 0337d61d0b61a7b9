-- Disputes: what the merchant sent their bank as evidence, and when (the processor keeps the
-- evidence itself; Settle keeps a copy so the admin shows what was argued without asking Stripe).
ALTER TABLE disputes ADD COLUMN evidence jsonb NOT NULL DEFAULT '{}';
ALTER TABLE disputes ADD COLUMN evidence_submitted_at timestamptz;

-- Payouts the bank returned: why (Stripe's failure code and message, shown to the merchant), and
-- whether Stripe finished matching the payout's balance transactions (payout.reconciliation_completed).
ALTER TABLE payouts ADD COLUMN failure_code text;
ALTER TABLE payouts ADD COLUMN failure_message text;
ALTER TABLE payouts ADD COLUMN reconciliation_status text;
