-- Reports read balance movements by merchant and day (daily summary, fee report): an index for
-- that range scan, instead of reading a merchant's whole history for a month's figures.
CREATE INDEX balance_movements_by_day ON balance_movements (merchant_id, occurred_at);

-- A long recomputation (e.g. the daily summary over a year), done by the worker a month at a time
-- so the page can show how far it has got. Each step appends its rows and counts itself in one
-- UPDATE, so a run picked up again after a crash resumes where it stopped and doubles nothing.
CREATE TABLE report_runs (
  id           text PRIMARY KEY,
  merchant_id  text NOT NULL REFERENCES merchants(id),
  report       text NOT NULL CHECK (report IN ('daily_summary')),
  from_day     date NOT NULL,
  to_day       date NOT NULL CHECK (to_day >= from_day),
  status       text NOT NULL CHECK (status IN ('queued', 'running', 'done', 'failed')),
  steps_done   int NOT NULL DEFAULT 0,
  steps_total  int NOT NULL CHECK (steps_total > 0 AND steps_done <= steps_total),
  rows         jsonb NOT NULL DEFAULT '[]',
  error        text,
  created_at   timestamptz NOT NULL DEFAULT now(),
  updated_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX report_runs_by_merchant ON report_runs (merchant_id, created_at DESC);
