-- Where the shopper goes back to once paid: the store's order-received page, given by the store
-- plugin when it starts the checkout (checked to be on the merchant's store site).
ALTER TABLE payments ADD COLUMN return_url text;
