-- Documents QuickBooks refused for a reason a person must fix (an item or account deleted there, a
-- required field, a business rule), each with an explanation in plain words for the bookkeeper's
-- review queue. Settle does not retry them blindly: resolving the item posts the entry again.
CREATE TABLE books_review_items (
  id            bigserial PRIMARY KEY,
  merchant_id   text NOT NULL REFERENCES merchants(id),
  entry_id      text NOT NULL REFERENCES ledger_entries(id),
  part          text NOT NULL,
  request_id    text NOT NULL,
  -- Intuit's fault code and the field it named (e.g. 2500, Line[0].SalesItemLineDetail.ItemRef).
  fault_code    text NOT NULL,
  fault_element text,
  explanation   text NOT NULL,
  detail        text NOT NULL,
  found_at      timestamptz NOT NULL DEFAULT now(),
  resolved_at   timestamptz
);
-- One open item per entry part: posting again after the same refusal does not add a second.
CREATE UNIQUE INDEX books_review_items_open ON books_review_items (entry_id, part) WHERE resolved_at IS NULL;
CREATE INDEX books_review_items_by_merchant ON books_review_items (merchant_id, found_at) WHERE resolved_at IS NULL;

-- QuickBooks' version of each posted document: an update must send it, a stale one is refused (5010).
ALTER TABLE books_documents ADD COLUMN sync_token text;
