// Pure progress arithmetic of the historical import: what follows from the counters (pending,
// rate, ETA) and how totals reported by concurrent activities merge. No Temporal here.
import type { ImportTotals } from '../../activities/import-activities.js';
import type { ImportProgress } from '../definitions.js';

export type PartitionCounts = ImportProgress['partitions'];

/** Where this attempt (this start of the import, across continue-as-new) began. */
export interface AttemptStart {
  startedAtMs: number;
  rows: number;
}

export interface DerivedProgress {
  partitions: PartitionCounts;
  rowsThisAttempt: number;
  rowsPerSecond: number | null;
  etaSeconds: number | null;
}

/**
 * Pending partitions, rows and rate of this attempt, and the time left: the rows per finished
 * partition so far times the partitions left, at this attempt's rate. Null while unknown.
 */
export function deriveProgress(
  counts: Pick<PartitionCounts, 'total' | 'done' | 'failed'>,
  rows: number,
  running: number,
  attempt: AttemptStart,
  nowMs: number,
): DerivedProgress {
  const pending = Math.max(0, counts.total - counts.done - counts.failed - running);
  const rowsThisAttempt = Math.max(0, rows - attempt.rows);
  const elapsedSeconds = (nowMs - attempt.startedAtMs) / 1000;
  const rowsPerSecond =
    elapsedSeconds > 0 && rowsThisAttempt > 0 ? Math.round(rowsThisAttempt / elapsedSeconds) : null;
  const remaining = counts.total - counts.done - counts.failed;
  const etaSeconds =
    remaining === 0
      ? 0
      : rowsPerSecond && counts.done > 0
        ? Math.round(((rows / counts.done) * remaining) / rowsPerSecond)
        : null;
  return {
    partitions: { total: counts.total, done: counts.done, failed: counts.failed, running, pending },
    rowsThisAttempt,
    rowsPerSecond,
    etaSeconds,
  };
}

/**
 * Totals from PostgreSQL only grow within an attempt, but answers of concurrent activities may
 * arrive out of order: keep the larger of each count.
 */
export function mergeTotals(
  counts: Pick<PartitionCounts, 'total' | 'done' | 'failed'>,
  rows: number,
  totals: Pick<ImportTotals, 'total' | 'done' | 'failed' | 'rows'>,
): { total: number; done: number; failed: number; rows: number } {
  return {
    total: Math.max(counts.total, totals.total),
    done: Math.max(counts.done, totals.done),
    failed: Math.max(counts.failed, totals.failed),
    rows: Math.max(rows, totals.rows),
  };
}
