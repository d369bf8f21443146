import type pg from 'pg';
import { ident } from './pool.js';

export type RunKind = 'sync' | 'import' | 'check';
export type RunStatus = 'running' | 'succeeded' | 'partial' | 'failed' | 'cancelled';
export type DatasetRunStatus = 'running' | 'succeeded' | 'failed' | 'cancelled' | 'skipped';

export interface DatasetCounts {
  inserted: number;
  updated: number;
  deleted: number;
  pages: number;
  afasCalls: number;
  retries: number;
}

/** The counters and outcome columns `sync_runs` and `sync_run_datasets` share (countersOf). */
export interface RunCounters {
  startedAt: Date;
  finishedAt: Date | null;
  rowsInserted: number;
  rowsUpdated: number;
  rowsDeleted: number;
  pages: number;
  afasCalls: number;
  retries: number;
  error: string | null;
  profitLogReference: string | null;
}

export interface RunRecord extends RunCounters {
  runId: string;
  source: string;
  kind: RunKind;
  workflowId: string;
  workflowRunId: string;
  status: RunStatus;
}

export interface DatasetRunRecord extends RunCounters {
  dataset: string;
  administration: number;
  connectorId: string;
  status: DatasetRunStatus;
  errorClass: string | null;
}

export type RunWarningKind = 'future-modified' | 'watermark-reset';

/** Something a run handled but an operator should know about; it leaves the run's status alone. */
export interface RunWarning {
  dataset: string;
  /** 0 for environment-wide datasets. */
  administration: number;
  kind: RunWarningKind;
  /** The row it is about (`Field=value, …` of its key); '' when it is about the dataset. */
  rowKey: string;
  /** The offending value as AFAS sent it. */
  value: string;
  message: string;
}

/** The run log: `sync_runs`, `sync_run_datasets` and `sync_run_warnings`. All writes are idempotent (activities retry). */
export class RunStore {
  private readonly runs: string;
  private readonly datasets: string;
  private readonly warnings: string;

  constructor(
    private readonly db: pg.Pool,
    schema: string,
  ) {
    this.runs = `${ident(schema)}.sync_runs`;
    this.datasets = `${ident(schema)}.sync_run_datasets`;
    this.warnings = `${ident(schema)}.sync_run_warnings`;
  }

  async start(run: {
    runId: string;
    source: string;
    kind: RunKind;
    workflowId: string;
    workflowRunId: string;
  }) {
    await this.db.query(
      `INSERT INTO ${this.runs} (run_id, source, kind, workflow_id, workflow_run_id) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (run_id) DO NOTHING`,
      [run.runId, run.source, run.kind, run.workflowId, run.workflowRunId],
    );
  }

  async startDataset(
    client: pg.ClientBase | pg.Pool,
    entry: { runId: string; dataset: string; administration: number; connectorId: string },
  ): Promise<void> {
    await client.query(
      `INSERT INTO ${this.datasets} (run_id, dataset, administration, connector_id) VALUES ($1, $2, $3, $4)
       ON CONFLICT (run_id, dataset, administration) DO UPDATE SET status = 'running', error = NULL, error_class = NULL
         WHERE ${this.datasets}.status <> 'succeeded'`,
      [entry.runId, entry.dataset, entry.administration, entry.connectorId],
    );
  }

  /** Adds committed work; call inside the transaction that committed it, so counts stay exact. */
  async addProgress(
    client: pg.ClientBase,
    entry: { runId: string; dataset: string; administration: number; connectorId: string },
    counts: Partial<DatasetCounts>,
  ): Promise<void> {
    await client.query(
      `INSERT INTO ${this.datasets} AS d (run_id, dataset, administration, connector_id, rows_inserted, rows_updated,
          rows_deleted, pages, afas_calls, retries)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
       ON CONFLICT (run_id, dataset, administration) DO UPDATE SET
         rows_inserted = d.rows_inserted + EXCLUDED.rows_inserted,
         rows_updated = d.rows_updated + EXCLUDED.rows_updated,
         rows_deleted = d.rows_deleted + EXCLUDED.rows_deleted,
         pages = d.pages + EXCLUDED.pages,
         afas_calls = d.afas_calls + EXCLUDED.afas_calls,
         retries = d.retries + EXCLUDED.retries`,
      [
        entry.runId,
        entry.dataset,
        entry.administration,
        entry.connectorId,
        counts.inserted ?? 0,
        counts.updated ?? 0,
        counts.deleted ?? 0,
        counts.pages ?? 0,
        counts.afasCalls ?? 0,
        counts.retries ?? 0,
      ],
    );
  }

  async finishDataset(
    db: pg.ClientBase | pg.Pool,
    entry: { runId: string; dataset: string; administration: number; connectorId: string },
    outcome: {
      status: Exclude<DatasetRunStatus, 'running'>;
      error?: string | null;
      errorClass?: string | null;
      profitLogReference?: string | null;
      /** Calls and retries spent on attempts that did not commit (they still cost AFAS). */
      extraCalls?: number;
      extraRetries?: number;
    },
  ): Promise<void> {
    await db.query(
      `INSERT INTO ${this.datasets} AS d (run_id, dataset, administration, connector_id, status, finished_at, error,
          error_class, profit_log_reference, afas_calls, retries)
       VALUES ($1, $2, $3, $4, $5, now(), $6, $7, $8, $9, $10)
       ON CONFLICT (run_id, dataset, administration) DO UPDATE SET
         status = EXCLUDED.status, finished_at = EXCLUDED.finished_at, error = EXCLUDED.error,
         error_class = EXCLUDED.error_class, profit_log_reference = EXCLUDED.profit_log_reference,
         afas_calls = d.afas_calls + EXCLUDED.afas_calls, retries = d.retries + EXCLUDED.retries`,
      [
        entry.runId,
        entry.dataset,
        entry.administration,
        entry.connectorId,
        outcome.status,
        outcome.error ?? null,
        outcome.errorClass ?? null,
        outcome.profitLogReference ?? null,
        outcome.extraCalls ?? 0,
        outcome.extraRetries ?? 0,
      ],
    );
  }

