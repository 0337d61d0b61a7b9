-- The store's recent orders, read when the merchant connects a WooCommerce store (and again when they
-- ask), so the three-way match knows the orders from before Settle. The worker reads a page of 100
-- at a time and counts what it has done, so the admin can show how far it has got. Every order is an
-- upsert of its snapshot: a run done twice, or a store connected again, records each order once.
CREATE TABLE woo_order_imports (
  id              text PRIMARY KEY,
  merchant_id     text NOT NULL REFERENCES merchants(id),
  -- Orders modified after this instant are read.
  modified_after  timestamptz NOT NULL,
  reason          text NOT NULL CHECK (reason IN ('connected', 'requested')),
  status          text NOT NULL CHECK (status IN ('queued', 'running', 'done', 'failed')),
  pages_done      int NOT NULL DEFAULT 0,
  pages_total     int,
  orders_done     int NOT NULL DEFAULT 0,
  orders_total    int,
  -- What went wrong, in words, for a failed run.
  error           text,
  created_at      timestamptz NOT NULL DEFAULT now(),
  started_at      timestamptz,
  finished_at     timestamptz,
  updated_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX woo_order_imports_by_merchant ON woo_order_imports (merchant_id, created_at DESC);
-- One import at a time per store: a second start while one runs is a conflict, not a second reader.
CREATE UNIQUE INDEX woo_order_imports_one_unfinished ON woo_order_imports (merchant_id) WHERE status IN ('queued', 'running');
