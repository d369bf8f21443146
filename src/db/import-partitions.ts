import type pg from 'pg';
import {
  ImportNotFoundError,
  PartitionConflictError,
  toPartition,
  type AdministrationOutcome,
  type ImportTotals,
  type PartitionCursor,
  type PartitionRecord,
  type PartitionRow,
} from './import-records.js';
import { ident } from './pool.js';

/**
 * `import_partitions`: each partition's status, cursor and counters, claimed and committed page
 * by page. ImportStore adds the import's own row (attempts, planning, pacing) on top.
 */
export class ImportPartitionStore {
  protected readonly partitions: string;

  constructor(
    protected readonly db: pg.Pool,
    schema: string,
  ) {
    this.partitions = `${ident(schema)}.import_partitions`;
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
}
