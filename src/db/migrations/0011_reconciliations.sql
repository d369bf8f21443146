-- Issue 18: proving the copy. After every sync and historical import the live journal lines,
-- rolled up per administration, year, period and ledger account, are compared with AFAS's own
-- realised period balances (src/db/ledger-proof.ts). One row per run says what was checked and
-- what differed; `afas-sync status` and `runs --run` show it, the worker exports the differing
-- periods of each source's latest row as a metric.
CREATE TABLE reconciliations (
  run_id text PRIMARY KEY REFERENCES sync_runs (run_id) ON DELETE CASCADE,
  source text NOT NULL,
  checked_at timestamptz NOT NULL DEFAULT now(),
  -- {"administrations": [..] | null, "years": [..] | null}: what was checked (null: all).
  scope jsonb NOT NULL,
  -- agrees; differs (account-periods, unbalanced entries or lines outside); unresolved (only
  -- account-periods no rule could resolve); unavailable (nothing to compare yet, see `reason`).
  status text NOT NULL CHECK (status IN ('agrees', 'differs', 'unresolved', 'unavailable')),
  reason text,
  account_periods_checked integer NOT NULL DEFAULT 0,
  periods_checked integer NOT NULL DEFAULT 0,
  -- Periods still differing after the repair (flagged, or left for the next run).
  periods_different integer NOT NULL DEFAULT 0,
  -- Periods whose booking days were re-read, and how many of them agree since.
  periods_repaired integer NOT NULL DEFAULT 0,
  periods_healed integer NOT NULL DEFAULT 0,
  -- Account-periods flagged: the difference survived a repair (AFAS's own inconsistency, or a bug).
  account_periods_flagged integer NOT NULL DEFAULT 0,
  account_periods_unresolved integer NOT NULL DEFAULT 0,
  unbalanced_entries integer NOT NULL DEFAULT 0,
  lines_outside integer NOT NULL DEFAULT 0,
  -- The latest period checked (`YYYY-MM`).
  last_period text,
  -- The first differences, each {administration, year, period, account, afas: {debit, credit},
  -- copy: {debit, credit}, state: differs|healed|flagged|unresolved}, and unbalanced entries.
  differences jsonb NOT NULL DEFAULT '[]',
  unbalanced jsonb NOT NULL DEFAULT '[]'
);
CREATE INDEX reconciliations_by_source ON reconciliations (source, checked_at DESC);

-- A difference that survived a repair, with both figures as they were then. The next run that
-- finds the same figures leaves the period alone (flagged, never repaired in a loop); different
-- figures are a new difference and get one repair again; agreement clears the flag.
CREATE TABLE reconciliation_flags (
  source text NOT NULL REFERENCES sources (name) ON DELETE CASCADE,
  administration integer NOT NULL,
  year integer NOT NULL,
  period integer NOT NULL,
  account text NOT NULL,
  afas_debit numeric NOT NULL,
  afas_credit numeric NOT NULL,
  copy_debit numeric NOT NULL,
  copy_credit numeric NOT NULL,
  run_id text NOT NULL,
  flagged_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (source, administration, year, period, account)
);
