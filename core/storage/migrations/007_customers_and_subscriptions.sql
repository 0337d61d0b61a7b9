-- Customers and their saved cards, per merchant, each mapped to the processor's customer and
-- payment method. Only what a merchant recognises a card by is kept (brand, last 4, expiry):
-- card numbers never reach Settle.
CREATE TABLE customers (
  id             text PRIMARY KEY,
  merchant_id    text NOT NULL REFERENCES merchants(id),
  processor_ref  text NOT NULL,
  email          text,
  name           text,
  created_at     timestamptz NOT NULL DEFAULT now(),
  UNIQUE (merchant_id, processor_ref)
);
CREATE INDEX customers_by_merchant ON customers (merchant_id, created_at DESC);

-- A request to save a card (a SetupIntent): the shopper confirms it; the processor's webhook says how it went.
CREATE TABLE card_setups (
  id              text PRIMARY KEY,
  merchant_id     text NOT NULL REFERENCES merchants(id),
  customer_id     text NOT NULL REFERENCES customers(id),
  processor_ref   text NOT NULL,
  status          text NOT NULL CHECK (status IN ('awaiting_card', 'requires_authentication', 'succeeded', 'failed', 'canceled')),
  failure_message text,
  created_at      timestamptz NOT NULL DEFAULT now(),
  updated_at      timestamptz NOT NULL DEFAULT now(),
  UNIQUE (merchant_id, processor_ref)
);

CREATE TABLE saved_cards (
  id             text PRIMARY KEY,
  merchant_id    text NOT NULL REFERENCES merchants(id),
  customer_id    text NOT NULL REFERENCES customers(id),
  processor_ref  text NOT NULL,
  brand          text NOT NULL,
  last4          text NOT NULL CHECK (last4 ~ '^[0-9]{4}$'),
  exp_month      int NOT NULL CHECK (exp_month BETWEEN 1 AND 12),
  exp_year       int NOT NULL,
  created_at     timestamptz NOT NULL DEFAULT now(),
  UNIQUE (merchant_id, processor_ref)
);
CREATE INDEX saved_cards_by_customer ON saved_cards (customer_id);

-- A recurring charge of a fixed price to a customer's saved card (Stripe Billing). processor_ref
-- is set once the processor has created it; its invoices arrive as webhooks, each paid one a payment.
CREATE TABLE subscriptions (
  id                  text PRIMARY KEY,
  merchant_id         text NOT NULL REFERENCES merchants(id),
  customer_id         text NOT NULL REFERENCES customers(id),
  card_id             text NOT NULL REFERENCES saved_cards(id),
  processor_ref       text,
  description         text NOT NULL,
  amount              bigint NOT NULL CHECK (amount > 0),
  currency            text NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
  interval            text NOT NULL CHECK (interval IN ('day', 'week', 'month', 'year')),
  status              text NOT NULL,
  current_period_end  timestamptz,
  created_at          timestamptz NOT NULL DEFAULT now(),
  updated_at          timestamptz NOT NULL DEFAULT now(),
  UNIQUE (merchant_id, processor_ref)
);

-- Payments now also come from a saved card charged off-session (for a store order) and from a
-- subscription's invoice (store_platform 'subscription', order_id = the invoice id). A bank that
-- wants the customer to authenticate an off-session charge leaves it 'requires_authentication'.
ALTER TABLE payments ADD COLUMN customer_id text REFERENCES customers(id);
ALTER TABLE payments ADD COLUMN subscription_id text REFERENCES subscriptions(id);
ALTER TABLE payments ADD COLUMN off_session boolean NOT NULL DEFAULT false;
ALTER TABLE payments DROP CONSTRAINT payments_status_check;
ALTER TABLE payments ADD CONSTRAINT payments_status_check
  -- The full list, the same in 007 and 008: a database may run these two in either order.
  CHECK (status IN ('awaiting_payment', 'processing', 'requires_authentication', 'authorized', 'succeeded', 'failed', 'canceled'));
CREATE INDEX payments_by_subscription ON payments (subscription_id) WHERE subscription_id IS NOT NULL;
