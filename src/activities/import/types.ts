// Inputs and results of the historical-import activities: small, row-free, safe for workflow history.
import type { ImportTotals } from '../../db/import-state.js';

export type { ImportTotals } from '../../db/import-state.js';

/** How partitions are paged; fixed for one workflow run. */
export interface PartitionRunOptions {
  /** Skip never reaches this: past it the partition continues as a new key range (default 100,000). */
  partitionRowLimit: number;
  /** Rows per page at most; null = from the column count (columns × take ≤ 150,000). */
  pageSize: number | null;
  /** Pages one activity call commits before handing back to the workflow. */
  maxPagesPerActivity: number;
  /** AFAS requests per minute for the whole import (all activities, all workers); null = no pacing. */
  requestsPerMinute: number | null;
}

export interface ImportRunningInput {
  source: string;
}

export interface ImportRunningResult {
  running: boolean;
  importId: string | null;
  /** Why a sync should not run now (for its result and log). */
  reason: string | null;
}

export interface BeginImportInput {
  source: string;
  /** Used when no unfinished import of the source can be resumed. */
  newImportId: string;
  /** The sync_runs row of this attempt. */
  runId: string;
  workflowId: string;
  workflowRunId: string;
  fromYear: number;
  /** null: the current year (Europe/Amsterdam). */
  toYear: number | null;
  datasets: string[];
  /** Recorded for operators. */
  options: Record<string, unknown>;
}

export interface BeginImportResult {
  importId: string;
  resumed: boolean;
  fromYear: number;
  toYear: number;
  datasets: string[];
  sourceMaxConcurrency: number;
  /** Administrations known from the last discovery (empty: discover first). */
  administrations: number[];
  startWatermark: string | null;
  totals: ImportTotals;
}

export interface AwaitSyncsInput {
  source: string;
  importId: string;
  maxWaitSeconds: number;
}

export interface AwaitSyncsResult {
  waitedSeconds: number;
  /** Syncs still recorded as running when the wait ended (0 = none). */
  stillRunning: number;
}

export interface PlanImportInput {
  source: string;
  importId: string;
  runId: string;
  administrations: number[];
  requestsPerMinute: number | null;
}

export interface PlanImportResult {
  startWatermark: string;
  addedPartitions: number;
  administrations: number[];
  totals: ImportTotals;
  afasCalls: number;
}

export interface PartitionRef {
  key: string;
  seq: number;
}

export interface PartitionsToRunInput {
  importId: string;
  afterSeq: number;
  limit: number;
}

export interface PartitionsToRunResult {
  partitions: PartitionRef[];
  totals: ImportTotals;
}

export interface ImportPartitionInput {
  source: string;
  importId: string;
  runId: string;
  key: string;
  options: PartitionRunOptions;
}

export interface ImportPartitionResult {
  key: string;
  /** The partition is complete (now or already before this call). */
  done: boolean;
  /** Committed by this call. */
  rows: number;
  pages: number;
  inserted: number;
  updated: number;
  afasCalls: number;
  retries: number;
  /** Whole-import totals after this call (monotone within an attempt). */
  totals: ImportTotals;
}

export interface PartitionFailedInput {
  importId: string;
  key: string;
  message: string;
  errorClass: string;
  profitLogReference: string | null;
}

export type ImportOutcome = 'completed' | 'cancelled' | 'aborted';

export interface FinishImportInput {
  source: string;
  /** null when the attempt ended before beginImport returned: found by its run id. */
  importId: string | null;
  runId: string;
  outcome: ImportOutcome;
  error: string | null;
}

export interface FinishImportResult {
  importId: string | null;
  status: 'succeeded' | 'failed' | 'cancelled';
  runStatus: 'succeeded' | 'partial' | 'failed' | 'cancelled';
  totals: ImportTotals;
  /** The journal-line watermark written, and for which administrations. */
  watermark: string | null;
  watermarkAdministrations: number[];
}
