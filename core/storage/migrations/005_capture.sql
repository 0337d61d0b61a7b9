-- Authorize now, capture later. A payment taken with capture_method 'manual' is first 'authorized'
-- (the card holds the money; nothing is in the processor balance yet), then 'succeeded' once the
-- merchant captures all or part of it (amount_captured), or 'canceled' when the merchant releases
-- the hold or it expires. amount stays what the order asked for (and what was authorized).
-- (004 is left to another change in progress.)
ALTER TABLE payments DROP CONSTRAINT payments_status_check;
ALTER TABLE payments ADD CONSTRAINT payments_status_check
  CHECK (status IN ('awaiting_payment', 'authorized', 'succeeded', 'failed', 'canceled'));
ALTER TABLE payments ADD COLUMN capture_method text NOT NULL DEFAULT 'automatic' CHECK (capture_method IN ('automatic', 'manual'));
ALTER TABLE payments ADD COLUMN amount_captured bigint CHECK (amount_captured > 0 AND amount_captured <= amount);
