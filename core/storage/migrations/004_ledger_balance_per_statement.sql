-- The database's balance check, once per INSERT statement instead of once per posting row.
--
-- 001 checked each inserted posting at commit by re-summing all of its entry's postings: an entry
-- of five postings was summed five times, in a PL/pgSQL call and two queries each. Settle now
-- inserts an entry's postings in one statement (postEntry), so the check can run once, at the end
-- of that statement, on the rows it inserted (its transition table) and without reading the table:
--
--   Every INSERT into ledger_postings must insert, for each entry and currency, rows summing to zero.
--
-- That is enough for every entry to balance at all times: postings are only ever inserted (UPDATE
-- and DELETE are refused by 001's triggers), so an entry's postings are a union of groups, each
-- inserted by one statement and each summing to zero per currency, whatever the transactions and
-- their order. Rows inserted before this migration were checked at their commit by 001's trigger.
--
-- The check is stricter than 001's in one way: it is not deferred, so an entry's postings can no
-- longer be spread over several statements that only balance together at commit. A statement that
-- leaves an entry unbalanced fails at once (check_violation, "ledger entry … does not balance"),
-- and with it the transaction.
CREATE FUNCTION ledger_postings_must_balance() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  unbalanced text;
BEGIN
  SELECT entry_id INTO unbalanced FROM new_postings GROUP BY entry_id, currency HAVING sum(amount) <> 0 LIMIT 1;
  IF unbalanced IS NOT NULL THEN
    RAISE EXCEPTION 'ledger entry % does not balance', unbalanced USING ERRCODE = 'check_violation';
  END IF;
  RETURN NULL;
END $$;

CREATE TRIGGER ledger_postings_balance_per_statement AFTER INSERT ON ledger_postings
  REFERENCING NEW TABLE AS new_postings FOR EACH STATEMENT EXECUTE FUNCTION ledger_postings_must_balance();

DROP TRIGGER ledger_postings_balance ON ledger_postings;
DROP FUNCTION ledger_entry_must_balance();
