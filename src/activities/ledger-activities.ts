// Activities of the ledger proof (issue 18): check the copy against AFAS's period balances (no
// AFAS call), re-read a differing period (the changed-days replace path), check the repaired
// periods again. Results go to `reconciliations`; the workflow gets counts and period refs only.
import { ApplicationFailure } from '@temporalio/common';
import { connectorIdFor, dataset as datasetByName, LEDGER_PROOF } from '../catalog/index.js';
import {
  LedgerProofUnavailable,
  periodDays,
  proveLedger,
  type ChangedLines,
  type PeriodRef,
} from '../db/ledger-proof.js';
import { inTransaction } from '../db/pool.js';
import { ReconciliationStore, type ReconciliationScope } from '../db/reconciliations.js';
import { FailureType } from '../temporal/failure-types.js';
import { createActivityScope } from './activity-scope.js';
import { changedLinesSince } from './ledger/changed-lines.js';
import { prepareDataset } from './dataset-sync.js';
import type { ActivityDeps } from './deps.js';
import {
  checkedRecord,
  ledgerScopeOf,
  repairedRecord,
  summaryOf,
  unavailableRecord,
  type LedgerSummary,
} from './ledger/ledger-record.js';
import { judgeRepair, planRepair } from './ledger/repair-plan.js';
import { replaceChangedDays } from './sync/changed-days.js';
import { refreshDatasetStatistics } from './table-statistics.js';
import type { DayBatchCounts, RunRef } from './types.js';

export type { LedgerSummary } from './ledger/ledger-record.js';
export type { PeriodRef } from '../db/ledger-sql.js';

export interface CheckLedgerInput extends RunRef {
  /** What to check; null: every administration, every year. */
  administrations: number[] | null;
  years: number[] | null;
  /**
   * 'changed' (a sync): entries only where lines may have changed since the last whole check
   * (see changed-lines.ts); account-periods are checked whole either way. Absent: every entry.
   */
  entries?: 'changed';
}

export interface CheckLedgerResult {
  summary: LedgerSummary;
  /** Periods to re-read now (at most REPAIRS_PER_RUN). */
  repair: PeriodRef[];
}

export interface RecheckLedgerInput extends RunRef {
  /** The periods whose booking days were re-read. */
  repaired: PeriodRef[];
}

export interface RepairLedgerPeriodInput extends RunRef, PeriodRef {}

/**
 * Booking days a narrowed entry check looks up at most. Measured at 1M lines over 3 years (~300
 * lines a day): about 0.25 s per 100 days, against 1–2 s for hashing every entry.
 */
const CHANGED_DAYS_CHECKED = 200;

