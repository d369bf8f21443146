// Where a sync's ledger proof checks entries: among the lines that may have changed since the
// source's last check of every year, or everywhere when that check does not cover this one. Pure.
import type { ChangedLines } from '../../db/ledger-sql.js';
import type { Reconciliation } from '../../db/reconciliations.js';

/** The last check of every year, as the store returns it (see ReconciliationStore.lastWholeCheck). */
export type PreviousCheck = Pick<
  Reconciliation,
  'scope' | 'unbalancedEntries' | 'unbalanced' | 'linesOutside'
> & { runStartedAt: Date };

/**
 * What a sync's check of `administrations` (null: all) may narrow its entry check to, or
 * undefined to check every entry: when there was no earlier check, it left out one of these
 * administrations or some years holding lines (an import's check of the years it imported
 * covers every line when the copy has no others), it found more unbalanced entries than it listed (they could not
 * be carried), or it found lines outside (those are looked for everywhere again until gone).
 *
 * Every booking day replaced since the earlier run started is included (its own days, replaced
 * before its check, too), and always this run's own: a source's syncs never overlap, so the
 * earlier run started first unless a run's row was rewritten; then this run's start bounds it.
 */
export function changedLinesSince(
  previous: PreviousCheck | undefined,
  current: { runStartedAt: Date; administrations: readonly number[] | null },
): ChangedLines | undefined {
  if (!previous) return undefined;
  const everyLine = previous.scope.coversEveryLine === true;
  if (previous.scope.years !== null && !everyLine) return undefined;
  const covered = everyLine ? null : previous.scope.administrations;
  if (covered !== null) {
    if (current.administrations === null) return undefined;
    const had = new Set(covered);
    if (!current.administrations.every((administration) => had.has(administration))) return undefined;
  }
  if (previous.unbalancedEntries > previous.unbalanced.length || previous.linesOutside > 0) return undefined;
  const since = Math.min(previous.runStartedAt.getTime(), current.runStartedAt.getTime());
  return {
    replacedSince: new Date(since).toISOString(),
    entries: previous.unbalanced.map(({ administration, entryNo }) => ({ administration, entryNo })),
  };
}
