-- Each merchant's rows, enforced by PostgreSQL itself (row-level security), beneath the merchant
-- scoping every query already carries. Enforced for the role `settle_merchant`, which merchant-
-- scoped work assumes with `SET LOCAL ROLE settle_merchant` and `SET LOCAL app.merchant_id`
-- (core/storage/merchant-scope.ts): it sees and changes only that merchant's rows, in every table
-- that has a merchant_id, and the merchant row itself. With no merchant set it sees nothing.
-- The owner (the role migrations and the platform-wide work run as: webhooks routed by account,
-- the worker's queues) is not subject to these policies, as PostgreSQL has it for table owners.

DO $$
BEGIN
  CREATE ROLE settle_merchant NOLOGIN;
EXCEPTION
  -- Roles belong to the whole server: another schema (a test run, a second Settle) made it first.
  WHEN duplicate_object OR unique_violation THEN NULL;
  -- A database user without CREATEROLE: the policies are still made; an operator creates the role
  -- (CREATE ROLE settle_merchant NOLOGIN) and runs the grants below.
  WHEN insufficient_privilege THEN RAISE NOTICE 'settle_merchant could not be created: row-level security policies only';
END $$;

DO $$
DECLARE
  t text;
  role_exists boolean := EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'settle_merchant');
BEGIN
  IF role_exists THEN EXECUTE format('GRANT USAGE ON SCHEMA %I TO settle_merchant', current_schema()); END IF;
  FOR t IN
    SELECT c.table_name FROM information_schema.columns c
      JOIN information_schema.tables tb ON tb.table_schema = c.table_schema AND tb.table_name = c.table_name AND tb.table_type = 'BASE TABLE'
     WHERE c.table_schema = current_schema() AND c.column_name = 'merchant_id'
  LOOP
    EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
    EXECUTE format('DROP POLICY IF EXISTS merchant_rows ON %I', t);
    EXECUTE format(
      'CREATE POLICY merchant_rows ON %I USING (merchant_id = current_setting(''app.merchant_id'', true)) WITH CHECK (merchant_id = current_setting(''app.merchant_id'', true))', t);
    IF role_exists THEN EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON %I TO settle_merchant', t); END IF;
  END LOOP;
  -- Sequences behind bigserial ids, so a scoped insert can take the next id.
  FOR t IN SELECT sequence_name FROM information_schema.sequences WHERE sequence_schema = current_schema() AND role_exists LOOP
    EXECUTE format('GRANT USAGE ON SEQUENCE %I TO settle_merchant', t);
  END LOOP;
END $$;

ALTER TABLE merchants ENABLE ROW LEVEL SECURITY;
DROP POLICY IF EXISTS merchant_self ON merchants;
CREATE POLICY merchant_self ON merchants USING (id = current_setting('app.merchant_id', true)) WITH CHECK (id = current_setting('app.merchant_id', true));
DO $$
BEGIN
  IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'settle_merchant') THEN GRANT SELECT, UPDATE ON merchants TO settle_merchant; END IF;
END $$;
