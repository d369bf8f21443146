// Datasets kept by their "modified" watermark: read what changed since it (with an overlap), or
// the whole scope (a reconcile that also catches hard deletes) when reconcile-policy.ts says so.
import { where, type FilterCondition } from '../../afas/filters.js';
import type { ResolvedDataset } from '../../db/dataset-schema.js';
import type { DatasetCounts } from '../../db/runs.js';
import { replaceScope, type DatasetScope, type DatasetSyncContext } from '../dataset-sync.js';
import type { ActivityDeps } from '../deps.js';
import { reconcileReason, type ReconcilePolicy } from './reconcile-policy.js';
import { ModifiedWatch } from './watermark-cap.js';
import { settleWatermark } from './watermark-warnings.js';

/** Subtracts minutes from an AFAS wall-clock string (naive wall arithmetic: an overlap, not an instant). */
export function wallMinus(wall: string, minutes: number): string {
  const ms = Date.parse(`${wall.slice(0, 19)}Z`) - minutes * 60_000;
  return new Date(ms).toISOString().slice(0, 19);
}

/** One run of a modified-watermark dataset in one scope; the new watermark commits with the rows. */
export async function syncModified(
  deps: Pick<ActivityDeps, 'pool' | 'state' | 'settings' | 'logger'>,
  ctx: DatasetSyncContext,
  scope: DatasetScope,
  resolved: Extract<ResolvedDataset, { strategy: 'modified-watermark' }>,
  policy: ReconcilePolicy,
): Promise<DatasetCounts> {
  const key = { source: ctx.source, dataset: resolved.definition.name, administration: scope.administration };
  const state = await deps.state.get(deps.pool, key.source, key.dataset, key.administration);
  const from = state.watermark;
  const reconcile = from === null || reconcileReason(state, policy) !== null;
  const extraFilter: FilterCondition[] = reconcile
    ? []
    : [where.gte(resolved.modifiedField, wallMinus(from, deps.settings.watermarkOverlapMinutes))];
  const watch = new ModifiedWatch(
    resolved.modifiedField,
    resolved.keyFields,
    deps.settings.watermarkOverlapMinutes,
  );
  const outcome = await replaceScope(ctx, scope, resolved, {
    extraFilter,
    markDeleted: reconcile ? {} : false,
    onPage: (page) => watch.page(page),
    onCommit: async (client) => {
      // The largest `Modified` read, but never past AFAS's clock: a future stamp would freeze
      // every later read. A reconcile read everything, so its start does not matter.
      const scopeOfWatermark = { ...key, runId: ctx.runId, field: resolved.modifiedField };
      const previous = reconcile ? null : from;
      const watermark = await settleWatermark(
        client,
        ctx.runs,
        deps.logger,
        scopeOfWatermark,
        previous,
        watch,
      );
      await deps.state.put(client, key, {
        watermark,
        runsSinceReconcile: reconcile ? 0 : state.runsSinceReconcile + 1,
        runId: ctx.runId,
      });
    },
  });
  return outcome.counts;
}
