// The posting saga's batch-level state (issue 19): starting, ending and confirming a batch in
// post_batches, with a post_steps row for every change of status. Entry-level writes (posting,
// compensating) live in src/db/post-entries.ts; registration in src/db/post-batches.ts.
import type pg from 'pg';
import { LEDGER_PROOF } from '../catalog/index.js';
import type { BatchEntry } from '../write-back/batch-format.js';
import type { SyncedLine } from '../write-back/confirm-lines.js';
import {
  FINAL_BATCH_STATUSES,
  type BatchRef,
  type BatchStatus,
  type EntryStatus,
  type PostBatchResult,
} from '../write-back/post-types.js';
import { columnsOf, hasColumns, tableName } from './ledger-sql.js';
import { ident } from './pool.js';

export class PostBatchNotFoundError extends Error {
  constructor(ref: BatchRef) {
    super(`batch ${ref.batch} of source ${ref.source} is not registered (afas-sync post registers it)`);
    this.name = 'PostBatchNotFoundError';
  }
}

export interface BatchEntryState {
  key: string;
  status: EntryStatus;
  entryNo: number | null;
  attempted: boolean;
}

export interface BatchState {
  status: BatchStatus;
  cancelRequested: boolean;
  entries: BatchEntryState[];
}

export interface PostedEntryRow {
  key: string;
  administration: number;
  journal: string;
  entryNo: number;
  entryDate: string;
  marker: string;
  entry: BatchEntry;
}

/** The journal-line fields confirming compares; the ledger proof's, plus date, journal and description. */
const LINES = {
  ...LEDGER_PROOF.lines,
  dateField: 'EntryDate',
  journalField: 'JournalId',
  descriptionField: 'Description',
} as const;

export class PostSagaStore {
  constructor(
    private readonly pool: pg.Pool,
    private readonly schema: string,
  ) {}

  private table(name: string): string {
    return tableName(this.schema, name);
  }

  async state(ref: BatchRef): Promise<BatchState> {
    const batch = await this.pool.query<{ status: BatchStatus; cancel_requested: boolean }>(
      `SELECT status, cancel_requested_at IS NOT NULL AS cancel_requested
         FROM ${this.table('post_batches')} WHERE source = $1 AND batch_id = $2`,
      [ref.source, ref.batch],
    );
    const row = batch.rows[0];
    if (!row) throw new PostBatchNotFoundError(ref);
    const entries = await this.pool.query<{
      key: string;
      status: EntryStatus;
      entry_no: string | null;
      attempted: boolean;
    }>(
      `SELECT key, status, entry_no, attempted_at IS NOT NULL AS attempted
         FROM ${this.table('post_entries')} WHERE source = $1 AND batch_id = $2 ORDER BY position`,
      [ref.source, ref.batch],
    );
    return {
      status: row.status,
      cancelRequested: row.cancel_requested,
      entries: entries.rows.map((entry) => ({
        key: entry.key,
        status: entry.status,
        entryNo: entry.entry_no === null ? null : Number(entry.entry_no),
        attempted: entry.attempted,
      })),
    };
  }

  /**
   * Sets the batch's status and reason. A step is recorded only when either changed, so retried
   * activities and confirming polls do not repeat it. Final statuses stamp ended_at; posted ones posted_at.
   */
  async setStatus(ref: BatchRef, status: BatchStatus, reason: string | null): Promise<void> {
    const final = FINAL_BATCH_STATUSES.includes(status);
    const posted = status === 'posted_unconfirmed' || status === 'confirmed';
    await this.pool.query(
      `WITH changed AS (
         UPDATE ${this.table('post_batches')}
            SET status = $3, reason = $4, updated_at = now(),
                posted_at = CASE WHEN $5 THEN COALESCE(posted_at, now()) ELSE posted_at END,
                ended_at = CASE WHEN $6 THEN COALESCE(ended_at, now()) ELSE NULL END
          WHERE source = $1 AND batch_id = $2
            AND (status IS DISTINCT FROM $3 OR reason IS DISTINCT FROM $4)
          RETURNING source, batch_id)
       INSERT INTO ${this.table('post_steps')} (source, batch_id, action, outcome, message)
       SELECT source, batch_id, 'status', $3, $4 FROM changed`,
      [ref.source, ref.batch, status, reason, posted, final],
    );
  }

  async result(ref: BatchRef): Promise<PostBatchResult> {
    const found = await this.pool.query<Omit<PostBatchResult, keyof BatchRef>>(
      `SELECT b.status, b.reason, b.entries,
              count(e.entry_no)::int AS posted,
              count(*) FILTER (WHERE e.status = 'deleted')::int AS deleted,
              count(*) FILTER (WHERE e.status = 'reversed')::int AS reversed,
              COALESCE(array_agg(e.key ORDER BY e.position)
                FILTER (WHERE e.status = 'compensation_failed'
                           OR (b.status = 'compensation_incomplete' AND e.status = 'posted')), '{}') AS remaining
         FROM ${this.table('post_batches')} b
         JOIN ${this.table('post_entries')} e USING (source, batch_id)
        WHERE b.source = $1 AND b.batch_id = $2
        GROUP BY b.status, b.reason, b.entries`,
      [ref.source, ref.batch],
    );
    const row = found.rows[0];
    if (!row) throw new PostBatchNotFoundError(ref);
    return { ...ref, ...row };
  }

