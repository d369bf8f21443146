// When a modified-watermark scope is read whole (a reconcile: hard deletes in AFAS get marked)
// instead of only what changed since its watermark. Small scopes are read whole every run, so a
// delete shows after one sync; large ones once the source's reconcile interval has passed.
import type { SyncStateRow } from '../../db/sync-state.js';

/** The source's settings for it (see SourceRecord). */
export interface ReconcilePolicy {
  /** A scope that held at most this many rows at its last whole read is read whole every run. */
  fullReloadMaxRows: number;
  /** A larger scope is read whole once this long after its last whole read. */
  reconcileIntervalSeconds: number;
  /** `afas-sync sync --full`: read whole now. */
  forced: boolean;
}

/** Why the scope is read whole this run; null: only what changed since the watermark. */
export type ReconcileReason =
  'first sync' | 'forced' | 'never reconciled' | 'small scope' | 'interval passed';

export function reconcileReason(
  state: Pick<SyncStateRow, 'watermark' | 'reconcile'>,
  policy: ReconcilePolicy,
): ReconcileReason | null {
  if (state.watermark === null) return 'first sync';
  if (policy.forced) return 'forced';
  // State written before reconciles were recorded: read whole once, which records one.
  if (state.reconcile === null) return 'never reconciled';
  if (state.reconcile.rows <= policy.fullReloadMaxRows) return 'small scope';
  if (state.reconcile.secondsAgo >= policy.reconcileIntervalSeconds) return 'interval passed';
  return null;
}
