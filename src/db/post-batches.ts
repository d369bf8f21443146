// The write-back batches of issue 19 as `post` and `post status|cancel` see them: registering a
// validated batch (post_batches, post_entries, a post_steps row) before its workflow starts, the
// operator's cancel request, and the report of what each entry and step did. The saga's own writes
// (statuses, entry numbers, AFAS's answers) are the activities'.
import type pg from 'pg';
import type { PostEntryRecord } from './post-entries.js';
import type { ResolvedEntry } from '../write-back/check-batch.js';
import { batchContentHash } from '../write-back/content-hash.js';
import { entryMarker } from '../write-back/marker.js';
import type { BatchStatus, EntryStatus } from '../write-back/post-types.js';
import { FINAL_BATCH_STATUSES } from '../write-back/post-types.js';
import { ident, inTransaction } from './pool.js';

type Db = pg.Pool | pg.ClientBase;

export type BatchOrigin = 'file' | 'outbox';

export interface PostBatchRecord {
  source: string;
  batch: string;
  contentHash: string;
  origin: BatchOrigin;
  status: BatchStatus;
  reason: string | null;
  entries: number;
  lines: number;
  workflowId: string;
  cancelRequestedAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
  postedAt: Date | null;
  endedAt: Date | null;
}

/** One entry of a batch as `post status` shows it: where it books, and what AFAS holds of it. */
export interface PostEntryReport extends Pick<
  PostEntryRecord,
  | 'administration'
  | 'journal'
  | 'year'
  | 'period'
  | 'entryDate'
  | 'marker'
  | 'status'
  | 'entryNo'
  | 'reversalEntryNo'
  | 'message'
  | 'profitLogReference'
> {
  key: string;
  position: number;
  confirmedAt: Date | null;
}

export interface PostStepRecord {
  stepId: number;
  /** Null: a step of the whole batch. */
  key: string | null;
  action: string;
  outcome: string;
  entryNo: number | null;
  httpStatus: number | null;
  message: string | null;
  profitLogReference: string | null;
  at: Date;
}

export interface PostBatchReport {
  batch: PostBatchRecord;
  /** In batch order. */
  entries: PostEntryReport[];
  /** In the order they happened. */
  steps: PostStepRecord[];
}

export interface NewPostBatch {
  source: string;
  batch: string;
  origin: BatchOrigin;
  entries: readonly ResolvedEntry[];
  lines: number;
  workflowId: string;
}

export type Registration =
  /** Stored now, with its entries and a `register` step. */
  | { outcome: 'registered'; record: PostBatchRecord }
  /** The same content was registered before: nothing written. */
  | { outcome: 'attached'; record: PostBatchRecord }
  /** The id was registered with other content: nothing written. */
  | { outcome: 'conflict'; record: PostBatchRecord };

export type CancelRequest =
  | { outcome: 'unknown' }
  /** Recorded (again, when `again`); the workflow takes it when signalled or when it next begins. */
  | { outcome: 'requested'; record: PostBatchRecord; again: boolean }
  /** Too late: the batch ended, or every entry is in AFAS already (posted_unconfirmed). */
  | { outcome: 'ended'; record: PostBatchRecord };

/** Whether a batch reached an end state: nothing more happens to it in AFAS. */
export function batchFinal(record: Pick<PostBatchRecord, 'status' | 'endedAt'>): boolean {
  return record.endedAt !== null || FINAL_BATCH_STATUSES.includes(record.status);
}

/**
 * Whether a cancel comes too late: the batch ended, or every entry is in AFAS already (the saga
 * ignores a cancel then: what is posted stays posted and is confirmed by a sync).
 */
export function cancelTooLate(record: Pick<PostBatchRecord, 'status' | 'endedAt' | 'postedAt'>): boolean {
  return batchFinal(record) || record.postedAt !== null || record.status === 'posted_unconfirmed';
}

/** `post`'s refusal of an id registered with other content. */
export function conflictMessage(record: PostBatchRecord): string {
  const when = record.createdAt.toISOString().replace('T', ' ').slice(0, 19);
  return (
    `batch ${record.batch} of source ${record.source} was registered on ${when} UTC with other content ` +
    `(${record.entries} entr${record.entries === 1 ? 'y' : 'ies'}); give the new content another batch id`
  );
}

