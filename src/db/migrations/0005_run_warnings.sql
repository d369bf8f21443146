-- Warnings of a run (issue 15): things AFAS sent that the sync handled but an operator should
-- know about, e.g. a row whose `Modified` lies in the future (the watermark stopped at AFAS's
-- clock instead, see src/activities/sync/watermark-cap.ts). A warning leaves the run's status
-- alone. Activities retry, so a warning is recorded once per (run, dataset, administration,
-- kind, row).
CREATE TABLE sync_run_warnings (
  run_id text NOT NULL REFERENCES sync_runs (run_id) ON DELETE CASCADE,
  dataset text NOT NULL,
  administration integer NOT NULL,
  kind text NOT NULL CHECK (kind IN ('future-modified', 'watermark-reset')),
  -- The row it is about, as `Field=value, …` of its key; '' when it is about the dataset.
  row_key text NOT NULL,
  -- The offending value as AFAS sent it (a `Modified` wall time).
  value text NOT NULL,
  message text NOT NULL,
  recorded_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (run_id, dataset, administration, kind, row_key)
);
