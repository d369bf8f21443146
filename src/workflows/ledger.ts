// Proving the copy at the end of a sync or an import (issue 18): check the journal lines against
// AFAS's period balances, re-read the periods that differ, check those again. The activities
// decide what to repair and what to flag (src/activities/ledger/repair-plan.ts); this only runs
// the steps, repairs under the source's limit, and never fails the run it belongs to.
import { log, type ActivityInterfaceFor } from '@temporalio/workflow';
import type {
  CheckLedgerInput,
  LedgerActivities,
  LedgerSummary,
  PeriodRef,
} from '../activities/ledger-activities.js';
import { isCancellation, summarizeFailure } from './failures.js';
import type { Limiter } from './limiter.js';

/** The proof's activities, through the calling saga's own proxies (and so its policies). */
export interface LedgerProxies {
  bookkeeping: ActivityInterfaceFor<Pick<LedgerActivities, 'checkLedger' | 'recheckLedger'>>;
  afas: ActivityInterfaceFor<Pick<LedgerActivities, 'repairLedgerPeriod'>>;
}

/** The datasets the proof compares (from the catalog's LEDGER_PROOF). */
export interface LedgerDatasets {
  lines: string;
  balances: string;
}

/**
 * The administrations whose copy this run can prove: those where neither the period balances nor
 * the journal lines failed (a failure in scope 0 is every administration's). A stale side would
 * only show differences the next run does not have.
 */
export function provableAdministrations(
  administrations: readonly number[],
  failures: readonly { dataset: string; administration: number }[],
  datasets: LedgerDatasets,
): number[] {
  const failed = new Set<number>();
  for (const failure of failures) {
    if (failure.dataset !== datasets.lines && failure.dataset !== datasets.balances) continue;
    if (failure.administration === 0) return [];
    failed.add(failure.administration);
  }
  return administrations.filter((administration) => !failed.has(administration));
}

export function periodLabel(period: PeriodRef): string {
  return `administration ${period.administration} ${period.year}-${String(period.period).padStart(2, '0')}`;
}

/**
 * Check, repair, check the repaired periods again. Resolves to the summary, or to undefined when
 * the proof itself failed (logged; the run's outcome stays what its data made it). A cancellation
 * is rethrown.
 */
export async function proveCopy(
  proxies: LedgerProxies,
  input: CheckLedgerInput,
  limiter: Limiter,
): Promise<LedgerSummary | undefined> {
  try {
    const checked = await proxies.bookkeeping.checkLedger.executeWithOptions(
      { summary: 'ledger · check against AFAS period balances' },
      [input],
    );
    if (checked.repair.length === 0) return checked.summary;
    const outcomes = await limiter.allSettled(
      checked.repair.map(
        (period) => () =>
          proxies.afas.repairLedgerPeriod.executeWithOptions(
            { summary: `ledger · re-read ${periodLabel(period)}` },
            [{ source: input.source, runId: input.runId, ...period }],
          ),
      ),
    );
    const repaired: PeriodRef[] = [];
    for (const [index, outcome] of outcomes.entries()) {
      const period = checked.repair[index];
      if (period === undefined) continue;
      if (outcome.status === 'fulfilled') repaired.push(period);
      else if (isCancellation(outcome.reason)) throw outcome.reason;
      // Not repaired: it stays a difference (not flagged) for the next run to repair.
      else log.warn('ledger repair failed', { period, error: summarizeFailure(outcome.reason).message });
    }
    return await proxies.bookkeeping.recheckLedger.executeWithOptions(
      { summary: `ledger · check ${repaired.length} repaired period(s)` },
      [{ source: input.source, runId: input.runId, repaired }],
    );
  } catch (error) {
    if (isCancellation(error)) throw error;
    log.warn('ledger proof failed', { source: input.source, error: summarizeFailure(error).message });
    return undefined;
  }
}
