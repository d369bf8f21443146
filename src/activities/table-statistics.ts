// Which columns of a dataset table the planner needs statistics of, and refreshing them after a
// bulk write (src/db/statistics.ts says why). Best effort: the data is committed either way.
import { proofColumns, storedDataset } from '../catalog/index.js';
import { refreshStatistics } from '../db/statistics.js';
import type { ActivityDeps } from './deps.js';

/**
 * The columns the syncs' own statements select on, and those the ledger proof groups by. Not the
 * raw jsonb: it is most of an ANALYZE's cost and no statement of ours filters on it.
 */
export function statisticsColumns(name: string): string[] {
  const definition = storedDataset(name);
  return [
    ...new Set([
      '_source',
      '_administration',
      ...(definition.strategy === 'changed-days' ? ['_entry_day'] : []),
      '_deleted_at',
      ...definition.keyFields,
      ...proofColumns(name),
    ]),
  ];
}

/** Refreshes the statistics of each dataset's table where they are missing or stale. */
export async function refreshDatasetStatistics(
  deps: Pick<ActivityDeps, 'pool' | 'schema' | 'logger'>,
  datasets: Iterable<string>,
): Promise<void> {
  for (const dataset of new Set(datasets)) {
    try {
      if (await refreshStatistics(deps.pool, deps.schema, dataset, statisticsColumns(dataset)))
        deps.logger.debug({ dataset }, 'planner statistics refreshed');
    } catch (error) {
      deps.logger.warn(
        { dataset, error: error instanceof Error ? error.message : String(error) },
        'ANALYZE failed; autovacuum will refresh the statistics later',
      );
    }
  }
}
