-- The Shopify app's access to each shop, as @shopify/shopify-api's sessions: the offline token the
-- shop granted on install (and online tokens, if ever asked for), sealed with Settle's key. The shop
-- is kept in the clear so sessions can be found by shop; the token never is.
CREATE TABLE shopify_sessions (
  id          text PRIMARY KEY,
  shop        text NOT NULL,
  is_online   boolean NOT NULL,
  sealed      text NOT NULL,
  expires_at  timestamptz,
  updated_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX shopify_sessions_by_shop ON shopify_sessions (shop);

-- Shopify's customers/data_request: the data Settle holds about one customer of a shop, kept as the
-- export the merchant downloads from Settle's admin and sends to the customer. Erased by shop/redact.
CREATE TABLE shopify_data_requests (
  id              text PRIMARY KEY,
  merchant_id     text NOT NULL REFERENCES merchants(id),
  shop            text NOT NULL,
  request_ref     text NOT NULL,
  customer_email  text,
  export          jsonb NOT NULL,
  created_at      timestamptz NOT NULL DEFAULT now(),
  UNIQUE (merchant_id, request_ref)
);
