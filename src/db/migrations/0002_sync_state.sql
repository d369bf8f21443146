-- Per (source, dataset, administration): where incremental sync stands. `watermark` is an AFAS
-- wall-clock timestamp (`YYYY-MM-DDTHH:MM:SS`, Europe/Amsterdam) exactly as filters take it.
-- `cursor` holds the committed position of a page-by-page load, written in the same transaction
-- as the rows it covers. Administration 0 stands for environment-wide datasets.
CREATE TABLE sync_state (
  source text NOT NULL REFERENCES sources (name) ON DELETE CASCADE,
  dataset text NOT NULL,
  administration integer NOT NULL,
  watermark text,
  cursor jsonb,
  runs_since_reconcile integer NOT NULL DEFAULT 0,
  last_run_id text,
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (source, dataset, administration)
);

-- The administrations a source exposes, as last discovered through <prefix>_Administrations.
CREATE TABLE source_administrations (
  source text NOT NULL REFERENCES sources (name) ON DELETE CASCADE,
  administration integer NOT NULL,
  name text,
  discovered_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (source, administration)
);

-- What each run did per dataset (and administration, 0 = environment-wide).
CREATE TABLE sync_run_datasets (
  run_id text NOT NULL REFERENCES sync_runs (run_id) ON DELETE CASCADE,
  dataset text NOT NULL,
  administration integer NOT NULL,
  connector_id text NOT NULL,
  status text NOT NULL DEFAULT 'running' CHECK (status IN ('running', 'succeeded', 'failed', 'cancelled', 'skipped')),
  started_at timestamptz NOT NULL DEFAULT now(),
  finished_at timestamptz,
  rows_inserted bigint NOT NULL DEFAULT 0,
  rows_updated bigint NOT NULL DEFAULT 0,
  rows_deleted bigint NOT NULL DEFAULT 0,
  pages integer NOT NULL DEFAULT 0,
  afas_calls integer NOT NULL DEFAULT 0,
  retries integer NOT NULL DEFAULT 0,
  error text,
  error_class text,
  profit_log_reference text,
  PRIMARY KEY (run_id, dataset, administration)
);

-- Booking days already replaced, with the change timestamp they were replaced for: a day whose
-- changed-days `Modified` has not moved since is not fetched again.
CREATE TABLE changed_days_done (
  source text NOT NULL REFERENCES sources (name) ON DELETE CASCADE,
  dataset text NOT NULL,
  administration integer NOT NULL,
  day date NOT NULL,
  modified text NOT NULL,
  replaced_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (source, dataset, administration, day)
);