  /** The batch's entries AFAS holds (entry number recorded, not taken back). */
  async postedEntries(ref: BatchRef): Promise<PostedEntryRow[]> {
    const found = await this.pool.query<{
      key: string;
      administration: number;
      journal: string;
      entry_no: string;
      entry_date: string;
      marker: string;
      entry: BatchEntry;
    }>(
      `SELECT key, administration, journal, entry_no, to_char(entry_date, 'YYYY-MM-DD') AS entry_date,
              marker, entry
         FROM ${this.table('post_entries')}
        WHERE source = $1 AND batch_id = $2 AND status = 'posted' AND entry_no IS NOT NULL
        ORDER BY position`,
      [ref.source, ref.batch],
    );
    return found.rows.map((row) => ({
      key: row.key,
      administration: row.administration,
      journal: row.journal,
      entryNo: Number(row.entry_no),
      entryDate: row.entry_date,
      marker: row.marker,
      entry: row.entry,
    }));
  }

  /**
   * journal_lines' live lines of these entries, keyed `administration/entryNo`. Null when the
   * table (or a column confirming needs) is not there: no sync has loaded journal lines yet.
   */
  async syncedLines(
    source: string,
    entries: readonly Pick<PostedEntryRow, 'administration' | 'entryNo'>[],
  ): Promise<Map<string, SyncedLine[]> | null> {
    const needed = [
      LINES.administrationField,
      LINES.entryField,
      LINES.accountField,
      LINES.debitField,
      LINES.creditField,
      LINES.dateField,
      LINES.journalField,
      LINES.descriptionField,
    ];
    if (!hasColumns(await columnsOf(this.pool, this.schema), LINES.dataset, needed)) return null;
    const lines = new Map<string, SyncedLine[]>();
    if (entries.length === 0) return lines;
    const column = (field: string) => `t.${ident(field)}`;
    const found = await this.pool.query<SyncedLine & { administration: number; entry_no: string }>(
      `SELECT ${column(LINES.administrationField)}::int AS administration,
              ${column(LINES.entryField)}::text AS entry_no,
              ${column(LINES.accountField)}::text AS account,
              ${column(LINES.debitField)}::text AS debit, ${column(LINES.creditField)}::text AS credit,
              to_char((${column(LINES.dateField)} AT TIME ZONE 'Europe/Amsterdam')::date, 'YYYY-MM-DD') AS date,
              ${column(LINES.journalField)}::text AS journal,
              ${column(LINES.descriptionField)}::text AS description
         FROM ${this.table(LINES.dataset)} t
         JOIN unnest($2::int[], $3::bigint[]) AS posted (administration, entry_no)
           ON ${column(LINES.administrationField)}::int = posted.administration
          AND ${column(LINES.entryField)}::bigint = posted.entry_no
        WHERE t._source = $1 AND t._deleted_at IS NULL`,
      [source, entries.map((entry) => entry.administration), entries.map((entry) => entry.entryNo)],
    );
    for (const { administration, entry_no, ...line } of found.rows) {
      const key = `${administration}/${entry_no}`;
      const list = lines.get(key) ?? [];
      list.push(line);
      lines.set(key, list);
    }
    return lines;
  }

  /** Marks entries confirmed (journal_lines holds exactly their lines). */
  async markConfirmed(ref: BatchRef, keys: readonly string[]): Promise<void> {
    if (keys.length === 0) return;
    await this.pool.query(
      `UPDATE ${this.table('post_entries')} SET confirmed_at = COALESCE(confirmed_at, now()), updated_at = now()
        WHERE source = $1 AND batch_id = $2 AND key = ANY($3::text[])`,
      [ref.source, ref.batch, keys],
    );
  }

  /**
   * Batches that are not confirmed and not taken back whole, per source and status (the metrics
   * gauge; `afas-sync status` for one source).
   */
  async openPerSource(source?: string): Promise<{ source: string; status: BatchStatus; batches: number }[]> {
    const found = await this.pool.query<{ source: string; status: BatchStatus; batches: number }>(
      `SELECT source, status, count(*)::int AS batches FROM ${this.table('post_batches')}
        WHERE status IN ('posting', 'compensating', 'posted_unconfirmed', 'compensation_incomplete')
          AND ($1::text IS NULL OR source = $1)
        GROUP BY source, status ORDER BY source, status`,
      [source ?? null],
    );
    return found.rows;
  }

  /** Batches of the source every entry of which is in AFAS, not yet seen in journal_lines. */
  async unconfirmed(source: string): Promise<string[]> {
    const found = await this.pool.query<{ batch_id: string }>(
      `SELECT batch_id FROM ${this.table('post_batches')}
        WHERE source = $1 AND status = 'posted_unconfirmed' ORDER BY created_at`,
      [source],
    );
    return found.rows.map((row) => row.batch_id);
  }
}
