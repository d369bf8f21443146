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
 * Reloads what the proof compares the imported lines with and resolves their accounts by (the
 * import reads journal lines only, and a sync's copy may be older or absent): the ledger accounts,
 * debtors and creditors, and per imported administration its periods and period balances; then
 * proves the imported years. An administration whose period balances did not reload is left out;
 * other reloads that fail leave their accounts unresolved. Undefined when no journal lines were imported.
 */
export async function proveImport(
  state: ImportRunState,
  activities: ReturnType<typeof importActivities>,
  runId: string,
): Promise<LedgerSummary | undefined> {
  const { progress } = state;
  if (!progress.datasets.includes(LEDGER_PROOF.lines.dataset) || progress.toYear === null) return undefined;
  const { source, administrations } = progress;
  const { accounts, debtors, creditors, periods, balances } = LEDGER_PROOF;
  const reloads = [
    ...[accounts, debtors, creditors].map(({ dataset }) => ({ dataset, administration: 0 })),
    ...administrations.flatMap((administration) => [
      { dataset: periods.dataset, administration },
      { dataset: balances.dataset, administration },
    ]),
  ];
  const limiter = new Limiter(Math.max(1, progress.concurrency), 'strict');
  const outcomes = await limiter.allSettled(
    reloads.map(
      (task) => () =>
        activities.afas.syncDataset.executeWithOptions(
          {
            summary: `${task.dataset} · ${task.administration === 0 ? 'all administrations' : `admin ${task.administration}`}`,
          },
          [{ source, runId, ...task }],
        ),
    ),
  );
  const withoutBalances = new Set<number>();
  for (const [index, outcome] of outcomes.entries()) {
    const task = reloads[index];
    if (task === undefined || outcome.status === 'fulfilled') continue;
    if (isCancellation(outcome.reason)) throw outcome.reason;
    if (task.dataset === balances.dataset) withoutBalances.add(task.administration);
    log.warn('reload for the ledger proof failed', {
      source,
      ...task,
      error: summarizeFailure(outcome.reason).message,
    });
  }
  const years = Array.from(
    { length: progress.toYear - progress.fromYear + 1 },
    (_, i) => progress.fromYear + i,
  );
  const proved = administrations.filter((administration) => !withoutBalances.has(administration));
  return proveCopy(activities, { source, runId, administrations: proved, years }, limiter);
}
