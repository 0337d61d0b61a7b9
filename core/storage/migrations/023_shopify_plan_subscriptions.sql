-- Settle's plan on each Shopify shop, as Shopify's Billing API last reported it: the shop's features
-- wait until the merchant accepts it. One row a shop; the subscription id is Shopify's gid (text).
CREATE TABLE shopify_plan_subscriptions (
  shop              text PRIMARY KEY,
  subscription_id   text,
  status            text NOT NULL CHECK (status IN ('pending', 'active', 'declined', 'cancelled', 'expired', 'frozen')),
  test              boolean NOT NULL DEFAULT false,
  confirmation_url  text,
  checked_at        timestamptz NOT NULL DEFAULT now()
);
