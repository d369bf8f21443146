-- Sources: one AFAS environment each. The token is sealed with AES-256-GCM (see src/db/token-crypto.ts);
-- no column ever holds it in plain text.
CREATE TABLE sources (
  name text PRIMARY KEY CHECK (name ~ '^[a-z0-9][a-z0-9_-]{0,62}$'),
  environment_id text NOT NULL CHECK (environment_id ~ '^[0-9]{1,10}$'),
  environment_type text NOT NULL CHECK (environment_type IN ('production', 'test', 'accept')),
  base_url text CHECK (base_url IS NULL OR base_url ~ '^https?://'),
  token_sealed text NOT NULL,
  token_key_id text NOT NULL,
  integration_id text,
  connector_prefix text NOT NULL DEFAULT 'Profit_',
  connector_map jsonb NOT NULL DEFAULT '{}'::jsonb,
  sync_interval_seconds integer NOT NULL DEFAULT 900 CHECK (sync_interval_seconds >= 60),
  max_concurrency integer NOT NULL DEFAULT 4 CHECK (max_concurrency BETWEEN 1 AND 5),
  status text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'needs_attention')),
  status_reason text,
  last_checked_at timestamptz,
  last_success_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);

-- One row per workflow run that touched a source (sync, historical import, check).
CREATE TABLE sync_runs (
  run_id text PRIMARY KEY,
  source text NOT NULL REFERENCES sources (name) ON DELETE CASCADE,
  kind text NOT NULL CHECK (kind IN ('sync', 'import', 'check')),
  workflow_id text NOT NULL,
  workflow_run_id text NOT NULL,
  status text NOT NULL DEFAULT 'running'
    CHECK (status IN ('running', 'succeeded', 'partial', 'failed', 'cancelled')),
  started_at timestamptz NOT NULL DEFAULT now(),
  finished_at timestamptz,
  rows_inserted bigint NOT NULL DEFAULT 0,
  rows_updated bigint NOT NULL DEFAULT 0,
  rows_deleted bigint NOT NULL DEFAULT 0,
  pages integer NOT NULL DEFAULT 0,
  afas_calls integer NOT NULL DEFAULT 0,
  retries integer NOT NULL DEFAULT 0,
  error text,
  profit_log_reference text,
  details jsonb NOT NULL DEFAULT '{}'::jsonb
);
CREATE INDEX sync_runs_by_source ON sync_runs (source, started_at DESC);
