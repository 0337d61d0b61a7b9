-- A counter sale is recorded in the merchant's WooCommerce store as a paid order (so stock falls there);
-- the sale keeps the shopper's email it was matched by, and the store order it became.
ALTER TABLE counter_sales ADD COLUMN customer jsonb;
ALTER TABLE counter_sales ADD COLUMN store_order_id text;
ALTER TABLE counter_sales ADD COLUMN store_order_number text;
