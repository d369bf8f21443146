// Names operators and the CLI use to talk to running workflows. Safe to import from clients.
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { PostProgress } from '../write-back/post-types.js';

export const syncWorkflowId = (source: string) => `afas-sync/${source}`;
export const scheduleIdFor = (source: string) => `afas-sync-schedule/${source}`;
export const importWorkflowId = (source: string) => `afas-import/${source}`;

export type SyncPhase =
  | 'starting'
  | 'check'
  | 'administrations'
  | 'master_data'
  | 'journal_lines'
  | 'ledger'
  | 'finishing'
  | 'done';

export interface DatasetProgress {
  dataset: string;
  administration: number;
  status: 'pending' | 'running' | 'succeeded' | 'failed' | 'skipped';
  inserted: number;
  updated: number;
  deleted: number;
  pages: number;
  afasCalls: number;
  error?: string;
}

export interface SyncProgress {
  source: string;
  runId: string;
  phase: SyncPhase;
  startedAt: string;
  administrations: number[];
  datasets: DatasetProgress[];
  changedDays: number;
  daysReplaced: number;
  failures: number;
  status: 'running' | 'succeeded' | 'partial' | 'failed' | 'cancelled' | 'skipped';
  error?: string;
  /** What this run does beyond a plain sync (`sync --full`, `--allow-mass-delete`). */
  request?: SyncRequest;
  /** Asked for while this run was going: a follow-up run does it as soon as this one ends. */
  queued?: SyncRequest;
}

/** What an operator can ask of a sync beyond a plain one. */
export interface SyncRequest {
  /** Read every master-data scope whole (journal lines keep their changed-days path). */
  full?: boolean;
  /** Whole reads may mark any share of a scope deleted, for that run only. */
  allowMassDelete?: boolean;
}

export const syncProgressQuery = defineQuery<SyncProgress>('progress');
/**
 * Asks a running sync for a follow-up run with these options (merged with earlier asks); it
 * starts as soon as the running one ends, as a continue-as-new of the same workflow id, so the
 * request lives in the workflow's history and survives the CLI that sent it.
 */
export const requestSyncSignal = defineSignal<[SyncRequest]>('requestSync');

// ---- historical import -------------------------------------------------------------------------

/** Also the `AfasPhase` search attribute, except that a paused import shows `paused` there. */
export type ImportPhase = 'planning' | 'importing' | 'finishing' | 'done' | 'cancelled' | 'failed';

export interface ImportProgress {
  source: string;
  /** The `imports` row (reused when an unfinished import is resumed); null until planning opened it. */
  importId: string | null;
  /** The `sync_runs` row of this attempt. */
  runId: string | null;
  phase: ImportPhase;
  status: 'running' | 'succeeded' | 'partial' | 'failed' | 'cancelled';
  paused: boolean;
  concurrency: number;
  fromYear: number;
  toYear: number | null;
  datasets: string[];
  administrations: number[];
  partitions: { total: number; done: number; running: number; failed: number; pending: number };
  /** Rows committed by the whole import (earlier attempts included). */
  rows: number;
  /** Rows committed since this attempt started, and their rate. */
  rowsThisAttempt: number;
  rowsPerSecond: number | null;
  /** Estimated seconds left (from rows per partition so far and the current rate); null until known. */
  etaSeconds: number | null;
  runningPartitions: { key: string; since: string; chunks: number }[];
  lastError: { partition: string | null; message: string; at: string } | null;
  startWatermark: string | null;
  /** When this attempt started, and when progress last moved. */
  startedAt: string;
  updatedAt: string;
  /** Workflow runs of this attempt (1 + continue-as-new count). */
  workflowRuns: number;
}

export const importProgressQuery = defineQuery<ImportProgress>('importProgress');
/** Stops starting partition chunks (running chunks finish their pages); progress says `paused`. */
export const pauseImportSignal = defineSignal('pause');
export const resumeImportSignal = defineSignal('resume');
/** Concurrent partition activities, 1..5 (AFAS allows 5 concurrent calls per environment). */
export const setImportConcurrencyUpdate = defineUpdate<{ concurrency: number }, [number]>('setConcurrency');
export const MAX_IMPORT_CONCURRENCY = 5;

/**
 * Total time a data activity may take across all its attempts (3 hours: longer than AFAS's
 * announced maintenance windows). Past it the dataset fails with its last error, so no error keeps
 * a source's sync running, and so blocking the next ones, for good.
 */
export const DEFAULT_RETRY_GIVE_UP_SECONDS = 3 * 3600;

// ---- write-back (issue 19) ---------------------------------------------------------------------

/** One workflow per batch: starting a batch id again attaches to it instead of posting twice. */
export const postWorkflowId = (source: string, batch: string) => `afas-post/${source}/${batch}`;
export const postProgressQuery = defineQuery<PostProgress>('postProgress');
/**
 * `afas-sync post cancel`: stops posting (entries in flight finish and are recorded), then takes
 * every entry of the batch back out of AFAS. Ignored once every entry is posted.
 */
export const cancelPostSignal = defineSignal('cancelPost');
