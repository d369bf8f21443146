// The changed-days replace loop over planned batches (changed_day_plans): shared by the sync
// workflow, which runs it itself for a plan of one group, and by the syncDayBatches child
// workflow, which runs one group of administrations of a bigger plan.
import type { DatasetTask, DayBatchCounts, PlannedAdministration } from '../../activities/types.js';
import type { DatasetName } from '../../catalog/index.js';
import { patched } from '@temporalio/workflow';
import { Limiter } from '../limiter.js';
import type { syncActivities } from '../policies.js';
import { dayBatchSummary, datasetSummary } from '../summaries.js';

type Activities = ReturnType<typeof syncActivities>;

export interface DayBatchScope {
  source: string;
  runId: string;
  dataset: DatasetName;
  /** Where each administration's watermark moves once all its batches are replaced. */
  newWatermark: string | null;
}

/** What the loop tells its workflow as it goes. */
export interface DayBatchEvents {
  /** An administration's first batch is about to be scheduled. */
  started(administration: number): void;
  /** One batch of an administration was replaced. */
  replaced(administration: number, counts: DayBatchCounts): void;
  /** One batch is through, replaced or failed (for the current details). */
  batchDone(): void;
  /**
   * An administration failed: its watermark stays, so the next run re-reads its days. Rethrows
   * what must end the whole run (cancellation, a refused token).
   */
  failed(task: DatasetTask, error: unknown): Promise<void>;
  /** Every batch of the administration is replaced and its watermark moved. */
  succeeded(administration: number): void;
}

/**
 * Replaces every planned batch of these administrations under the limiter, then moves each
 * administration's watermark past what was read; an administration with a failed batch keeps its
 * watermark. Rejects with what `failed` rethrew.
 */
export async function replaceDayBatches(
  { bookkeeping, afas }: Activities,
  scope: DayBatchScope,
  administrations: readonly PlannedAdministration[],
  limiter: Limiter,
  events: DayBatchEvents,
): Promise<void> {
  const { source, runId, dataset, newWatermark } = scope;
  const batches = dayBatchLimiter(limiter);
  const perAdministration = administrations.map(async (admin) => {
    const task: DatasetTask = { source, runId, dataset, administration: admin.administration };
    events.started(admin.administration);
    const numbers = Array.from({ length: admin.batches }, (_, index) => index + 1);
    const outcomes = await batches.allSettled(
      numbers.map((batch) => async () => {
        try {
          const counts = await afas.replaceDayBatch.executeWithOptions(
            { summary: dayBatchSummary(task, batch, admin.batches) },
            [{ ...task, batch }],
          );
          events.replaced(admin.administration, counts);
        } finally {
          events.batchDone();
        }
      }),
    );
    const failed = outcomes.find(
      (outcome): outcome is PromiseRejectedResult => outcome.status === 'rejected',
    );
    if (failed) {
      await events.failed(task, failed.reason);
      return;
    }
    if (newWatermark) {
      await bookkeeping.advanceWatermark.executeWithOptions(
        { summary: `${datasetSummary(task)} · watermark ${newWatermark}` },
        [{ ...task, watermark: newWatermark }],
      );
    }
    events.succeeded(admin.administration);
  });
  rethrowFatal(await Promise.allSettled(perAdministration));
}

/** Throws the first rejection: a failure that ends the run (the rest were recorded as they came). */
export function rethrowFatal(results: PromiseSettledResult<unknown>[]): void {
  for (const result of results) {
    if (result.status === 'rejected') throw result.reason;
  }
}

/**
 * The limiter of day batches in flight: from the `day-batch-overlap` patch on, the source's limit
 * of AFAS calls plus one. A batch ends with its replace, one transaction that calls no AFAS; one
 * more batch pages AFAS meanwhile, so the source's calls stay busy. The environment's call budget
 * (src/afas-budget) still holds the AFAS calls themselves to the source's limit. Histories from
 * before keep `before`.
 */
function dayBatchLimiter(before: Limiter): Limiter {
  return patched('day-batch-overlap') ? new Limiter(before.limit + 1, 'strict') : before;
}
