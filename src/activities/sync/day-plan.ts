// The changed-days plan of a sync, kept in PostgreSQL (changed_day_plans): the activity result
// carries counts per administration and how to group them into workflow executions, never the
// days, so a first sync of a big environment stays inside Temporal's payload and history limits.
import type { ChangedDaysDataset } from '../../catalog/index.js';
import type { AfasActivity } from '../activity-scope.js';
import type { ActivityDeps } from '../deps.js';
import type { DayBatchPlan, PlanChangedDaysInput, PlannedAdministration } from '../types.js';
import { dayBatches, planChangedDayLists } from './changed-days.js';

/*
 * Day batches one workflow execution replaces at most: `settings.batchesPerExecution`, 300 by
 * default (an administration with more gets an execution of its own). Each batch adds ~6 history
 * events (activity scheduled/started/completed and the workflow task it wakes), so a group stays
 * near 2,000 events: far below Temporal's 10,240-event warning, with room for the parent's master
 * data. Small plans (every incremental sync, a 3 × 3-year first sync) are one group and run in
 * the sync workflow itself.
 */

/**
 * Consecutive administrations packed into groups of at most `maxBatches` batches. Every
 * administration is in exactly one group, those with nothing to replace too: the group's execution
 * still moves their watermark.
 */
export function groupAdministrations(
  administrations: readonly PlannedAdministration[],
  maxBatches: number,
): number[][] {
  if (!Number.isInteger(maxBatches) || maxBatches < 1)
    throw new RangeError(`maxBatches must be a positive integer, got ${String(maxBatches)}`);
  const groups: number[][] = [];
  let current: number[] = [];
  let batches = 0;
  for (const admin of administrations) {
    if (current.length > 0 && batches + admin.batches > maxBatches) {
      groups.push(current);
      current = [];
      batches = 0;
    }
    current.push(admin.administration);
    batches += admin.batches;
  }
  if (current.length > 0) groups.push(current);
  return groups;
}

/** Plans the changed days of every administration, stores the batches, returns their counts. */
export async function planDayBatches(
  deps: Pick<ActivityDeps, 'pool' | 'state' | 'changedDays' | 'settings' | 'runs' | 'logger'>,
  afas: AfasActivity,
  definition: ChangedDaysDataset,
  input: PlanChangedDaysInput,
): Promise<DayBatchPlan> {
  // Leftovers of this source's runs that ended before replacing everything they planned.
  await deps.changedDays.clearEndedPlans(deps.pool, input.source);
  const lists = await planChangedDayLists(deps, afas, definition, input);
  const planned = lists.administrations.map(({ administration, days }) => ({
    administration,
    days: days.length,
    batches: dayBatches(days, deps.settings.daysPerBatch),
  }));
  await deps.changedDays.savePlan(deps.pool, { runId: input.runId, dataset: input.dataset }, planned);
  const administrations = planned.map(({ administration, days, batches }) => ({
    administration,
    dayCount: days,
    batches: batches.length,
  }));
  return {
    administrations,
    groups: groupAdministrations(administrations, deps.settings.batchesPerExecution),
    newWatermark: lists.newWatermark,
    afasCalls: afas.session.calls,
  };
}
