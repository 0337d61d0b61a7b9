-- A payment session's declined attempts on Settle's page. The shopper may try again after a decline
-- a retry can fix; after a few, or at once for a card reported lost or stolen, Settle closes the
-- checkout and rejects Shopify's session with the bank's reason (core/payments/sessions/declines.ts).
-- Counted once per Stripe event: the count and the event's work being done commit together.
ALTER TABLE shopify_payment_sessions ADD COLUMN declines int NOT NULL DEFAULT 0 CHECK (declines >= 0);
-- The last decline's code (Stripe's decline_code): the reason Shopify is given when the checkout is closed.
ALTER TABLE shopify_payment_sessions ADD COLUMN last_decline text;
