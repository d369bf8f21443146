-- Issue 15: hard deletes in AFAS reach PostgreSQL after one sync. A modified-watermark scope that
-- held at most `full_reload_max_rows` rows at its last reload is reloaded (with delete marking)
-- every run; a larger one is reconciled once `reconcile_interval_seconds` have passed since its
-- last reconcile. A reload that would mark more than `mass_delete_percent` of a scope's live rows
-- deleted is refused (unless the run allows it).
ALTER TABLE sources
  ADD COLUMN full_reload_max_rows integer NOT NULL DEFAULT 20000 CHECK (full_reload_max_rows >= 0),
  ADD COLUMN reconcile_interval_seconds integer NOT NULL DEFAULT 3600 CHECK (reconcile_interval_seconds >= 1),
  ADD COLUMN mass_delete_percent integer NOT NULL DEFAULT 50 CHECK (mass_delete_percent BETWEEN 1 AND 100);

-- When a scope was last read whole (deletes checked), and how many rows AFAS returned then. Both
-- NULL until the first whole read after this migration, which is therefore due at once.
ALTER TABLE sync_state
  ADD COLUMN last_reconciled_at timestamptz,
  ADD COLUMN reconciled_rows bigint;
