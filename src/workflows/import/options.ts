// Input of the historical import: validation and defaults. Pure (shared by the workflow and the client).
import type { PartitionRunOptions } from '../../activities/import-activities.js';
import type { DatasetName } from '../../catalog/index.js';
import { DEFAULT_RETRY_GIVE_UP_SECONDS, MAX_IMPORT_CONCURRENCY } from '../definitions.js';

export interface ImportOptions {
  /** First booking year to import. */
  fromYear: number;
  /** Last booking year (default: the current year, Europe/Amsterdam). */
  toYear?: number;
  /** Datasets with history partitions (default `['journal_lines']`). */
  datasets?: DatasetName[];
  /** Concurrent partition activities, 1..5 (default: the source's max_concurrency). */
  maxConcurrency?: number;
  /** AFAS requests per minute for the whole import (default: no pacing). */
  requestsPerMinute?: number;
  /** Skip never reaches this within a partition; past it the partition continues as a new key range (default 100,000). */
  partitionRowLimit?: number;
  /** Rows per page at most (default 4,000; never more than columns × take ≤ 150,000 allows). */
  pageSize?: number;
  /** Pages one activity call commits before returning to the workflow (default 25). */
  maxPagesPerActivity?: number;
  /** Heartbeat timeout of the partition activities: how fast a dead worker's partition moves on and cancellation lands (default 30). */
  heartbeatTimeoutSeconds?: number;
  retryInitialSeconds?: number;
  retryMaximumSeconds?: number;
  /** Total time one AFAS activity may take across its attempts (default 3 hours). */
  retryGiveUpSeconds?: number;
  /** Continue-as-new once history has this many events, besides the server's suggestion (tests). */
  continueAsNewAfterEvents?: number;
  /** How long planning waits for a sync already running to end (default 600). */
  syncWaitSeconds?: number;
}

export interface ResolvedImportOptions {
  fromYear: number;
  toYear: number | null;
  datasets: DatasetName[];
  maxConcurrency: number | null;
  requestsPerMinute: number | null;
  partitionRowLimit: number;
  pageSize: number | null;
  maxPagesPerActivity: number;
  heartbeatTimeoutSeconds: number;
  retryInitialSeconds: number;
  retryMaximumSeconds: number;
  retryGiveUpSeconds: number;
  continueAsNewAfterEvents: number | null;
  syncWaitSeconds: number;
}

export const DEFAULT_PARTITION_ROW_LIMIT = 100_000;

function integerProblem(name: string, value: number | undefined, min: number, max: number): string | null {
  if (value === undefined) return null;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    return `${name} must be a whole number from ${min} to ${max} (got ${String(value)})`;
  }
  return null;
}

/** The first thing wrong with the options, or null. */
export function importOptionsProblem(options: ImportOptions): string | null {
  const problems = [
    integerProblem('fromYear', options.fromYear, 1900, 9999),
    integerProblem('toYear', options.toYear, 1900, 9999),
    options.toYear !== undefined && options.toYear < options.fromYear
      ? `toYear ${options.toYear} is before fromYear ${options.fromYear}`
      : null,
    options.toYear !== undefined && options.toYear - options.fromYear > 100
      ? 'an import spans at most 100 years'
      : null,
    options.datasets !== undefined && (!Array.isArray(options.datasets) || options.datasets.length === 0)
      ? 'datasets must name at least one dataset'
      : null,
    integerProblem('maxConcurrency', options.maxConcurrency, 1, MAX_IMPORT_CONCURRENCY),
    integerProblem('requestsPerMinute', options.requestsPerMinute, 1, 60_000),
    integerProblem('partitionRowLimit', options.partitionRowLimit, 1, 10_000_000),
    integerProblem('pageSize', options.pageSize, 1, 10_000),
    integerProblem('maxPagesPerActivity', options.maxPagesPerActivity, 1, 10_000),
    integerProblem('heartbeatTimeoutSeconds', options.heartbeatTimeoutSeconds, 1, 3_600),
    integerProblem('retryInitialSeconds', options.retryInitialSeconds, 1, 3_600),
    integerProblem('retryMaximumSeconds', options.retryMaximumSeconds, 1, 86_400),
    integerProblem('retryGiveUpSeconds', options.retryGiveUpSeconds, 10, 7 * 86_400),
    integerProblem('continueAsNewAfterEvents', options.continueAsNewAfterEvents, 50, 50_000),
    integerProblem('syncWaitSeconds', options.syncWaitSeconds, 0, 86_400),
  ];
  return problems.find((problem) => problem !== null) ?? null;
}

export function resolveImportOptions(options: ImportOptions): ResolvedImportOptions {
  return {
    fromYear: options.fromYear,
    toYear: options.toYear ?? null,
    datasets: options.datasets ? [...new Set(options.datasets)] : ['journal_lines'],
    maxConcurrency: options.maxConcurrency ?? null,
    requestsPerMinute: options.requestsPerMinute ?? null,
    partitionRowLimit: options.partitionRowLimit ?? DEFAULT_PARTITION_ROW_LIMIT,
    pageSize: options.pageSize ?? null,
    maxPagesPerActivity: options.maxPagesPerActivity ?? 25,
    heartbeatTimeoutSeconds: options.heartbeatTimeoutSeconds ?? 30,
    retryInitialSeconds: options.retryInitialSeconds ?? 5,
    retryMaximumSeconds: options.retryMaximumSeconds ?? 300,
    retryGiveUpSeconds: options.retryGiveUpSeconds ?? DEFAULT_RETRY_GIVE_UP_SECONDS,
    continueAsNewAfterEvents: options.continueAsNewAfterEvents ?? null,
    syncWaitSeconds: options.syncWaitSeconds ?? 600,
  };
}

/** How the partition activities page, from the resolved options; fixed for one workflow run. */
export function partitionRunOptions(options: ResolvedImportOptions): PartitionRunOptions {
  return {
    partitionRowLimit: options.partitionRowLimit,
    pageSize: options.pageSize,
    maxPagesPerActivity: options.maxPagesPerActivity,
    requestsPerMinute: options.requestsPerMinute,
  };
}
