-- Where each merchant is in guided setup, so they can leave and come back to the same step:
-- what they chose to connect, their payment methods and currencies, whether Settle takes test or
-- live payments, the latest preflight results and the latest dry run (with its progress).
CREATE TABLE setup_progress (
  merchant_id   text PRIMARY KEY REFERENCES merchants(id),
  step          text NOT NULL DEFAULT 'choose',
  mode          text NOT NULL DEFAULT 'test' CHECK (mode IN ('test', 'live')),
  -- Which app store or plugin the merchant came from (shopify, woocommerce, quickbooks, direct).
  arrived_from  text NOT NULL DEFAULT 'direct',
  choices       jsonb NOT NULL DEFAULT '{}'::jsonb,
  preflight     jsonb,
  dry_run       jsonb,
  completed_at  timestamptz,
  updated_at    timestamptz NOT NULL DEFAULT now()
);