export class PostBatchStore {
  private readonly batches: string;
  private readonly entryTable: string;
  private readonly stepTable: string;

  constructor(schema: string) {
    this.batches = `${ident(schema)}.post_batches`;
    this.entryTable = `${ident(schema)}.post_entries`;
    this.stepTable = `${ident(schema)}.post_steps`;
  }

  /**
   * Registers a validated batch in one transaction, or finds it registered. Two `post` commands
   * racing on one id meet at the primary key: the second waits for the first to commit, inserts
   * nothing and compares contents with what the first stored.
   */
  async register(pool: pg.Pool, batch: NewPostBatch): Promise<Registration> {
    const hash = batchContentHash(batch.entries.map((resolved) => resolved.entry));
    return inTransaction(pool, async (client) => {
      const inserted = await client.query<Record<string, unknown>>(
        `INSERT INTO ${this.batches} (source, batch_id, content_hash, origin, entries, lines, workflow_id)
         VALUES ($1, $2, $3, $4, $5, $6, $7)
         ON CONFLICT (source, batch_id) DO NOTHING RETURNING *`,
        [batch.source, batch.batch, hash, batch.origin, batch.entries.length, batch.lines, batch.workflowId],
      );
      const row = inserted.rows[0];
      if (row === undefined) {
        const existing = await this.get(client, batch.source, batch.batch);
        // Gone again only if deleted in between: a registration that cannot be explained is an error.
        if (!existing) throw new Error(`batch ${batch.batch} of ${batch.source} vanished while registering`);
        return { outcome: existing.contentHash === hash ? 'attached' : 'conflict', record: existing };
      }
      await client.query(
        `INSERT INTO ${this.entryTable}
           (source, batch_id, key, position, administration, journal, year, period, entry_date, marker, entry)
         SELECT $1, $2, r.key, r.position, r.administration, r.journal, r.year, r.period, r.entry_date,
                r.marker, r.entry
           FROM jsonb_to_recordset($3::jsonb) AS r(key text, position int, administration int, journal text,
                year int, period int, entry_date date, marker text, entry jsonb)`,
        [
          batch.source,
          batch.batch,
          JSON.stringify(
            batch.entries.map(({ entry, year, period }, position) => ({
              key: entry.key,
              position,
              administration: entry.administration,
              journal: entry.journal,
              year,
              period,
              entry_date: entry.date,
              marker: entryMarker(batch.batch, entry.key),
              entry,
            })),
          ),
        ],
      );
      await this.step(
        client,
        batch.source,
        batch.batch,
        'register',
        'ok',
        `${batch.entries.length} entries, ${batch.lines} lines from the ${batch.origin}`,
      );
      return { outcome: 'registered', record: toBatch(row) };
    });
  }

  async get(db: Db, source: string, batch: string): Promise<PostBatchRecord | undefined> {
    const result = await db.query<Record<string, unknown>>(
      `SELECT * FROM ${this.batches} WHERE source = $1 AND batch_id = $2`,
      [source, batch],
    );
    return result.rows[0] ? toBatch(result.rows[0]) : undefined;
  }

  /** The source's batches, latest first. */
  async list(db: Db, source: string, limit = 50): Promise<PostBatchRecord[]> {
    const result = await db.query<Record<string, unknown>>(
      `SELECT * FROM ${this.batches} WHERE source = $1 ORDER BY created_at DESC, batch_id LIMIT $2`,
      [source, limit],
    );
    return result.rows.map(toBatch);
  }

