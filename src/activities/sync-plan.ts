// What a sync runs, decided from the catalog by an activity, so a running sync workflow keeps
// the task list it started with when the catalog changes in a deploy (its history holds the
// result; replay does not read the catalog again).
import { DATASETS, type DatasetDefinition, type DatasetName } from '../catalog/index.js';

export interface SyncPlanInput {
  source: string;
  runId: string;
  /** Only these datasets (the administrations dataset always runs). Default: all. */
  datasets?: DatasetName[];
}

export interface SyncPlan {
  /** Datasets read after the administrations, in catalog order; per administration or once. */
  masterData: { dataset: DatasetName; perAdministration: boolean }[];
  /** Datasets kept current through the changed booking days, in catalog order. */
  changedDays: DatasetName[];
}

type PlannedFields = Pick<DatasetDefinition, 'name' | 'strategy' | 'scope' | 'provides'>;

/**
 * The plan for a catalog: every dataset except the one that lists the administrations (the saga
 * reads that first, on its own); `wanted` narrows it to some datasets.
 */
export function syncPlanFor(datasets: readonly PlannedFields[], wanted?: readonly DatasetName[]): SyncPlan {
  const chosen = datasets.filter(
    (definition) =>
      definition.provides !== 'administrations' && (!wanted || wanted.includes(definition.name)),
  );
  return {
    masterData: chosen
      .filter((definition) => definition.strategy !== 'changed-days')
      .map((definition) => ({
        dataset: definition.name,
        perAdministration: definition.scope === 'administration',
      })),
    changedDays: chosen
      .filter((definition) => definition.strategy === 'changed-days')
      .map((definition) => definition.name),
  };
}

export function createSyncPlanActivities() {
  return {
    /** The sync's task list from the catalog this worker runs with. */
    planSync(input: SyncPlanInput): Promise<SyncPlan> {
      return Promise.resolve(syncPlanFor(DATASETS, input.datasets));
    },
  };
}

export type SyncPlanActivities = ReturnType<typeof createSyncPlanActivities>;
