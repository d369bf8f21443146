// The `reconciliations` row of a run, built from a check and what the repair plan decided, then
// updated once the repaired periods are checked again. Pure.
import type { LedgerProof, LedgerScope, PeriodRef } from '../../db/ledger-sql.js';
import type {
  ListedDifference,
  Reconciliation,
  ReconciliationScope,
  ReconciliationStatus,
} from '../../db/reconciliations.js';
import { periodKey, type RepairOutcome, type RepairPlan } from './repair-plan.js';

/** Differences kept in the row (the verify command lists them all). */
export const DIFFERENCES_KEPT = 50;

/** What a workflow learns of the proof: the record's figures, never its lists of rows. */
export type LedgerSummary = Pick<
  Reconciliation,
  | 'status'
  | 'periodsChecked'
  | 'periodsDifferent'
  | 'periodsRepaired'
  | 'periodsHealed'
  | 'accountPeriodsFlagged'
  | 'accountPeriodsUnresolved'
  | 'unbalancedEntries'
  | 'linesOutside'
  | 'lastPeriod'
> & { reason?: string };

export function ledgerScopeOf(scope: ReconciliationScope): LedgerScope {
  return {
    ...(scope.administrations ? { administrations: scope.administrations } : {}),
    ...(scope.years ? { years: scope.years } : {}),
    ...(scope.changed ? { changed: scope.changed } : {}),
  };
}

export function statusOf(
  record: Pick<
    Reconciliation,
    'periodsDifferent' | 'unbalancedEntries' | 'linesOutside' | 'accountPeriodsUnresolved'
  >,
): ReconciliationStatus {
  if (record.periodsDifferent > 0 || record.unbalancedEntries > 0 || record.linesOutside > 0)
    return 'differs';
  return record.accountPeriodsUnresolved > 0 ? 'unresolved' : 'agrees';
}

/** The row of a run whose check could not run (nothing synced yet, a column missing). */
export function unavailableRecord(
  base: { runId: string; source: string; scope: ReconciliationScope },
  reason: string,
): Reconciliation {
  return {
    ...base,
    status: 'unavailable',
    reason,
    accountPeriodsChecked: 0,
    periodsChecked: 0,
    periodsDifferent: 0,
    periodsRepaired: 0,
    periodsHealed: 0,
    accountPeriodsFlagged: 0,
    accountPeriodsUnresolved: 0,
    unbalancedEntries: 0,
    linesOutside: 0,
    lastPeriod: null,
    differences: [],
    unbalanced: [],
  };
}

/** The row after the first check: flagged differences marked, the rest differing until repaired. */
export function checkedRecord(
  base: { runId: string; source: string; scope: ReconciliationScope },
  proof: LedgerProof,
  plan: RepairPlan,
): Reconciliation {
  const flagged = new Set(plan.flagged.map(accountKeyOf));
  const differences: ListedDifference[] = [
    ...proof.differences.map((difference) => ({
      ...difference,
      state: flagged.has(accountKeyOf(difference)) ? ('flagged' as const) : ('differs' as const),
    })),
    ...proof.unresolved.map(({ numbers: _numbers, ...figures }) => ({
      ...figures,
      state: 'unresolved' as const,
    })),
  ];
  const periods = new Set(proof.differences.map(periodKey));
  const record: Reconciliation = {
    ...base,
    status: 'agrees',
    reason: null,
    accountPeriodsChecked: proof.accountPeriodsChecked,
    periodsChecked: proof.periodsChecked,
    // Past the listed differences (10,000) every further one may be a period of its own.
    periodsDifferent: periods.size + Math.max(0, proof.differencesTotal - proof.differences.length),
    periodsRepaired: 0,
    periodsHealed: 0,
    accountPeriodsFlagged: plan.flagged.length,
    accountPeriodsUnresolved: proof.unresolvedTotal,
    unbalancedEntries: proof.unbalancedTotal,
    linesOutside: proof.linesOutside,
    lastPeriod: proof.lastPeriod,
    differences: sortDifferences(differences).slice(0, DIFFERENCES_KEPT),
    unbalanced: proof.unbalanced.slice(0, DIFFERENCES_KEPT),
  };
  return { ...record, status: statusOf(record) };
}

/**
 * The row once the scope was checked again after the repairs: healed periods say so, survivors
 * are flagged, and the entries' balance and the lines outside are as the second check found them.
 */
export function repairedRecord(
  record: Reconciliation,
  repaired: readonly PeriodRef[],
  outcome: RepairOutcome,
  entries: Pick<LedgerProof, 'unbalanced' | 'unbalancedTotal' | 'linesOutside'>,
): Reconciliation {
  const repairedKeys = new Set(repaired.map(periodKey));
  const healedKeys = new Set(outcome.healed.map(periodKey));
  const kept = record.differences.filter(
    (difference) => difference.state === 'unresolved' || !repairedKeys.has(periodKey(difference)),
  );
  const healed = record.differences
    .filter((difference) => difference.state !== 'unresolved' && healedKeys.has(periodKey(difference)))
    .map((difference) => ({ ...difference, state: 'healed' as const }));
  const flagged = outcome.flag.map((difference) => ({ ...difference, state: 'flagged' as const }));
  const next: Reconciliation = {
    ...record,
    periodsRepaired: repaired.length,
    periodsHealed: outcome.healed.length,
    periodsDifferent: Math.max(0, record.periodsDifferent - outcome.healed.length),
    accountPeriodsFlagged: record.accountPeriodsFlagged + outcome.flag.length,
    unbalancedEntries: entries.unbalancedTotal,
    unbalanced: entries.unbalanced.slice(0, DIFFERENCES_KEPT),
    linesOutside: entries.linesOutside,
    differences: sortDifferences([...kept, ...flagged, ...healed]).slice(0, DIFFERENCES_KEPT),
  };
  return { ...next, status: statusOf(next) };
}

export function summaryOf(record: Reconciliation): LedgerSummary {
  return {
    status: record.status,
    ...(record.reason ? { reason: record.reason } : {}),
    periodsChecked: record.periodsChecked,
    periodsDifferent: record.periodsDifferent,
    periodsRepaired: record.periodsRepaired,
    periodsHealed: record.periodsHealed,
    accountPeriodsFlagged: record.accountPeriodsFlagged,
    accountPeriodsUnresolved: record.accountPeriodsUnresolved,
    unbalancedEntries: record.unbalancedEntries,
    linesOutside: record.linesOutside,
    lastPeriod: record.lastPeriod,
  };
}

/** Still differing first (flagged, differs, unresolved), healed last; then by period and account. */
const STATE_ORDER: Record<ListedDifference['state'], number> = {
  flagged: 0,
  differs: 1,
  unresolved: 2,
  healed: 3,
};

function sortDifferences(differences: ListedDifference[]): ListedDifference[] {
  return differences.sort(
    (a, b) =>
      STATE_ORDER[a.state] - STATE_ORDER[b.state] ||
      a.administration - b.administration ||
      a.year - b.year ||
      a.period - b.period ||
      (a.account < b.account ? -1 : a.account > b.account ? 1 : 0),
  );
}

function accountKeyOf(difference: PeriodRef & { account: string }): string {
  return `${periodKey(difference)}/${difference.account}`;
}
