import type pg from 'pg';
import { ident } from './pool.js';

export type ImportStatus = 'planning' | 'running' | 'succeeded' | 'failed' | 'cancelled' | 'superseded';
export type PartitionStatus = 'pending' | 'running' | 'done' | 'failed';

/** A raw key value as AFAS sent it (what a cursor anchor holds). */
export type AnchorValue = string | number | boolean;

/**
 * Where a partition's next page starts. `anchor` null: the partition from its first row, paged
 * by `skip`. Otherwise the rows with a key greater than the anchor (the last key committed when
 * skip reached the import's row limit), paged by `skip` from 0 again.
 */
export interface PartitionCursor {
  anchor: Record<string, AnchorValue> | null;
  skip: number;
}

export interface ImportRecord {
  importId: string;
  source: string;
  status: ImportStatus;
  fromYear: number;
  toYear: number;
  datasets: string[];
  startWatermark: string | null;
  plannedAt: Date | null;
  workflowId: string;
  currentRunId: string | null;
  attempts: number;
  startedAt: Date;
  updatedAt: Date;
  finishedAt: Date | null;
  error: string | null;
}

/** What partition planning decides; the store adds status and counters. */
export interface PartitionSpec {
  key: string;
  seq: number;
  dataset: string;
  administration: number;
  year: number;
  /** null: every period of the year not in `excludedPeriods`. */
  period: number | null;
  excludedPeriods: number[] | null;
}

export interface PartitionRecord extends PartitionSpec {
  status: PartitionStatus;
  cursor: PartitionCursor | null;
  rows: number;
  pages: number;
  segments: number;
  attempts: number;
  lastError: string | null;
  startedAt: Date | null;
  finishedAt: Date | null;
}

export interface ImportTotals {
  total: number;
  pending: number;
  running: number;
  done: number;
  failed: number;
  rows: number;
  pages: number;
}

export interface AdministrationOutcome {
  dataset: string;
  administration: number;
  total: number;
  done: number;
  failed: number;
  rows: number;
  inserted: number;
  updated: number;
  pages: number;
}

/** Another execution committed a page of this partition first (e.g. an attempt Temporal gave up on). */
export class PartitionConflictError extends Error {
  constructor(importId: string, key: string, expectedPages: number, actualPages: number) {
    super(
      `partition ${key} of import ${importId} moved on under this attempt (expected ${expectedPages} committed pages, found ${actualPages}); ` +
        'retrying from the committed cursor',
    );
    this.name = 'PartitionConflictError';
  }
}

export class ImportNotFoundError extends Error {
  constructor(importId: string) {
    super(`unknown import ${importId}`);
    this.name = 'ImportNotFoundError';
  }
}

interface ImportRow {
  import_id: string;
  source: string;
  status: ImportStatus;
  from_year: number;
  to_year: number;
  datasets: string[];
  start_watermark: string | null;
  planned_at: Date | null;
  workflow_id: string;
  current_run_id: string | null;
  attempts: number;
  started_at: Date;
  updated_at: Date;
  finished_at: Date | null;
  error: string | null;
}

interface PartitionRow {
  partition_key: string;
  seq: number;
  dataset: string;
  administration: number;
  year: number;
  period: number | null;
  excluded_periods: number[] | null;
  status: PartitionStatus;
  cursor: PartitionCursor | null;
  rows: string;
  pages: number;
  segments: number;
  attempts: number;
  last_error: string | null;
  started_at: Date | null;
  finished_at: Date | null;
}

function toImport(row: ImportRow): ImportRecord {
  return {
    importId: row.import_id,
    source: row.source,
    status: row.status,
    fromYear: row.from_year,
    toYear: row.to_year,
    datasets: row.datasets,
    startWatermark: row.start_watermark,
    plannedAt: row.planned_at,
    workflowId: row.workflow_id,
    currentRunId: row.current_run_id,
    attempts: row.attempts,
    startedAt: row.started_at,
    updatedAt: row.updated_at,
    finishedAt: row.finished_at,
    error: row.error,
  };
}

function toPartition(row: PartitionRow): PartitionRecord {
  return {
    key: row.partition_key,
    seq: row.seq,
    dataset: row.dataset,
    administration: row.administration,
    year: row.year,
    period: row.period,
    excludedPeriods: row.excluded_periods,
    status: row.status,
    cursor: row.cursor,
    rows: Number(row.rows),
    pages: row.pages,
    segments: row.segments,
    attempts: row.attempts,
    lastError: row.last_error,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
  };
}

