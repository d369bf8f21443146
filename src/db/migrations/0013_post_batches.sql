-- Issue 19: writing journal entries back to AFAS (FiEntries) as a saga, exactly once, all or
-- nothing. A batch is registered (validated, its content hashed) before its workflow
-- `afas-post/<source>/<batch>` starts; every entry's AFAS entry number, every step and AFAS's
-- answer is kept here, so `afas-sync post status` can say exactly what is in AFAS.
CREATE TABLE post_batches (
  source text NOT NULL,
  batch_id text NOT NULL,
  -- sha256 of the batch as parsed (entries in order): the same id with other content is refused.
  content_hash text NOT NULL,
  origin text NOT NULL CHECK (origin IN ('file', 'outbox')),
  -- posting → (posted_unconfirmed →) confirmed; posting → compensating → compensated | reversed |
  -- compensation_incomplete. posted_unconfirmed: every entry is in AFAS, the copy does not show
  -- them yet (the reason says why); the next sync of the source checks again.
  status text NOT NULL DEFAULT 'posting' CHECK (
    status IN ('posting', 'compensating', 'posted_unconfirmed', 'confirmed', 'compensated', 'reversed',
               'compensation_incomplete')
  ),
  reason text,
  entries integer NOT NULL,
  lines integer NOT NULL,
  workflow_id text NOT NULL,
  cancel_requested_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  -- When every entry was in AFAS, and when the batch reached an end state.
  posted_at timestamptz,
  ended_at timestamptz,
  PRIMARY KEY (source, batch_id)
);
CREATE INDEX post_batches_unconfirmed ON post_batches (source) WHERE status = 'posted_unconfirmed';

CREATE TABLE post_entries (
  source text NOT NULL,
  batch_id text NOT NULL,
  key text NOT NULL,
  -- Order in the batch (0-based): posting goes forward, compensation backward.
  position integer NOT NULL,
  administration integer NOT NULL,
  journal text NOT NULL,
  year integer NOT NULL,
  period integer NOT NULL,
  entry_date date NOT NULL,
  -- What afas-sync appends to every line's description (src/write-back/marker.ts): found in AFAS
  -- by it after an ambiguous outcome, and in journal_lines once synced.
  marker text NOT NULL,
  -- The entry as the batch gave it (BatchEntry of src/write-back/batch-format.ts).
  entry jsonb NOT NULL,
  -- pending → posted → (deleted | reversed | compensation_failed); pending → failed (AFAS refused it).
  status text NOT NULL DEFAULT 'pending' CHECK (
    status IN ('pending', 'posted', 'failed', 'deleted', 'reversed', 'compensation_failed')
  ),
  -- Set before a POST is sent: whoever finds it set without entry_no looks the marker up in AFAS
  -- before posting again (the last attempt may have landed).
  attempted_at timestamptz,
  entry_no bigint,
  -- The reversing entry, when AFAS refused to delete the original.
  reversal_marker text,
  reversal_attempted_at timestamptz,
  reversal_entry_no bigint,
  reversal_year integer,
  reversal_period integer,
  -- AFAS's last message about this entry, and its log reference.
  message text,
  profit_log_reference text,
  confirmed_at timestamptz,
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (source, batch_id, key),
  UNIQUE (source, batch_id, position),
  FOREIGN KEY (source, batch_id) REFERENCES post_batches (source, batch_id) ON DELETE CASCADE
);

-- Every step of every batch, in order: what was done, what AFAS answered.
CREATE TABLE post_steps (
  step_id bigserial PRIMARY KEY,
  source text NOT NULL,
  batch_id text NOT NULL,
  -- null: a step of the whole batch (registered, cancel asked, sync, confirm, ended).
  key text,
  -- post, lookup, delete, reverse, confirm, sync, register, cancel, status
  action text NOT NULL,
  -- ok, found, not_found, locked, ambiguous, refused, failed, …
  outcome text NOT NULL,
  entry_no bigint,
  http_status integer,
  message text,
  profit_log_reference text,
  at timestamptz NOT NULL DEFAULT clock_timestamp(),
  FOREIGN KEY (source, batch_id) REFERENCES post_batches (source, batch_id) ON DELETE CASCADE
);
CREATE INDEX post_steps_by_batch ON post_steps (source, batch_id, step_id);

-- The outbox: an application inserts a batch's entries and lines here, then runs
-- `afas-sync post <source> --outbox <batch>`. The rows are read into the batch file format and
-- validated the same way (README "Writing back: the outbox"); afas-sync never changes them.
CREATE TABLE post_outbox_entries (
  source text NOT NULL,
  batch_id text NOT NULL,
  key text NOT NULL,
  -- Order within the batch; entries without one follow, by key.
  position integer,
  administration integer NOT NULL,
  journal text NOT NULL,
  entry_date date NOT NULL,
  description text,
  voucher_no text,
  year integer,
  period integer,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (source, batch_id, key)
);

CREATE TABLE post_outbox_lines (
  source text NOT NULL,
  batch_id text NOT NULL,
  key text NOT NULL,
  line_no integer NOT NULL,
  account text NOT NULL,
  kind text NOT NULL DEFAULT 'ledger',
  debit numeric(18, 2) NOT NULL DEFAULT 0,
  credit numeric(18, 2) NOT NULL DEFAULT 0,
  description text,
  vat_code text,
  -- [{"axis": "1", "code": "100"}, …] as in the batch file.
  allocations jsonb,
  PRIMARY KEY (source, batch_id, key, line_no),
  FOREIGN KEY (source, batch_id, key) REFERENCES post_outbox_entries (source, batch_id, key) ON DELETE CASCADE
);
