-- The bookkeeper's review queue: which documents post on their own (rules), which wait for a person
-- (approvals), what was done with QuickBooks' refusals, and documents Settle took back (undo).

-- Per merchant: what is posted without the bookkeeper looking first. A part is approved automatically
-- when any rule that is on says so. "everything" is on by default, so a merchant who never opens the
-- review queue keeps the no-manual-entry flow: every sale, fee, refund and payout posts by itself.
CREATE TABLE books_approval_rules (
  merchant_id      text PRIMARY KEY REFERENCES merchants(id),
  everything       boolean NOT NULL DEFAULT true,
  -- Documents whose amount is below this (minor units, in `under_currency`) post by themselves.
  under_amount     bigint CHECK (under_amount IS NULL OR under_amount > 0),
  under_currency   text,
  -- Receipts for customers Settle has already posted for.
  known_customers  boolean NOT NULL DEFAULT false,
  -- Kinds of document that post by themselves: sale_receipt, refund_receipt, expense, transfer, journal.
  kinds            text[] NOT NULL DEFAULT '{}',
  updated_at       timestamptz NOT NULL DEFAULT now(),
  CHECK ((under_amount IS NULL) = (under_currency IS NULL))
);

-- Parts of ledger entries the rules did not approve: they wait (not failed, not retried) until the
-- bookkeeper approves (the entry's books job runs again and posts it) or rejects (never posted).
CREATE TABLE books_approvals (
  id           bigserial PRIMARY KEY,
  merchant_id  text NOT NULL REFERENCES merchants(id),
  entry_id     text NOT NULL REFERENCES ledger_entries(id),
  part         text NOT NULL,
  kind         text NOT NULL,
  amount       bigint NOT NULL,
  currency     text NOT NULL,
  -- Why it waits, in the bookkeeper's words ("$100.00 is not under $50.00").
  reason       text NOT NULL,
  -- The books document as Settle would post it (core/books/books.ts BooksDocument): the preview
  -- shows exactly this, mapped to QuickBooks.
  document     jsonb NOT NULL,
  status       text NOT NULL DEFAULT 'waiting' CHECK (status IN ('waiting', 'approved', 'rejected')),
  decided_by   text,
  decided_at   timestamptz,
  note         text,
  created_at   timestamptz NOT NULL DEFAULT now(),
  UNIQUE (entry_id, part)
);
CREATE INDEX books_approvals_waiting ON books_approvals (merchant_id, created_at) WHERE status = 'waiting';

-- What the bookkeeper did with a refusal: retried, fixed the mapping, or dismissed with a note.
ALTER TABLE books_review_items
  ADD COLUMN resolution  text CHECK (resolution IN ('retried', 'mapping_fixed', 'dismissed')),
  ADD COLUMN resolved_by text,
  ADD COLUMN note        text;

-- A posted document taken back in QuickBooks (voided or deleted); the ledger is untouched.
ALTER TABLE books_documents
  ADD COLUMN undone_at     timestamptz,
  ADD COLUMN undone_by     text,
  ADD COLUMN undo_operation text CHECK (undo_operation IN ('voided', 'deleted'));

-- Undone documents whose part was posted again: the new document takes the part's place in
-- books_documents, the undone one is kept here for the sync log and the audit.
CREATE TABLE books_undone_documents (
  merchant_id    text NOT NULL REFERENCES merchants(id),
  entry_id       text NOT NULL REFERENCES ledger_entries(id),
  part           text NOT NULL,
  request_id     text NOT NULL UNIQUE,
  document_type  text NOT NULL,
  document_id    text NOT NULL,
  amount         bigint NOT NULL,
  currency       text NOT NULL,
  posted_at      timestamptz NOT NULL,
  undone_at      timestamptz NOT NULL,
  undone_by      text NOT NULL,
  undo_operation text NOT NULL
);
CREATE INDEX books_undone_documents_by_entry ON books_undone_documents (entry_id, part);
