-- AFAS's budget of concurrent calls per environment, shared by every worker process (issue 17.3,
-- src/afas-budget). One row per place: env_key names the environment (type, id, base URL), slot
-- is 0..4 (AFAS allows five calls at once; a source's max_concurrency is at most 5). A place is
-- taken while holder is set and lease_until lies ahead; a crashed worker's place frees itself
-- when its lease runs out. Rows are created on first use of an environment.
CREATE TABLE afas_call_slots (
  env_key text NOT NULL,
  slot smallint NOT NULL CHECK (slot BETWEEN 0 AND 4),
  holder text,
  lease_until timestamptz,
  PRIMARY KEY (env_key, slot)
);
