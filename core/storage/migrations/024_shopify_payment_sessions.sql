-- Shopify's Payments Apps sessions: at checkout Shopify posts a payment session (and later refund,
-- capture and void sessions for the same payment) and Settle answers each, once, by resolving or
-- rejecting it through the Payments Apps API. Shopify retries a post it got no answer to, so a
-- session is kept once per shop, kind and Shopify's session id: a retry (even one racing the first)
-- finds the same row, and so the same payment or refund.
CREATE TABLE shopify_payment_sessions (
  shop             text NOT NULL,
  kind             text NOT NULL CHECK (kind IN ('payment', 'refund', 'capture', 'void')),
  session_id       text NOT NULL,
  gid              text NOT NULL,
  merchant_id      text NOT NULL REFERENCES merchants(id),
  -- The Settle payment: made for a payment session, the one the session names for the others.
  payment_id       text NOT NULL REFERENCES payments(id),
  amount           bigint NOT NULL CHECK (amount > 0),
  currency         text NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
  test             boolean NOT NULL,
  -- What Shopify asked (amounts, kind, the payment named), hashed: the same id asking for something else is refused.
  request_hash     text NOT NULL,
  -- cancel_url, the customer's locale, Shopify's group id: what the payment page and support need.
  details          jsonb NOT NULL DEFAULT '{}',
  outcome          text NOT NULL DEFAULT 'open' CHECK (outcome IN ('open', 'resolved', 'rejected')),
  reject_reason    text,
  merchant_message text,
  -- After a payment session is resolved, Shopify names where the shopper goes next (the order status page).
  next_url         text,
  created_at       timestamptz NOT NULL DEFAULT now(),
  updated_at       timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (shop, kind, session_id)
);
CREATE INDEX shopify_payment_sessions_by_payment ON shopify_payment_sessions (payment_id, kind);