  /** Closes a run, totalling its dataset rows. A run already closed keeps its first outcome. */
  async finish(
    runId: string,
    outcome: { status: Exclude<RunStatus, 'running'>; error?: string | null; details?: object },
  ) {
    await this.db.query(
      `UPDATE ${this.runs} r SET status = $2, finished_at = now(), error = $3, details = r.details || $4::jsonb,
         rows_inserted = t.ins, rows_updated = t.upd, rows_deleted = t.del, pages = t.pages, afas_calls = t.calls,
         retries = t.retries,
         profit_log_reference = t.ref
       FROM (SELECT coalesce(sum(rows_inserted), 0) ins, coalesce(sum(rows_updated), 0) upd,
                    coalesce(sum(rows_deleted), 0) del, coalesce(sum(pages), 0) pages,
                    coalesce(sum(afas_calls), 0) calls, coalesce(sum(retries), 0) retries,
                    (array_agg(profit_log_reference) FILTER (WHERE profit_log_reference IS NOT NULL))[1] ref
               FROM ${this.datasets} WHERE run_id = $1) t
       WHERE r.run_id = $1 AND r.status = 'running'`,
      [runId, outcome.status, outcome.error ?? null, JSON.stringify(outcome.details ?? {})],
    );
    // A run still 'running' for a dataset that never reported (cancelled mid-way) is closed too.
    await this.db.query(
      `UPDATE ${this.datasets} SET status = 'cancelled', finished_at = now() WHERE run_id = $1 AND status = 'running'`,
      [runId],
    );
  }

  /** Records warnings of a run; one already recorded (a retried activity) is kept as it was. */
  async addWarnings(
    db: pg.ClientBase | pg.Pool,
    runId: string,
    warnings: readonly RunWarning[],
  ): Promise<void> {
    if (warnings.length === 0) return;
    await db.query(
      `INSERT INTO ${this.warnings} (run_id, dataset, administration, kind, row_key, value, message)
       SELECT $1::text, * FROM unnest($2::text[], $3::int[], $4::text[], $5::text[], $6::text[], $7::text[])
       ON CONFLICT DO NOTHING`,
      [
        runId,
        warnings.map((warning) => warning.dataset),
        warnings.map((warning) => warning.administration),
        warnings.map((warning) => warning.kind),
        warnings.map((warning) => warning.rowKey),
        warnings.map((warning) => warning.value),
        warnings.map((warning) => warning.message),
      ],
    );
  }

  async warningsOf(runId: string): Promise<RunWarning[]> {
    const result = await this.db.query<{
      dataset: string;
      administration: number;
      kind: RunWarningKind;
      row_key: string;
      value: string;
      message: string;
    }>(
      `SELECT dataset, administration, kind, row_key, value, message FROM ${this.warnings}
        WHERE run_id = $1 ORDER BY dataset, administration, kind, row_key`,
      [runId],
    );
    return result.rows.map((row) => ({
      dataset: row.dataset,
      administration: row.administration,
      kind: row.kind,
      rowKey: row.row_key,
      value: row.value,
      message: row.message,
    }));
  }

  async list(source: string, limit = 20): Promise<RunRecord[]> {
    const result = await this.db.query<Record<string, unknown>>(
      `SELECT * FROM ${this.runs} WHERE source = $1 ORDER BY started_at DESC LIMIT $2`,
      [source, limit],
    );
    return result.rows.map(toRun);
  }

  async get(runId: string): Promise<RunRecord | undefined> {
    const result = await this.db.query<Record<string, unknown>>(
      `SELECT * FROM ${this.runs} WHERE run_id = $1`,
      [runId],
    );
    return result.rows[0] ? toRun(result.rows[0]) : undefined;
  }

  async datasetsOf(runId: string): Promise<DatasetRunRecord[]> {
    const result = await this.db.query<Record<string, unknown>>(
      `SELECT * FROM ${this.datasets} WHERE run_id = $1 ORDER BY dataset, administration`,
      [runId],
    );
    return result.rows.map(toDatasetRun);
  }
}

function countersOf(row: Record<string, unknown>): RunCounters {
  return {
    startedAt: row.started_at as Date,
    finishedAt: row.finished_at as Date | null,
    rowsInserted: Number(row.rows_inserted),
    rowsUpdated: Number(row.rows_updated),
    rowsDeleted: Number(row.rows_deleted),
    pages: row.pages as number,
    afasCalls: row.afas_calls as number,
    retries: row.retries as number,
    error: row.error as string | null,
    profitLogReference: row.profit_log_reference as string | null,
  };
}

export function toRun(row: Record<string, unknown>): RunRecord {
  return {
    runId: row.run_id as string,
    source: row.source as string,
    kind: row.kind as RunKind,
    workflowId: row.workflow_id as string,
    workflowRunId: row.workflow_run_id as string,
    status: row.status as RunStatus,
    ...countersOf(row),
  };
}

function toDatasetRun(row: Record<string, unknown>): DatasetRunRecord {
  return {
    dataset: row.dataset as string,
    administration: row.administration as number,
    connectorId: row.connector_id as string,
    status: row.status as DatasetRunStatus,
    errorClass: row.error_class as string | null,
    ...countersOf(row),
  };
}
