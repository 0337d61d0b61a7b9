-- WooCommerce gives every delivery a new delivery id, so a store change is known by what changed:
-- the resource, its id and its modification time. A second delivery (or a back-filled copy) of the
-- same change finds its row and is not processed again.
CREATE TABLE woo_store_changes (
  merchant_id  text NOT NULL REFERENCES merchants(id),
  resource     text NOT NULL CHECK (resource IN ('order', 'product')),
  resource_id  bigint NOT NULL,
  modified_at  text NOT NULL,
  topic        text NOT NULL,
  source       text NOT NULL CHECK (source IN ('webhook', 'backfill')),
  payload      jsonb NOT NULL,
  received_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (merchant_id, resource, resource_id, modified_at)
);

-- The scheduled webhook check remembers when it last looked, so the next back-fill asks the store
-- only for orders modified since then.
CREATE TABLE woo_webhook_checks (
  merchant_id  text PRIMARY KEY REFERENCES merchants(id),
  checked_at   timestamptz NOT NULL,
  repaired     int NOT NULL DEFAULT 0,
  backfilled   int NOT NULL DEFAULT 0
);
