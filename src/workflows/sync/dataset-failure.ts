// A dataset that failed in one scope: the run goes on without it (recorded in the run log and
// the progress), unless the failure ends the whole run (cancellation, a token AFAS refused).
import { log } from '@temporalio/workflow';
import type { DatasetTask } from '../../activities/types.js';
import { isAuthFailure, isCancellation, summarizeFailure, type FailureSummary } from '../failures.js';
import type { syncActivities } from '../policies.js';
import { datasetSummary } from '../summaries.js';
import type { SyncRunState } from './run-state.js';

type Bookkeeping = ReturnType<typeof syncActivities>['bookkeeping'];

/** Rethrows what ends the run; otherwise logs the failure and returns what the run log records. */
export function datasetFailure(task: DatasetTask, error: unknown): FailureSummary {
  if (isCancellation(error) || isAuthFailure(error)) throw error;
  const summary = summarizeFailure(error);
  log.warn('dataset failed', {
    source: task.source,
    dataset: task.dataset,
    administration: task.administration,
    error: summary.message,
  });
  return summary;
}

/** Writes a dataset failure into the run log (sync_run_datasets). */
export async function recordDatasetFailure(
  bookkeeping: Bookkeeping,
  task: DatasetTask,
  summary: FailureSummary,
): Promise<void> {
  await bookkeeping.recordDatasetFailure.executeWithOptions(
    { summary: `record failure · ${datasetSummary(task)}` },
    [{ ...task, ...summary }],
  );
}

/** Records a dataset failure in the run's progress and run log; auth and cancellation end the run instead. */
export async function failDataset(
  run: SyncRunState,
  bookkeeping: Bookkeeping,
  task: DatasetTask,
  error: unknown,
): Promise<void> {
  const summary = datasetFailure(task, error);
  run.recordFailure(task, summary);
  await recordDatasetFailure(bookkeeping, task, summary);
}
