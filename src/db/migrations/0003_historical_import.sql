-- Historical imports (build issue 5). One `imports` row per import of a source: a restarted or
-- cancelled import is resumed on the same row, so partitions already done are never fetched again.
-- One `import_partitions` row per partition (dataset × administration × year × period), holding
-- its committed cursor: each page's rows and the cursor after that page are committed in one
-- transaction. A sync of the source is skipped while one of its imports is planning or running.
CREATE TABLE imports (
  import_id text PRIMARY KEY,
  source text NOT NULL REFERENCES sources (name) ON DELETE CASCADE,
  status text NOT NULL DEFAULT 'planning'
    CHECK (status IN ('planning', 'running', 'succeeded', 'failed', 'cancelled', 'superseded')),
  from_year integer NOT NULL CHECK (from_year BETWEEN 1900 AND 9999),
  to_year integer NOT NULL CHECK (to_year BETWEEN 1900 AND 9999 AND to_year >= from_year),
  datasets text[] NOT NULL CHECK (cardinality(datasets) > 0),
  -- Options as started (page size, partition row limit, pacing): for operators, not read back.
  options jsonb NOT NULL DEFAULT '{}'::jsonb,
  -- The changed-booking-days connector's latest `Modified` when the import first started (AFAS
  -- wall time). On success it becomes the journal-line watermark, so the next incremental sync
  -- re-reads everything changed while the import ran.
  start_watermark text,
  planned_at timestamptz,
  workflow_id text NOT NULL,
  -- sync_runs.run_id of the current attempt (each start of the workflow is one run in the log).
  current_run_id text,
  attempts integer NOT NULL DEFAULT 1,
  -- Pacing: the earliest moment the next AFAS request of this import may be sent.
  pace_next_at timestamptz,
  started_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  finished_at timestamptz,
  error text
);
CREATE UNIQUE INDEX imports_one_active_per_source ON imports (source) WHERE status IN ('planning', 'running');
CREATE INDEX imports_by_source ON imports (source, started_at DESC);

CREATE TABLE import_partitions (
  import_id text NOT NULL REFERENCES imports (import_id) ON DELETE CASCADE,
  partition_key text NOT NULL,
  -- Processing order (most recent years first).
  seq integer NOT NULL,
  dataset text NOT NULL,
  administration integer NOT NULL,
  year integer NOT NULL,
  -- NULL: the "other periods" partition, every period of the year not in excluded_periods.
  period integer,
  excluded_periods integer[],
  status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'running', 'done', 'failed')),
  -- Where the next page starts: {"anchor": {<key field>: <value>} | null, "skip": n}. A partition
  -- larger than the import's row limit continues as a new key range after the anchor (the last
  -- committed key) instead of growing skip. NULL before the first page and once done.
  cursor jsonb,
  rows bigint NOT NULL DEFAULT 0,
  inserted bigint NOT NULL DEFAULT 0,
  updated bigint NOT NULL DEFAULT 0,
  pages integer NOT NULL DEFAULT 0,
  segments integer NOT NULL DEFAULT 1,
  afas_calls integer NOT NULL DEFAULT 0,
  retries integer NOT NULL DEFAULT 0,
  attempts integer NOT NULL DEFAULT 0,
  last_error text,
  error_class text,
  profit_log_reference text,
  started_at timestamptz,
  finished_at timestamptz,
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (import_id, partition_key),
  UNIQUE (import_id, seq)
);
CREATE INDEX import_partitions_todo ON import_partitions (import_id, seq) WHERE status IN ('pending', 'running');
