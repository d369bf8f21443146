// What to do about differing account-periods (issue 18.3): repair once, then flag. Pure, so it is
// tested on its own; the ledger activities feed it what PostgreSQL holds.
import { sameAmount } from '../../decimal/decimal.js';
import type { AccountPeriodFigures, PeriodRef } from '../../db/ledger-sql.js';

/**
 * Periods one run re-reads at most. A period is one AFAS query of ~a month of booking days; a
 * copy that differs nearly everywhere is a case for `afas-sync import`, not for repairs, and the
 * periods past this are repaired by the next runs (they are not flagged meanwhile).
 */
export const REPAIRS_PER_RUN = 24;

/** A flag as stored: an account-period whose difference survived a repair, with both figures then. */
export type LedgerFlag = AccountPeriodFigures;

export interface RepairPlan {
  /** Periods to re-read now (sorted, at most the limit). */
  repair: PeriodRef[];
  /** Periods with a new difference that wait for a later run (past the limit). */
  deferred: PeriodRef[];
  /** Differences already flagged with these very figures: left alone. */
  flagged: AccountPeriodFigures[];
  /** Stored flags whose account-period no longer shows those figures: cleared. */
  clear: LedgerFlag[];
}

/**
 * Decides from one check: a difference already flagged with the same figures stays flagged (no
 * repair: it survived one already); any other difference gets its period re-read. A flag whose
 * account-period agrees now, or differs by other figures, is cleared (the new figures get one
 * repair of their own). `flags` must be those inside the checked scope.
 */
export function planRepair(
  differences: readonly AccountPeriodFigures[],
  flags: readonly LedgerFlag[],
  limit = REPAIRS_PER_RUN,
): RepairPlan {
  const flagged: AccountPeriodFigures[] = [];
  const periods = new Map<string, PeriodRef>();
  const kept = new Set<string>();
  const flagsByKey = new Map(flags.map((flag) => [accountKey(flag), flag]));
  for (const difference of differences) {
    const flag = flagsByKey.get(accountKey(difference));
    if (flag && sameFigures(flag, difference)) {
      flagged.push(difference);
      kept.add(accountKey(flag));
      continue;
    }
    periods.set(periodKey(difference), periodOf(difference));
  }
  const ordered = [...periods.values()].sort(comparePeriods);
  return {
    repair: ordered.slice(0, limit),
    deferred: ordered.slice(limit),
    flagged,
    clear: flags.filter((flag) => !kept.has(accountKey(flag))),
  };
}

export interface RepairOutcome {
  /** Repaired periods that agree now. */
  healed: PeriodRef[];
  /** Account-periods still differing after their period was re-read: flagged, never repaired again as they are. */
  flag: AccountPeriodFigures[];
}

/** After the re-read: whatever still differs in a repaired period is flagged; the rest healed. */
export function judgeRepair(
  repaired: readonly PeriodRef[],
  remaining: readonly AccountPeriodFigures[],
): RepairOutcome {
  const repairedKeys = new Set(repaired.map(periodKey));
  const flag = remaining.filter((difference) => repairedKeys.has(periodKey(difference)));
  const stillDiffering = new Set(flag.map(periodKey));
  return { healed: repaired.filter((period) => !stillDiffering.has(periodKey(period))), flag };
}

export function periodOf(ref: PeriodRef): PeriodRef {
  return { administration: ref.administration, year: ref.year, period: ref.period };
}

export function periodKey(ref: PeriodRef): string {
  return `${ref.administration}/${ref.year}/${ref.period}`;
}

function accountKey(figures: AccountPeriodFigures): string {
  return `${periodKey(figures)}/${figures.account}`;
}

function comparePeriods(a: PeriodRef, b: PeriodRef): number {
  return a.administration - b.administration || a.year - b.year || a.period - b.period;
}

function sameFigures(a: AccountPeriodFigures, b: AccountPeriodFigures): boolean {
  return (
    sameAmount(a.afas.debit, b.afas.debit) &&
    sameAmount(a.afas.credit, b.afas.credit) &&
    sameAmount(a.copy.debit, b.copy.debit) &&
    sameAmount(a.copy.credit, b.copy.credit)
  );
}
