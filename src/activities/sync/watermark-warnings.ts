// Where a watermark decision becomes visible: the run log's warnings (`afas-sync runs --run`)
// and the worker's log. The run's status is left alone: the rows were stored, nothing failed.
import type pg from 'pg';
import type { RunStore, RunWarning } from '../../db/runs.js';
import type { Logger } from '../../observability/logger.js';
import {
  nextWatermark,
  WATERMARK_CLOCK_SKEW_MINUTES,
  type FutureStamps,
  type ModifiedWatch,
  type WatermarkDecision,
} from './watermark-cap.js';

export interface WatermarkScope {
  source: string;
  runId: string;
  dataset: string;
  /** 0 for environment-wide datasets and for the changed-days read (all administrations). */
  administration: number;
  /** The `Modified` field the watermark follows (for the messages). */
  field: string;
}

/**
 * The warnings a decision leaves in the run log. Pure. `resetFrom`: the stored watermark that lay
 * beyond AFAS's clock, when the read had to start over because of it.
 */
export function watermarkWarnings(
  scope: WatermarkScope,
  decision: Pick<WatermarkDecision, 'cap'>,
  resetFrom: string | null,
  future: FutureStamps,
): RunWarning[] {
  const where = { dataset: scope.dataset, administration: scope.administration };
  const clock = `AFAS's clock + ${WATERMARK_CLOCK_SKEW_MINUTES} min`;
  const warnings: RunWarning[] = future.listed.map((stamp) => ({
    ...where,
    kind: 'future-modified',
    rowKey: stamp.key,
    value: stamp.modified,
    message:
      `${scope.field} ${stamp.modified} of ${scope.dataset} row ${stamp.key} lies beyond ${clock}; ` +
      `the row is stored, the watermark goes no further than ${decision.cap}, and the row is read again next run`,
  }));
  const unlisted = future.count - future.listed.length;
  if (unlisted > 0) {
    warnings.push({
      ...where,
      kind: 'future-modified',
      rowKey: '',
      value: decision.cap,
      message: `${unlisted} more row(s) of ${scope.dataset} have a ${scope.field} beyond ${clock}`,
    });
  }
  if (resetFrom !== null) {
    warnings.push({
      ...where,
      kind: 'watermark-reset',
      rowKey: '',
      value: resetFrom,
      message:
        `the stored watermark ${resetFrom} of ${scope.dataset} lay beyond ${clock} (${decision.cap}): ` +
        'changes since then may have been skipped, so everything is read again',
    });
  }
  return warnings;
}

/** Records a decision's warnings (in the caller's transaction, when it has one) and logs them. */
export async function recordWatermarkWarnings(
  db: pg.ClientBase | pg.Pool,
  runs: RunStore,
  logger: Logger,
  scope: WatermarkScope,
  decision: Pick<WatermarkDecision, 'cap' | 'watermark'>,
  resetFrom: string | null,
  future: FutureStamps,
): Promise<void> {
  const warnings = watermarkWarnings(scope, decision, resetFrom, future);
  if (warnings.length === 0) return;
  await runs.addWarnings(db, scope.runId, warnings);
  logger.warn(
    {
      source: scope.source,
      runId: scope.runId,
      dataset: scope.dataset,
      administration: scope.administration,
      watermark: decision.watermark,
      futureRows: future.count,
      rows: future.listed.map((stamp) => `${stamp.key} ${scope.field}=${stamp.modified}`),
      ...(resetFrom === null ? {} : { resetFrom }),
    },
    resetFrom !== null
      ? `${scope.dataset}: stored watermark ${resetFrom} lay beyond AFAS's clock; reading everything again`
      : `${scope.dataset}: ${future.count} row(s) with ${scope.field} beyond AFAS's clock (first: ` +
          `${future.listed[0]?.key ?? '?'} = ${future.listed[0]?.modified ?? '?'}); watermark stops at ${decision.cap}`,
  );
}

/**
 * The watermark after a read that started at `previous` (null: a full read): nextWatermark over
 * what the read saw, with its warnings recorded (in the caller's transaction) and logged.
 */
export async function settleWatermark(
  db: pg.ClientBase | pg.Pool,
  runs: RunStore,
  logger: Logger,
  scope: WatermarkScope,
  previous: string | null,
  watch: ModifiedWatch,
): Promise<string | null> {
  const decision = nextWatermark(previous, watch.newest, watch.capMs());
  await recordWatermarkWarnings(
    db,
    runs,
    logger,
    scope,
    decision,
    decision.reset ? previous : null,
    watch.future,
  );
  return decision.watermark;
}
