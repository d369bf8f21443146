-- Issue 17.4: the booking days a sync is about to replace live here, not in Temporal. A first sync
-- of 50 administrations × 5 years plans ~90,000 (administration, day) pairs: as an activity result
-- that is MBs, far over Temporal's payload limits. The plan activity writes one row per day batch
-- (one AFAS query and one transaction each) and returns counts; the replace activity reads its
-- batch by number. Rows go when the administration's watermark moves (advanceWatermark), and the
-- leftovers of runs that ended otherwise when the source's next sync plans.
CREATE TABLE changed_day_plans (
  run_id text NOT NULL REFERENCES sync_runs (run_id) ON DELETE CASCADE,
  dataset text NOT NULL,
  administration integer NOT NULL,
  batch integer NOT NULL CHECK (batch >= 1),
  -- [{"day": "YYYY-MM-DD", "modified": "YYYY-MM-DDTHH:MM:SS"}, …]: the days and the change
  -- stamp each is re-read for (recorded in changed_days_done once replaced).
  days jsonb NOT NULL CHECK (jsonb_typeof(days) = 'array'),
  PRIMARY KEY (run_id, dataset, administration, batch)
);
