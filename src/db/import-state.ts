// The historical import's state: `imports` (one row per import: attempts, planning, pacing) over
// `import_partitions` (ImportPartitionStore). The record types live in import-records.ts and are
// exported from here too, the module the activities and the CLI import.
import type pg from 'pg';
import { ImportPartitionStore } from './import-partitions.js';
import {
  ImportNotFoundError,
  toImport,
  type ImportRecord,
  type ImportRow,
  type ImportStatus,
  type PartitionSpec,
} from './import-records.js';
import { ident } from './pool.js';

export type {
  AdministrationOutcome,
  AnchorValue,
  ImportRecord,
  ImportStatus,
  ImportTotals,
  PartitionCursor,
  PartitionRecord,
  PartitionSpec,
  PartitionStatus,
} from './import-records.js';
export { ImportNotFoundError, PartitionConflictError } from './import-records.js';
export { ImportPartitionStore } from './import-partitions.js';

const ACTIVE: readonly ImportStatus[] = ['planning', 'running'];

function sameDatasets(a: readonly string[], b: readonly string[]): boolean {
  const left = [...a].sort();
  const right = [...b].sort();
  return left.length === right.length && left.every((name, index) => name === right[index]);
}

/** `imports` and `import_partitions`: what a historical import planned, did, and where it stands. */
export class ImportStore extends ImportPartitionStore {
  private readonly imports: string;
  private readonly syncRuns: string;

  constructor(db: pg.Pool, schema: string) {
    super(db, schema);
    this.imports = `${ident(schema)}.imports`;
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
