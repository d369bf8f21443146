import { setCurrentDetails } from '@temporalio/workflow';
import type { DatasetCounts, PlannedAdministration } from '../activities/types.js';
import type { FailureSummary } from './failures.js';
import { Limiter } from './limiter.js';
import { syncActivities, type SyncPolicyOptions } from './policies.js';
import { syncDetails } from './summaries.js';
import { datasetFailure, recordDatasetFailure } from './sync/dataset-failure.js';
import { replaceDayBatches, type DayBatchScope } from './sync/day-batches.js';

export interface SyncDayBatchesInput {
  scope: DayBatchScope;
  /** This group's administrations with their planned batch counts. */
  administrations: PlannedAdministration[];
  /** The source's limit of concurrent AFAS calls (the parent runs one group at a time). */
  maxConcurrency: number;
  /** The sync's activity policies. */
  options: SyncPolicyOptions;
}

export interface DayBatchesOutcome {
  administration: number;
  status: 'succeeded' | 'failed';
  counts: DatasetCounts;
  /** Booking days replaced. */
  days: number;
  failure: FailureSummary | null;
}

export interface SyncDayBatchesResult {
  administrations: DayBatchesOutcome[];
}

/**
 * Child workflow of a sync (issue 17.4): replaces the planned day batches of one group of
 * administrations and moves their watermarks. A big environment's first sync plans thousands of
 * batches; one execution per group keeps every history far below Temporal's event limit. A
 * dataset failure is recorded here and reported in the result; a failure that ends the run
 * (cancellation, a refused token) fails this workflow, and the parent ends the run with it.
 */
export async function syncDayBatches(input: SyncDayBatchesInput): Promise<SyncDayBatchesResult> {
  const activities = syncActivities(input.options);
  const outcomes = new Map<number, DayBatchesOutcome>();
  for (const { administration } of input.administrations) {
    outcomes.set(administration, {
      administration,
      status: 'failed',
      counts: { inserted: 0, updated: 0, deleted: 0, pages: 0, afasCalls: 0, retries: 0 },
      days: 0,
      failure: null,
    });
  }
  const outcomeOf = (administration: number): DayBatchesOutcome => {
    const outcome = outcomes.get(administration);
    if (!outcome) throw new Error(`administration ${administration} is not in this group`);
    return outcome;
  };
  const step = { done: 0, total: input.administrations.reduce((sum, admin) => sum + admin.batches, 0) };
  let rows = 0;
  let failures = 0;
  const showDetails = () =>
    setCurrentDetails(
      syncDetails({ phase: input.scope.dataset, step: { ...step, unit: 'day batches' }, rows, failures }),
    );
  showDetails();
  await replaceDayBatches(
    activities,
    input.scope,
    input.administrations,
    new Limiter(input.maxConcurrency, 'strict'),
    {
      started: () => undefined,
      replaced(administration, { days, ...counts }) {
        const outcome = outcomeOf(administration);
        for (const key of Object.keys(outcome.counts) as (keyof DatasetCounts)[])
          outcome.counts[key] += counts[key];
        outcome.days += days;
        rows += counts.inserted + counts.updated;
      },
      batchDone() {
        step.done += 1;
        showDetails();
      },
      async failed(task, error) {
        const summary = datasetFailure(task, error);
        outcomeOf(task.administration).failure = summary;
        failures += 1;
        showDetails();
        await recordDatasetFailure(activities.bookkeeping, task, summary);
      },
      succeeded(administration) {
        outcomeOf(administration).status = 'succeeded';
      },
    },
  );
  return { administrations: [...outcomes.values()] };
}
