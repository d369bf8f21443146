import type { SyncPlan } from '../../activities/sync-plan.js';
import { DATASETS, type DatasetName } from '../../catalog/index.js';

/**
 * The task list as syncs recorded before the `sync-plan-activity` patch built it: from the
 * catalog compiled into the workflow bundle. Only replays of those histories come here; new runs
 * take their plan from the `planSync` activity, so catalog edits leave them alone.
 */
export function legacySyncPlan(wanted: readonly DatasetName[] | undefined): SyncPlan {
  const plan: SyncPlan = { masterData: [], changedDays: [] };
  for (const definition of DATASETS) {
    if (definition.name === 'administrations' || (wanted && !wanted.includes(definition.name))) continue;
    if (definition.strategy === 'changed-days') plan.changedDays.push(definition.name);
    else
      plan.masterData.push({
        dataset: definition.name,
        perAdministration: definition.scope !== 'environment',
      });
  }
  return plan;
}
