// What the historical import's state tables hold, as the rest of the program sees it: an import's
// record, its partitions, their cursors and totals, the errors the stores throw, and the rows the
// stores read them from.
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

/** An `imports` row as pg returns it. */
export interface ImportRow {
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

export function toImport(row: ImportRow): ImportRecord {
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

/** An `import_partitions` row as pg returns it. */
export interface PartitionRow {
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

export function toPartition(row: PartitionRow): PartitionRecord {
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
