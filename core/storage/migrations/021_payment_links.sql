-- Payment links: a merchant's link (/pay/link/<id>) for some of their store's products, or for a
-- custom amount, that any number of shoppers open and pay. Each shopper gets their own payment
-- (store_platform 'link', order_id = their payment_link_sales row), which becomes a paid order in
-- the merchant's store once paid. Deactivated links are kept (their sales refer to them).
CREATE TABLE payment_links (
  id              text PRIMARY KEY,
  merchant_id     text NOT NULL REFERENCES merchants(id),
  description     text NOT NULL,
  currency        text NOT NULL,
  -- A custom-amount link: what every shopper pays, in minor units. NULL for a link to products.
  custom_amount   bigint CHECK (custom_amount > 0),
  -- A link to products: [{productId, name, quantity}]; the prices are the store's when a shopper opens it.
  products        jsonb NOT NULL DEFAULT '[]',
  active          boolean NOT NULL DEFAULT true,
  created_at      timestamptz NOT NULL DEFAULT now(),
  deactivated_at  timestamptz,
  UNIQUE (merchant_id, id),
  CHECK ((custom_amount IS NULL) <> (products = '[]'::jsonb))
);
CREATE INDEX payment_links_by_merchant ON payment_links (merchant_id, created_at DESC);

-- One shopper's purchase through a link: how their payment refers to its link, what they pay for
-- (priced when they opened the link), the email the store's customer is matched by, and the store
-- order it became. The id is derived from the link, the shopper's email, how often they paid through
-- it and the amount, so reloading the page finds the same open payment instead of making another.
CREATE TABLE payment_link_sales (
  id                  text PRIMARY KEY,
  merchant_id         text NOT NULL,
  link_id             text NOT NULL,
  payment_id          text NOT NULL UNIQUE REFERENCES payments(id),
  email               text NOT NULL,
  name                text NOT NULL DEFAULT '',
  lines               jsonb NOT NULL,
  store_order_id      text,
  store_order_number  text,
  created_at          timestamptz NOT NULL DEFAULT now(),
  FOREIGN KEY (merchant_id, link_id) REFERENCES payment_links (merchant_id, id)
);
CREATE INDEX payment_link_sales_by_link ON payment_link_sales (link_id, email);