  /**
   * Records an operator's cancel (the first request's time is kept) with a `cancel` step, unless
   * the batch is past cancelling. The row lock orders it against the saga's own status writes.
   */
  async requestCancel(pool: pg.Pool, source: string, batch: string): Promise<CancelRequest> {
    return inTransaction(pool, async (client) => {
      const locked = await client.query<Record<string, unknown>>(
        `SELECT * FROM ${this.batches} WHERE source = $1 AND batch_id = $2 FOR UPDATE`,
        [source, batch],
      );
      const row = locked.rows[0];
      if (row === undefined) return { outcome: 'unknown' };
      const record = toBatch(row);
      if (cancelTooLate(record)) return { outcome: 'ended', record };
      const updated = await client.query<Record<string, unknown>>(
        `UPDATE ${this.batches}
            SET cancel_requested_at = coalesce(cancel_requested_at, now()), updated_at = now()
          WHERE source = $1 AND batch_id = $2 RETURNING *`,
        [source, batch],
      );
      const again = record.cancelRequestedAt !== null;
      await this.step(client, source, batch, 'cancel', again ? 'requested_again' : 'requested', null);
      return { outcome: 'requested', record: toBatch(updated.rows[0] ?? row), again };
    });
  }

  /** The batch with its entries and steps; undefined for an unknown batch. */
  async report(db: Db, source: string, batch: string): Promise<PostBatchReport | undefined> {
    const record = await this.get(db, source, batch);
    if (!record) return undefined;
    const [entries, steps] = await Promise.all([
      db.query<Record<string, unknown>>(
        `SELECT key, position, administration, journal, year, period, to_char(entry_date, 'YYYY-MM-DD') AS entry_date,
                marker, status, entry_no::float8 AS entry_no, reversal_entry_no::float8 AS reversal_entry_no,
                message, profit_log_reference, confirmed_at
           FROM ${this.entryTable} WHERE source = $1 AND batch_id = $2 ORDER BY position`,
        [source, batch],
      ),
      db.query<Record<string, unknown>>(
        `SELECT step_id::float8 AS step_id, key, action, outcome, entry_no::float8 AS entry_no, http_status,
                message, profit_log_reference, at
           FROM ${this.stepTable} WHERE source = $1 AND batch_id = $2 ORDER BY step_id`,
        [source, batch],
      ),
    ]);
    return { batch: record, entries: entries.rows.map(toEntry), steps: steps.rows.map(toStep) };
  }

  private async step(
    db: Db,
    source: string,
    batch: string,
    action: string,
    outcome: string,
    message: string | null,
  ): Promise<void> {
    await db.query(
      `INSERT INTO ${this.stepTable} (source, batch_id, action, outcome, message) VALUES ($1, $2, $3, $4, $5)`,
      [source, batch, action, outcome, message],
    );
  }
}

const text = (value: unknown) => (typeof value === 'string' ? value : null);
const count = (value: unknown) => (value === null || value === undefined ? null : Number(value));
const time = (value: unknown) => (value instanceof Date ? value : null);

function toBatch(row: Record<string, unknown>): PostBatchRecord {
  return {
    source: String(row.source),
    batch: String(row.batch_id),
    contentHash: String(row.content_hash),
    origin: row.origin === 'outbox' ? 'outbox' : 'file',
    status: row.status as BatchStatus,
    reason: text(row.reason),
    entries: Number(row.entries),
    lines: Number(row.lines),
    workflowId: String(row.workflow_id),
    cancelRequestedAt: time(row.cancel_requested_at),
    createdAt: row.created_at as Date,
    updatedAt: row.updated_at as Date,
    postedAt: time(row.posted_at),
    endedAt: time(row.ended_at),
  };
}

function toEntry(row: Record<string, unknown>): PostEntryReport {
  return {
    key: String(row.key),
    position: Number(row.position),
    administration: Number(row.administration),
    journal: String(row.journal),
    year: Number(row.year),
    period: Number(row.period),
    entryDate: String(row.entry_date),
    marker: String(row.marker),
    status: row.status as EntryStatus,
    entryNo: count(row.entry_no),
    reversalEntryNo: count(row.reversal_entry_no),
    message: text(row.message),
    profitLogReference: text(row.profit_log_reference),
    confirmedAt: time(row.confirmed_at),
  };
}

function toStep(row: Record<string, unknown>): PostStepRecord {
  return {
    stepId: Number(row.step_id),
    key: text(row.key),
    action: String(row.action),
    outcome: String(row.outcome),
    entryNo: count(row.entry_no),
    httpStatus: count(row.http_status),
    message: text(row.message),
    profitLogReference: text(row.profit_log_reference),
    at: row.at as Date,
  };
}
