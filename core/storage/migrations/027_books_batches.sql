-- Ledger entries go to QuickBooks in batch requests (up to 30 documents each). A batch is written down
-- with the exact body of every document before it is sent, and its requestid derives from its id:
-- after a crash between QuickBooks' answer and Settle's commit, the same batch is sent again with the
-- same requestid and QuickBooks answers with what it created the first time.
CREATE TABLE books_batches (
  id            text PRIMARY KEY,
  merchant_id   text NOT NULL REFERENCES merchants(id),
  request_id    text NOT NULL UNIQUE,
  created_at    timestamptz NOT NULL DEFAULT now(),
  -- The job sending it (named by its entry's outbox id) holds it until then; after that (the job died)
  -- another job sends it again. The same job, retried, takes it back at once.
  holder        text,
  leased_until  timestamptz,
  -- How many times it was sent (more than once: replayed after a crash or a throttled minute).
  sends         int NOT NULL DEFAULT 0,
  done_at       timestamptz
);
CREATE INDEX books_batches_open ON books_batches (merchant_id, created_at) WHERE done_at IS NULL;

-- One document of a batch: which entry part it posts and exactly what is sent for it.
CREATE TABLE books_batch_items (
  batch_id        text NOT NULL REFERENCES books_batches(id),
  bid             text NOT NULL,
  merchant_id     text NOT NULL REFERENCES merchants(id),
  outbox_id       text NOT NULL REFERENCES outbox(id),
  entry_id        text NOT NULL REFERENCES ledger_entries(id),
  part            text NOT NULL,
  -- The part's own request id (entry.part), as books_documents records it.
  request_id      text NOT NULL,
  -- Settle's books document (what the bookkeeper's words and amounts are) and the books' exact request.
  document        jsonb NOT NULL,
  prepared        jsonb NOT NULL,
  -- Whether the batch holds every part of the entry still to post: once all are posted, the entry is done.
  completes_entry boolean NOT NULL,
  -- posted; review (refused, in the bookkeeper's queue); retry (failed in QuickBooks, to go in a new batch).
  outcome         text CHECK (outcome IN ('posted', 'review', 'retry')),
  PRIMARY KEY (batch_id, bid)
);
-- A request (entry.part, or entry.part.againN once the bookkeeper undid or retried it) is in at most one
-- batch that may still create it: a refused or failed one frees it for a new batch.
CREATE UNIQUE INDEX books_batch_items_claim ON books_batch_items (request_id) WHERE outcome IS NULL OR outcome = 'posted';

-- Who is building a batch for the merchant now: one at a time, so batches are full and never overlap.
CREATE TABLE books_batch_builders (
  merchant_id   text PRIMARY KEY REFERENCES merchants(id),
  holder        text NOT NULL,
  leased_until  timestamptz NOT NULL
);