export function createLedgerActivities(deps: ActivityDeps) {
  const { withAfas, withDatabase, datasetContext } = createActivityScope(deps);
  const store = new ReconciliationStore(deps.schema);

  /** What a sync's entry check narrows to (undefined: every entry), from the last whole check. */
  async function changedLines(input: CheckLedgerInput): Promise<ChangedLines | undefined> {
    const run = await deps.runs.get(input.runId);
    if (!run) return undefined;
    const previous = await store.lastWholeCheck(deps.pool, input.source, input.runId);
    const changed = changedLinesSince(previous, {
      runStartedAt: run.startedAt,
      administrations: input.administrations,
    });
    if (!changed) return undefined;
    // Past this many days, looking the entries up day by day costs more than hashing them all.
    const days = await deps.changedDays.countReplacedSince(
      deps.pool,
      input.source,
      LEDGER_PROOF.lines.dataset,
      changed.replacedSince,
    );
    return days > CHANGED_DAYS_CHECKED ? undefined : changed;
  }

  return {
    /** Compares the copy with AFAS's period balances, records the result, says which periods to repair. */
    async checkLedger(input: CheckLedgerInput): Promise<CheckLedgerResult> {
      return withDatabase(async () => {
        const changed = input.entries === 'changed' ? await changedLines(input) : undefined;
        const scope: ReconciliationScope = {
          administrations: input.administrations,
          years: input.years,
          ...(changed ? { changed } : {}),
        };
        const base = { runId: input.runId, source: input.source, scope };
        await refreshDatasetStatistics(deps, [LEDGER_PROOF.lines.dataset, LEDGER_PROOF.balances.dataset]);
        let proof;
        try {
          proof = await proveLedger(deps.pool, deps.schema, input.source, ledgerScopeOf(scope));
        } catch (error) {
          if (!(error instanceof LedgerProofUnavailable)) throw error;
          const record = unavailableRecord(base, error.message);
          await store.save(deps.pool, record);
          return { summary: summaryOf(record), repair: [] };
        }
        if (proof.periodsChecked === 0) {
          const record = unavailableRecord(
            base,
            'no journal lines or period balances to compare in this scope',
          );
          await store.save(deps.pool, record);
          return { summary: summaryOf(record), repair: [] };
        }
        const plan = planRepair(proof.differences, await store.flags(deps.pool, input.source, scope));
        const narrowed = input.administrations !== null || input.years !== null;
        const record = checkedRecord(
          narrowed && proof.linesElsewhere === 0
            ? { ...base, scope: { ...scope, coversEveryLine: true } }
            : base,
          proof,
          plan,
        );
        await inTransaction(deps.pool, async (client) => {
          await store.clearFlags(client, input.source, plan.clear);
          await store.save(client, record);
        });
        deps.logger.info(
          { source: input.source, runId: input.runId, ...summaryOf(record), repair: plan.repair.length },
          'ledger checked against AFAS period balances',
        );
        return { summary: summaryOf(record), repair: plan.repair };
      });
    },

    /** Re-reads every booking day of one period of one administration and rewrites what differs. */
    async repairLedgerPeriod(input: RepairLedgerPeriodInput): Promise<DayBatchCounts> {
      return withAfas(input.source, async (afas) => {
        const definition = datasetByName(LEDGER_PROOF.lines.dataset);
        const scope = {
          definition,
          connectorId: connectorIdFor(definition, afas.source),
          administration: input.administration,
        };
        const ctx = datasetContext(afas, input.runId);
        const resolved = await prepareDataset(ctx, scope);
        if (resolved.strategy !== 'changed-days')
          throw ApplicationFailure.nonRetryable(
            `dataset ${definition.name} is not synced by changed booking days; its periods cannot be re-read`,
            FailureType.AfasClientBug,
          );
        const days = await periodDays(deps.pool, deps.schema, input.source, input);
        if (days.length === 0)
          return { inserted: 0, updated: 0, deleted: 0, pages: 0, afasCalls: 0, retries: 0, days: 0 };
        const counts = await replaceChangedDays(
          deps,
          ctx,
          scope,
          resolved,
          days.map((day) => ({ day, modified: '' })),
          { repair: true },
        );
        deps.metrics?.recordRows(definition.name, counts);
        return { ...counts, days: days.length };
      });
    },

    /** Checks the repaired periods again: what agrees is healed, what still differs is flagged. */
    async recheckLedger(input: RecheckLedgerInput): Promise<LedgerSummary> {
      return withDatabase(async () => {
        const checked = await store.get(deps.pool, input.runId);
        if (!checked)
          throw ApplicationFailure.nonRetryable(
            `run ${input.runId} has no ledger check to follow up`,
            FailureType.AfasClientBug,
          );
        // Once per run: a retried attempt finds its own result (the flags are written with it).
        if (input.repaired.length === 0 || checked.periodsRepaired > 0) return summaryOf(checked);
        // The whole scope again: a repair can also mend an entry that did not balance. A repair
        // does not record the days it re-read as changed: a narrowed entry check adds them here.
        const scope = ledgerScopeOf(checked.scope);
        if (scope.changed) {
          const days = await Promise.all(
            input.repaired.map(async (period) =>
              (await periodDays(deps.pool, deps.schema, input.source, period)).map((day) => ({
                administration: period.administration,
                day,
              })),
            ),
          );
          scope.changed = { ...scope.changed, days: [...(scope.changed.days ?? []), ...days.flat()] };
        }
        const proof = await proveLedger(deps.pool, deps.schema, input.source, scope);
        const outcome = judgeRepair(input.repaired, proof.differences);
        const record = repairedRecord(checked, input.repaired, outcome, proof);
        await inTransaction(deps.pool, async (client) => {
          await store.putFlags(client, input.source, input.runId, outcome.flag);
          await store.save(client, record);
        });
        if (outcome.flag.length > 0)
          deps.logger.warn(
            { source: input.source, runId: input.runId, flagged: outcome.flag.slice(0, 5) },
            'ledger differences survived a repair: flagged (AFAS inconsistent with itself, or a bug)',
          );
        return summaryOf(record);
      });
    },
  };
}

export type LedgerActivities = ReturnType<typeof createLedgerActivities>;