const ACTIVE: readonly ImportStatus[] = ['planning', 'running'];

function sameDatasets(a: readonly string[], b: readonly string[]): boolean {
  const left = [...a].sort();
  const right = [...b].sort();
  return left.length === right.length && left.every((name, index) => name === right[index]);
}

/** `imports` and `import_partitions`: what a historical import planned, did, and where it stands. */
export class ImportStore {
  private readonly imports: string;
  private readonly partitions: string;
  private readonly syncRuns: string;

  constructor(
    private readonly db: pg.Pool,
    schema: string,
  ) {
    this.imports = `${ident(schema)}.imports`;
    this.partitions = `${ident(schema)}.import_partitions`;
    this.syncRuns = `${ident(schema)}.sync_runs`;
  }

  /**
   * Opens an attempt of an import. The source's latest unfinished import (running, failed or
   * cancelled) with the same years and datasets is resumed: its failed and orphaned running
   * partitions go back to pending, done ones stay done. An unfinished import with other
   * parameters is marked superseded and a new one is created.
   */
  async begin(input: {
    newImportId: string;
    source: string;
    fromYear: number;
    toYear: number;
    datasets: readonly string[];
    options: Record<string, unknown>;
    workflowId: string;
    runId: string;
  }): Promise<{ record: ImportRecord; resumed: boolean }> {
    const client = await this.db.connect();
    try {
      await client.query('BEGIN');
      // One attempt per source at a time, even if two workflows raced here.
      await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`afas-import:${input.source}`]);
      const latest = await client.query<ImportRow>(
        `SELECT * FROM ${this.imports} WHERE source = $1 AND status NOT IN ('succeeded', 'superseded')
          ORDER BY started_at DESC LIMIT 1 FOR UPDATE`,
        [input.source],
      );
      const previous = latest.rows[0];
      let record: ImportRow;
      let resumed = false;
      if (
        previous &&
        previous.from_year === input.fromYear &&
        previous.to_year === input.toYear &&
        sameDatasets(previous.datasets, input.datasets)
      ) {
        resumed = true;
        const updated = await client.query<ImportRow>(
          `UPDATE ${this.imports} SET status = CASE WHEN planned_at IS NULL THEN 'planning' ELSE 'running' END,
             current_run_id = $2, workflow_id = $3, attempts = attempts + 1, options = $4::jsonb, error = NULL,
             finished_at = NULL, updated_at = now()
           WHERE import_id = $1 RETURNING *`,
          [previous.import_id, input.runId, input.workflowId, JSON.stringify(input.options)],
        );
        record = updated.rows[0] as ImportRow;
        await client.query(
          `UPDATE ${this.partitions} SET status = 'pending', updated_at = now()
            WHERE import_id = $1 AND status IN ('running', 'failed')`,
          [previous.import_id],
        );
      } else {
        if (previous) {
          await client.query(
            `UPDATE ${this.imports} SET status = 'superseded', finished_at = coalesce(finished_at, now()), updated_at = now(),
               error = coalesce(error, 'superseded by import ' || $2) WHERE import_id = $1`,
            [previous.import_id, input.newImportId],
          );
        }
        const inserted = await client.query<ImportRow>(
          `INSERT INTO ${this.imports} (import_id, source, from_year, to_year, datasets, options, workflow_id, current_run_id)
           VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7, $8) RETURNING *`,
          [
            input.newImportId,
            input.source,
            input.fromYear,
            input.toYear,
            [...input.datasets],
            JSON.stringify(input.options),
            input.workflowId,
            input.runId,
          ],
        );
        record = inserted.rows[0] as ImportRow;
      }
      await client.query('COMMIT');
      return { record: toImport(record), resumed };
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }

  async get(importId: string): Promise<ImportRecord> {
    const result = await this.db.query<ImportRow>(`SELECT * FROM ${this.imports} WHERE import_id = $1`, [
      importId,
    ]);
    const row = result.rows[0];
    if (!row) throw new ImportNotFoundError(importId);
    return toImport(row);
  }

  /** The source's imports, newest first. */
  async list(source: string, limit = 20): Promise<ImportRecord[]> {
    const result = await this.db.query<ImportRow>(
      `SELECT * FROM ${this.imports} WHERE source = $1 ORDER BY started_at DESC LIMIT $2`,
      [source, limit],
    );
    return result.rows.map(toImport);
  }

  /**
   * The import of this source that is planning or running, if any. One whose row has not moved
   * for `staleAfterMs` (its workflow was terminated without cleaning up) no longer counts.
   */
  async active(source: string, staleAfterMs: number): Promise<ImportRecord | undefined> {
    const result = await this.db.query<ImportRow>(
      `SELECT * FROM ${this.imports}
        WHERE source = $1 AND status = ANY($2::text[]) AND updated_at > now() - make_interval(secs => $3::float8 / 1000)
        ORDER BY started_at DESC LIMIT 1`,
      [source, [...ACTIVE], staleAfterMs],
    );
    return result.rows[0] ? toImport(result.rows[0]) : undefined;
  }

  /** Marks the import as alive (the sync's staleness guard reads updated_at). */
  async touch(importId: string): Promise<void> {
    await this.db.query(`UPDATE ${this.imports} SET updated_at = now() WHERE import_id = $1`, [importId]);
  }

  /** Records the start watermark unless an earlier attempt already did; returns the one in force. */
  async setStartWatermark(importId: string, watermark: string): Promise<string> {
    const result = await this.db.query<{ start_watermark: string }>(
      `UPDATE ${this.imports} SET start_watermark = coalesce(start_watermark, $2), updated_at = now()
        WHERE import_id = $1 RETURNING start_watermark`,
      [importId, watermark],
    );
    const row = result.rows[0];
    if (!row) throw new ImportNotFoundError(importId);
    return row.start_watermark;
  }

  /** Administrations that already have partitions (planning is not repeated for them). */
  async plannedAdministrations(importId: string): Promise<number[]> {
    const result = await this.db.query<{ administration: number }>(
      `SELECT DISTINCT administration FROM ${this.partitions} WHERE import_id = $1 ORDER BY 1`,
      [importId],
    );
    return result.rows.map((row) => row.administration);
  }

  /** Adds planned partitions (existing keys untouched), numbering them after those already there. */
  async addPartitions(importId: string, specs: readonly PartitionSpec[]): Promise<number> {
    const client = await this.db.connect();
    try {
      await client.query('BEGIN');
      const max = await client.query<{ max: number | null }>(
        `SELECT max(seq) AS max FROM ${this.partitions} WHERE import_id = $1`,
        [importId],
      );
      const offset = (max.rows[0]?.max ?? -1) + 1;
      let added = 0;
      if (specs.length > 0) {
        const result = await client.query(
          `INSERT INTO ${this.partitions} (import_id, partition_key, seq, dataset, administration, year, period, excluded_periods)
           SELECT $1, p.key, $2 + p.seq, p.dataset, p.administration, p.year, p.period,
                  p.excluded::int[]
             FROM jsonb_to_recordset($3::jsonb)
               AS p(key text, seq int, dataset text, administration int, year int, period int, excluded text)
           ON CONFLICT (import_id, partition_key) DO NOTHING`,
          [
            importId,
            offset,
            JSON.stringify(
              specs.map((spec) => ({
                key: spec.key,
                seq: spec.seq,
                dataset: spec.dataset,
                administration: spec.administration,
                year: spec.year,
                period: spec.period,
                excluded: spec.excludedPeriods === null ? null : `{${spec.excludedPeriods.join(',')}}`,
              })),
            ),
          ],
        );
        added = result.rowCount ?? 0;
      }
      await client.query(
        `UPDATE ${this.imports} SET planned_at = coalesce(planned_at, now()),
           status = CASE WHEN status = 'planning' THEN 'running' ELSE status END, updated_at = now()
         WHERE import_id = $1`,
        [importId],
      );
      await client.query('COMMIT');
      return added;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }

  async totals(importId: string, db: pg.ClientBase | pg.Pool = this.db): Promise<ImportTotals> {
    const result = await db.query<Record<keyof ImportTotals, string>>(
      `SELECT count(*) AS total,
              count(*) FILTER (WHERE status = 'pending') AS pending,
              count(*) FILTER (WHERE status = 'running') AS running,
              count(*) FILTER (WHERE status = 'done') AS done,
              count(*) FILTER (WHERE status = 'failed') AS failed,
              coalesce(sum(rows), 0) AS rows,
              coalesce(sum(pages), 0) AS pages
         FROM ${this.partitions} WHERE import_id = $1`,
      [importId],
    );
    const row = result.rows[0];
    return {
      total: Number(row?.total ?? 0),
      pending: Number(row?.pending ?? 0),
      running: Number(row?.running ?? 0),
      done: Number(row?.done ?? 0),
      failed: Number(row?.failed ?? 0),
      rows: Number(row?.rows ?? 0),
      pages: Number(row?.pages ?? 0),
    };
  }

  /** Partitions still to do, in processing order, after `afterSeq`. */
  async toRun(importId: string, afterSeq: number, limit: number): Promise<{ key: string; seq: number }[]> {
    const result = await this.db.query<{ partition_key: string; seq: number }>(
      `SELECT partition_key, seq FROM ${this.partitions}
        WHERE import_id = $1 AND status IN ('pending', 'running') AND seq > $2 ORDER BY seq LIMIT $3`,
      [importId, afterSeq, limit],
    );
    return result.rows.map((row) => ({ key: row.partition_key, seq: row.seq }));
  }

  async partition(importId: string, key: string): Promise<PartitionRecord | undefined> {
    const result = await this.db.query<PartitionRow>(
      `SELECT * FROM ${this.partitions} WHERE import_id = $1 AND partition_key = $2`,
      [importId, key],
    );
    return result.rows[0] ? toPartition(result.rows[0]) : undefined;
  }

  async listPartitions(importId: string): Promise<PartitionRecord[]> {
    const result = await this.db.query<PartitionRow>(
      `SELECT * FROM ${this.partitions} WHERE import_id = $1 ORDER BY seq`,
      [importId],
    );
    return result.rows.map(toPartition);
  }

  /** Starts an attempt on a partition: running (unless already done), attempt counted. */
  async claim(importId: string, key: string): Promise<PartitionRecord | undefined> {
    const result = await this.db.query<PartitionRow>(
      `UPDATE ${this.partitions} SET
         status = CASE WHEN status = 'done' THEN 'done' ELSE 'running' END,
         attempts = attempts + CASE WHEN status = 'done' THEN 0 ELSE 1 END,
         started_at = coalesce(started_at, clock_timestamp()), updated_at = clock_timestamp()
       WHERE import_id = $1 AND partition_key = $2 RETURNING *`,
      [importId, key],
    );
    return result.rows[0] ? toPartition(result.rows[0]) : undefined;
  }

  /**
   * Locks the partition for a page commit and checks no other execution committed since this
   * one read the cursor. Call first inside the page's transaction.
   */
  async lockForCommit(
    client: pg.ClientBase,
    importId: string,
    key: string,
    expectedPages: number,
  ): Promise<void> {
    const result = await client.query<{ pages: number }>(
      `SELECT pages FROM ${this.partitions} WHERE import_id = $1 AND partition_key = $2 FOR UPDATE`,
      [importId, key],
    );
    const pages = result.rows[0]?.pages;
    if (pages === undefined) throw new ImportNotFoundError(`${importId} (partition ${key})`);
    if (pages !== expectedPages) throw new PartitionConflictError(importId, key, expectedPages, pages);
  }

  /**
   * Records a committed page inside its transaction: the cursor after it (null when the
   * partition is complete) and the counts. The data rows of the page are in the same transaction.
   */
  async commitPage(
    client: pg.ClientBase,
    importId: string,
    key: string,
    page: {
      next: PartitionCursor | null;
      newSegment: boolean;
      rows: number;
      inserted: number;
      updated: number;
      afasCalls: number;
      retries: number;
    },
  ): Promise<void> {
    await client.query(
      `UPDATE ${this.partitions} SET
         cursor = $3::jsonb,
         status = CASE WHEN $4 THEN 'done' ELSE status END,
         finished_at = CASE WHEN $4 THEN clock_timestamp() ELSE finished_at END,
         rows = rows + $5, inserted = inserted + $6, updated = updated + $7, pages = pages + 1,
         segments = segments + CASE WHEN $8 THEN 1 ELSE 0 END,
         afas_calls = afas_calls + $9, retries = retries + $10,
         last_error = CASE WHEN $4 THEN NULL ELSE last_error END,
         error_class = CASE WHEN $4 THEN NULL ELSE error_class END,
         updated_at = clock_timestamp()
       WHERE import_id = $1 AND partition_key = $2`,
      [
        importId,
        key,
        page.next === null ? null : JSON.stringify(page.next),
        page.next === null,
        page.rows,
        page.inserted,
        page.updated,
        page.newSegment,
        page.afasCalls,
        page.retries,
      ],
    );
  }

  /** Keeps the last error of a failed attempt for operators (the partition stays as it was). */
  async recordError(
    importId: string,
    key: string,
    error: {
      message: string;
      errorClass: string;
      profitLogReference: string | null;
      extraCalls?: number;
      extraRetries?: number;
    },
    options: { fail: boolean },
  ): Promise<void> {
    await this.db.query(
      `UPDATE ${this.partitions} SET last_error = $3, error_class = $4, profit_log_reference = coalesce($5, profit_log_reference),
         afas_calls = afas_calls + $6, retries = retries + $7,
         status = CASE WHEN $8 AND status <> 'done' THEN 'failed' ELSE status END, updated_at = clock_timestamp()
       WHERE import_id = $1 AND partition_key = $2`,
      [
        importId,
        key,
        error.message.slice(0, 4000),
        error.errorClass,
        error.profitLogReference,
        error.extraCalls ?? 0,
        error.extraRetries ?? 0,
        options.fail,
      ],
    );
  }

  /** Closes an attempt: running partitions go back to pending (their cursor stays) so a restart resumes them. */
  async finish(
    importId: string,
    outcome: { status: Exclude<ImportStatus, 'planning' | 'running' | 'superseded'>; error: string | null },
  ) {
    await this.db.query(
      `UPDATE ${this.partitions} SET status = 'pending', updated_at = now() WHERE import_id = $1 AND status = 'running'`,
      [importId],
    );
    await this.db.query(
      `UPDATE ${this.imports} SET status = $2, error = $3, finished_at = now(), updated_at = now()
        WHERE import_id = $1 AND status IN ('planning', 'running')`,
      [importId, outcome.status, outcome.error],
    );
  }

  /** Per (dataset, administration): how many partitions are done and what they imported. */
  async administrationOutcomes(importId: string): Promise<AdministrationOutcome[]> {
    const result = await this.db.query<Record<string, string | number>>(
      `SELECT dataset, administration, count(*) AS total, count(*) FILTER (WHERE status = 'done') AS done,
              count(*) FILTER (WHERE status = 'failed') AS failed, coalesce(sum(rows), 0) AS rows,
              coalesce(sum(inserted), 0) AS inserted, coalesce(sum(updated), 0) AS updated, coalesce(sum(pages), 0) AS pages
         FROM ${this.partitions} WHERE import_id = $1 GROUP BY dataset, administration ORDER BY dataset, administration`,
      [importId],
    );
    return result.rows.map((row) => ({
      dataset: String(row.dataset),
      administration: Number(row.administration),
      total: Number(row.total),
      done: Number(row.done),
      failed: Number(row.failed),
      rows: Number(row.rows),
      inserted: Number(row.inserted),
      updated: Number(row.updated),
      pages: Number(row.pages),
    }));
  }

  /**
   * Pacing shared by every activity of the import, on any worker: reserves the next request slot
   * (`intervalMs` after the previous one) and returns how long to wait for it.
   */
  async reserveRequestSlot(importId: string, intervalMs: number): Promise<number> {
    const result = await this.db.query<{ wait_ms: number }>(
      `UPDATE ${this.imports}
          SET pace_next_at = greatest(coalesce(pace_next_at, clock_timestamp()), clock_timestamp())
                             + make_interval(secs => $2::float8 / 1000)
        WHERE import_id = $1
        RETURNING greatest(0, extract(epoch FROM (pace_next_at - make_interval(secs => $2::float8 / 1000) - clock_timestamp())) * 1000)::float8
                  AS wait_ms`,
      [importId, intervalMs],
    );
    const row = result.rows[0];
    if (!row) throw new ImportNotFoundError(importId);
    return Number(row.wait_ms);
  }

  /** Syncs of the source recorded as running that started within `withinMs` (older ones are orphans). */
  async runningSyncs(source: string, withinMs: number): Promise<number> {
    const result = await this.db.query<{ count: string }>(
      `SELECT count(*) AS count FROM ${this.syncRuns}
        WHERE source = $1 AND kind = 'sync' AND status = 'running' AND started_at > now() - make_interval(secs => $2::float8 / 1000)`,
      [source, withinMs],
    );
    return Number(result.rows[0]?.count ?? 0);
  }
}
