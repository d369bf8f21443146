// Journal lines of one changed-days dataset through a plan kept in PostgreSQL (issue 17.4): the
// plan activity returns counts only; a plan of one group is replaced by the sync workflow itself
// (every incremental sync, a small first sync: no extra executions), a bigger one by a child
// workflow per group of administrations, one group at a time, each with the source's full limit.
import { ChildWorkflowFailure, executeChild } from '@temporalio/workflow';
import type { DatasetTask, DayBatchPlan, PlannedAdministration } from '../../activities/types.js';
import type { DatasetName } from '../../catalog/index.js';
import { AfasPhase, AfasSource, AfasWorkflowKind } from '../../temporal/search-attributes.js';
import { syncWorkflowId } from '../definitions.js';
import type { Limiter } from '../limiter.js';
import type { syncActivities, SyncPolicyOptions } from '../policies.js';
import { administrationsLabel, dayBatchesSummary } from '../summaries.js';
import { syncDayBatches, type SyncDayBatchesResult } from '../sync-day-batches.js';
import { failDataset } from './dataset-failure.js';
import { replaceDayBatches, type DayBatchScope } from './day-batches.js';
import type { SyncRunState } from './run-state.js';

type Activities = ReturnType<typeof syncActivities>;

/** `afas-sync/acme/run-<runId>/journal_lines/admins-1-9`: unique per run, readable in the Web UI. */
export function dayBatchesWorkflowId(
  parentWorkflowId: string,
  scope: Pick<DayBatchScope, 'runId' | 'dataset'>,
  administrations: readonly number[],
): string {
  const first = administrations[0] ?? 0;
  const last = administrations[administrations.length - 1] ?? first;
  const admins = first === last ? `admin-${first}` : `admins-${first}-${last}`;
  return `${parentWorkflowId}/run-${scope.runId}/${scope.dataset}/${admins}`;
}

/** The activity policies of the sync, for its children (the operator's flags stay with the parent). */
export function policyOptions(options: SyncPolicyOptions): SyncPolicyOptions {
  const picked: SyncPolicyOptions = {};
  if (options.heartbeatTimeoutSeconds !== undefined)
    picked.heartbeatTimeoutSeconds = options.heartbeatTimeoutSeconds;
  if (options.retryInitialSeconds !== undefined) picked.retryInitialSeconds = options.retryInitialSeconds;
  if (options.retryMaximumSeconds !== undefined) picked.retryMaximumSeconds = options.retryMaximumSeconds;
  if (options.retryGiveUpSeconds !== undefined) picked.retryGiveUpSeconds = options.retryGiveUpSeconds;
  return picked;
}

/**
 * Plans the changed booking days (kept in PostgreSQL), replaces them batch by batch, and moves
 * each administration's watermark past what was read.
 */
export async function syncPlannedDays(
  run: SyncRunState,
  activities: Activities,
  dataset: DatasetName,
  limiter: Limiter,
  options: SyncPolicyOptions,
): Promise<void> {
  const { progress } = run;
  const { source, runId } = progress;
  const { afas, bookkeeping } = activities;
  const planTask: DatasetTask = { source, runId, dataset, administration: 0 };
  let plan: DayBatchPlan;
  try {
    plan = await afas.planDayBatches.executeWithOptions(
      { summary: `${dataset} · changed days · ${administrationsLabel(progress.administrations)}` },
      [{ ...planTask, administrations: progress.administrations }],
    );
  } catch (error) {
    await failDataset(run, bookkeeping, planTask, error);
    return;
  }
  progress.changedDays = plan.administrations.reduce((sum, admin) => sum + admin.dayCount, 0);
  run.setStep(
    plan.administrations.reduce((sum, admin) => sum + admin.batches, 0),
    'day batches',
  );
  const scope: DayBatchScope = { source, runId, dataset, newWatermark: plan.newWatermark };
  if (plan.groups.length <= 1) {
    await replaceDayBatches(activities, scope, plan.administrations, limiter, {
      started: (administration) => {
        run.entry(dataset, administration).status = 'running';
      },
      replaced: (administration, counts) => {
        run.account(run.entry(dataset, administration), counts);
        progress.daysReplaced += counts.days;
      },
      batchDone: () => run.stepDone(),
      failed: (task, error) => failDataset(run, bookkeeping, task, error),
      succeeded: (administration) => {
        run.entry(dataset, administration).status = 'succeeded';
      },
    });
    return;
  }
  for (const group of plan.groups) {
    const administrations = plan.administrations.filter((admin) => group.includes(admin.administration));
    for (const admin of administrations) run.entry(dataset, admin.administration).status = 'running';
    const result = await runGroup(scope, administrations, limiter.limit, policyOptions(options));
    for (const outcome of result.administrations) {
      const item = run.entry(dataset, outcome.administration);
      run.account(item, outcome.counts);
      progress.daysReplaced += outcome.days;
      // The child logged the failure and wrote it to the run log; the progress learns it here.
      if (outcome.failure)
        run.recordFailure({ ...planTask, administration: outcome.administration }, outcome.failure);
      else item.status = 'succeeded';
    }
    run.stepDone(administrations.reduce((sum, admin) => sum + admin.batches, 0));
  }
}

/**
 * One group's child workflow, to its end. A failure that ends the child ends the run: its cause
 * (a refused token, a cancellation, bookkeeping that kept failing) is rethrown as if the parent had
 * met it, so the run's status and message are what they would be without the child.
 */
async function runGroup(
  scope: DayBatchScope,
  administrations: PlannedAdministration[],
  maxConcurrency: number,
  options: SyncPolicyOptions,
): Promise<SyncDayBatchesResult> {
  const ids = administrations.map((admin) => admin.administration);
  try {
    return await executeChild(syncDayBatches, {
      // From the source, not workflowInfo(): a replay runs under another workflow id.
      workflowId: dayBatchesWorkflowId(syncWorkflowId(scope.source), scope, ids),
      args: [{ scope, administrations, maxConcurrency, options }],
      staticSummary: dayBatchesSummary(
        scope.dataset,
        ids,
        administrations.reduce((sum, admin) => sum + admin.dayCount, 0),
        administrations.reduce((sum, admin) => sum + admin.batches, 0),
      ),
      typedSearchAttributes: [
        { key: AfasSource, value: scope.source },
        { key: AfasWorkflowKind, value: 'sync-days' },
        { key: AfasPhase, value: 'journal_lines' },
      ],
    });
  } catch (error) {
    if (error instanceof ChildWorkflowFailure && error.cause) throw error.cause;
    throw error;
  }
}
