// The end of a historical import: the imported years proved against AFAS's period balances (issue 18).
import { log } from '@temporalio/workflow';
import type { LedgerSummary } from '../../activities/ledger-activities.js';
import { LEDGER_PROOF } from '../../catalog/index.js';
import { isCancellation, summarizeFailure } from '../failures.js';
import { proveCopy } from '../ledger.js';
import { Limiter } from '../limiter.js';
import type { importActivities } from '../policies.js';
import type { ImportRunState } from './run-state.js';

/**
 * Reloads the period balances of the imported administrations (the sync's copy may be older than
 * the lines just imported), then proves the imported years; an administration whose reload
 * failed is left out. Undefined when the import did not load journal lines.
 */
export async function proveImport(
  state: ImportRunState,
  activities: ReturnType<typeof importActivities>,
  runId: string,
): Promise<LedgerSummary | undefined> {
  const { progress } = state;
  if (!progress.datasets.includes(LEDGER_PROOF.lines.dataset) || progress.toYear === null) return undefined;
  const { source, administrations } = progress;
  const limiter = new Limiter(Math.max(1, progress.concurrency), 'strict');
  const reloads = await limiter.allSettled(
    administrations.map(
      (administration) => () =>
        activities.afas.syncDataset.executeWithOptions(
          { summary: `${LEDGER_PROOF.balances.dataset} · administration ${administration}` },
          [{ source, runId, dataset: LEDGER_PROOF.balances.dataset, administration }],
        ),
    ),
  );
  const reloaded: number[] = [];
  for (const [index, outcome] of reloads.entries()) {
    const administration = administrations[index];
    if (administration === undefined) continue;
    if (outcome.status === 'fulfilled') reloaded.push(administration);
    else if (isCancellation(outcome.reason)) throw outcome.reason;
    else
      log.warn('period balances not reloaded: administration left out of the ledger proof', {
        source,
        administration,
        error: summarizeFailure(outcome.reason).message,
      });
  }
  const years = Array.from(
    { length: progress.toYear - progress.fromYear + 1 },
    (_, i) => progress.fromYear + i,
  );
  return proveCopy(activities, { source, runId, administrations: reloaded, years }, limiter);
}
