// What the posting activities read and write on one entry of a batch (post_entries) and the steps
// they record (post_steps), migration 0013. Every write is one statement, committed at once: the
// mark that a POST is about to be sent must be durable BEFORE the POST, so whoever finds it
// without an entry number looks the entry up in AFAS before posting again.
import type pg from 'pg';
import type { BatchEntry } from '../write-back/batch-format.js';
import type { EntryRef, EntryStatus } from '../write-back/post-types.js';
import { ident } from './pool.js';

export interface PostEntryRecord {
  administration: number;
  journal: string;
  year: number;
  period: number;
  /** YYYY-MM-DD */
  entryDate: string;
  marker: string;
  entry: BatchEntry;
  status: EntryStatus;
  attemptedAt: Date | null;
  entryNo: number | null;
  reversalMarker: string | null;
  reversalAttemptedAt: Date | null;
  reversalEntryNo: number | null;
  reversalYear: number | null;
  reversalPeriod: number | null;
  message: string | null;
  profitLogReference: string | null;
}

export type PostAction = 'post' | 'lookup' | 'delete' | 'reverse';

export interface PostStep {
  action: PostAction;
  /** ok, found, not_found, locked, unavailable, ambiguous, refused, failed, duplicate, not_posted */
  outcome: string;
  entryNo?: number | null;
  httpStatus?: number | null;
  message?: string | null;
  profitLogReference?: string | null;
}

/** AFAS's answer to keep with an entry: its message and log reference. */
export interface AfasAnswer {
  message: string;
  profitLogReference: string | null;
}

interface EntryRow {
  administration: number;
  journal: string;
  year: number;
  period: number;
  entry_date: string;
  marker: string;
  entry: BatchEntry;
  status: EntryStatus;
  attempted_at: Date | null;
  entry_no: string | null;
  reversal_marker: string | null;
  reversal_attempted_at: Date | null;
  reversal_entry_no: string | null;
  reversal_year: number | null;
  reversal_period: number | null;
  message: string | null;
  profit_log_reference: string | null;
}

/** Thrown when the entry is not registered: the workflow was given a key its batch does not hold. */
export class PostEntryNotFoundError extends Error {
  constructor(ref: EntryRef) {
    super(`batch "${ref.batch}" of source "${ref.source}" has no entry "${ref.key}"`);
    this.name = 'PostEntryNotFoundError';
  }
}

const number = (value: string | null) => (value === null ? null : Number(value));

export class PostEntryStore {
  private readonly entries: string;
  private readonly steps: string;

  constructor(
    private readonly db: pg.Pool,
    schema: string,
  ) {
    this.entries = `${ident(schema)}.post_entries`;
    this.steps = `${ident(schema)}.post_steps`;
  }

  async get(ref: EntryRef): Promise<PostEntryRecord> {
    // entry is the BatchEntry registration stored after validating it (jsonb comes back parsed).
    const { rows } = await this.db.query<EntryRow>(
      `SELECT administration, journal, year, period, to_char(entry_date, 'YYYY-MM-DD') AS entry_date,
              marker, entry, status, attempted_at, entry_no, reversal_marker, reversal_attempted_at,
              reversal_entry_no, reversal_year, reversal_period, message, profit_log_reference
         FROM ${this.entries} WHERE source = $1 AND batch_id = $2 AND key = $3`,
      [ref.source, ref.batch, ref.key],
    );
    const row = rows[0];
    if (row === undefined) throw new PostEntryNotFoundError(ref);
    return {
      administration: row.administration,
      journal: row.journal,
      year: row.year,
      period: row.period,
      entryDate: row.entry_date,
      marker: row.marker,
      entry: row.entry,
      status: row.status,
      attemptedAt: row.attempted_at,
      entryNo: number(row.entry_no),
      reversalMarker: row.reversal_marker,
      reversalAttemptedAt: row.reversal_attempted_at,
      reversalEntryNo: number(row.reversal_entry_no),
      reversalYear: row.reversal_year,
      reversalPeriod: row.reversal_period,
      message: row.message,
      profitLogReference: row.profit_log_reference,
    };
  }

  private async update(ref: EntryRef, assignments: string, values: unknown[]): Promise<void> {
    await this.db.query(
      `UPDATE ${this.entries} SET ${assignments}, updated_at = now()
        WHERE source = $1 AND batch_id = $2 AND key = $3`,
      [ref.source, ref.batch, ref.key, ...values],
    );
  }

  /** Committed before the POST is sent: from here on the entry may be in AFAS. */
  markAttempted(ref: EntryRef): Promise<void> {
    return this.update(ref, 'attempted_at = clock_timestamp()', []);
  }

  /** The entry is in AFAS under this number. */
  recordPosted(ref: EntryRef, entryNo: number): Promise<void> {
    return this.update(ref, `entry_no = $4, status = 'posted'`, [entryNo]);
  }

  /** AFAS refused the entry (nothing was booked). */
  recordFailed(ref: EntryRef, answer: AfasAnswer): Promise<void> {
    return this.update(ref, `status = 'failed', message = $4, profit_log_reference = $5`, [
      answer.message,
      answer.profitLogReference,
    ]);
  }

  recordDeleted(ref: EntryRef): Promise<void> {
    return this.update(ref, `status = 'deleted'`, []);
  }

  /**
   * Committed before the reversing entry is posted, with where it goes; `answer` is AFAS's
   * refusal of the delete, the reason the entry is reversed.
   */
  markReversalAttempted(
    ref: EntryRef,
    reversal: { marker: string; year: number; period: number },
    answer: AfasAnswer | null,
  ): Promise<void> {
    return this.update(
      ref,
      `reversal_attempted_at = clock_timestamp(), reversal_marker = $4, reversal_year = $5,
       reversal_period = $6, message = coalesce($7, message),
       profit_log_reference = coalesce($8, profit_log_reference)`,
      [
        reversal.marker,
        reversal.year,
        reversal.period,
        answer?.message ?? null,
        answer?.profitLogReference ?? null,
      ],
    );
  }

  recordReversed(ref: EntryRef, reversalEntryNo: number): Promise<void> {
    return this.update(ref, `reversal_entry_no = $4, status = 'reversed'`, [reversalEntryNo]);
  }

  /** Neither deleted nor reversed: the entry stays in AFAS, and AFAS's last answer says why. */
  recordCompensationFailed(ref: EntryRef, answer: AfasAnswer): Promise<void> {
    return this.update(ref, `status = 'compensation_failed', message = $4, profit_log_reference = $5`, [
      answer.message,
      answer.profitLogReference,
    ]);
  }

  async recordStep(ref: EntryRef, step: PostStep): Promise<void> {
    await this.db.query(
      `INSERT INTO ${this.steps}
         (source, batch_id, key, action, outcome, entry_no, http_status, message, profit_log_reference)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
      [
        ref.source,
        ref.batch,
        ref.key,
        step.action,
        step.outcome,
        step.entryNo ?? null,
        step.httpStatus ?? null,
        step.message ?? null,
        step.profitLogReference ?? null,
      ],
    );
  }
}
