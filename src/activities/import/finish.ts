// How an import attempt closes: the journal-line watermarks it earned, the run log, the import
// row, and fresh planner statistics for the tables it filled.
import { connectorIdFor, storedDataset } from '../../catalog/index.js';
import type { AdministrationOutcome, ImportStore } from '../../db/import-state.js';
import { inTransaction } from '../../db/pool.js';
import type { ActivityDeps } from '../deps.js';
import { refreshDatasetStatistics } from '../table-statistics.js';
import type { FinishImportInput, FinishImportResult } from './types.js';

type FinishDeps = Pick<ActivityDeps, 'pool' | 'schema' | 'sources' | 'runs' | 'state' | 'logger'>;

const NO_TOTALS = { total: 0, pending: 0, running: 0, done: 0, failed: 0, rows: 0, pages: 0 };

/**
 * Closes the attempt. A completed import moves the journal-line watermark of every fully
 * imported administration to the start watermark (never forward past one already there), so
 * the next incremental sync re-reads everything changed while the import ran.
 */
export async function finishImport(
  deps: FinishDeps,
  store: ImportStore,
  input: FinishImportInput,
): Promise<FinishImportResult> {
  const importId = input.importId ?? (await findByRun(store, input.source, input.runId));
  if (importId === null) {
    const status = input.outcome === 'cancelled' ? 'cancelled' : 'failed';
    await deps.runs.finish(input.runId, { status, error: input.error });
    return {
      importId: null,
      status,
      runStatus: status,
      totals: NO_TOTALS,
      watermark: null,
      watermarkAdministrations: [],
    };
  }
  const record = await store.get(importId);
  const source = await deps.sources.get(input.source);
  const totals = await store.totals(importId);
  const outcomes = await store.administrationOutcomes(importId);
  const complete = input.outcome === 'completed' && totals.failed === 0 && totals.done === totals.total;
  const status: FinishImportResult['status'] =
    input.outcome === 'cancelled' ? 'cancelled' : complete ? 'succeeded' : 'failed';
  const { watermark, watermarkAdministrations } =
    input.outcome === 'completed' && record.startWatermark !== null
      ? await moveWatermarks(deps, input, outcomes, record.startWatermark)
      : { watermark: null, watermarkAdministrations: [] };
  const error = input.error ?? (totals.failed > 0 ? `${totals.failed} partition(s) failed` : null);
  for (const outcome of outcomes) {
    const finished = outcome.done === outcome.total;
    await deps.runs.finishDataset(
      deps.pool,
      {
        runId: input.runId,
        dataset: outcome.dataset,
        administration: outcome.administration,
        connectorId: connectorIdFor(storedDataset(outcome.dataset), source),
      },
      {
        status: finished ? 'succeeded' : input.outcome === 'cancelled' ? 'cancelled' : 'failed',
        error: finished ? null : outcome.failed > 0 ? `${outcome.failed} partition(s) failed` : error,
      },
    );
  }
  const runStatus: FinishImportResult['runStatus'] =
    status === 'succeeded'
      ? 'succeeded'
      : status === 'cancelled'
        ? 'cancelled'
        : totals.done > 0
          ? 'partial'
          : 'failed';
  await deps.runs.finish(input.runId, {
    status: runStatus,
    error: status === 'succeeded' ? null : error,
    details: {
      importId,
      partitions: totals,
      startWatermark: record.startWatermark,
      watermarkAdministrations,
    },
  });
  await store.finish(importId, { status, error: status === 'succeeded' ? null : error });
  // Until autovacuum gets there the planner sees a near-empty table, and the next syncs' plans can
  // be badly wrong; the import's ledger proof usually refreshed them already.
  if (totals.rows > 0)
    await refreshDatasetStatistics(
      deps,
      outcomes.map((outcome) => outcome.dataset),
    );
  deps.logger.info(
    { source: input.source, importId, status, rows: totals.rows, partitions: totals },
    'historical import attempt finished',
  );
  return { importId, status, runStatus, totals, watermark, watermarkAdministrations };
}

/** Moves the changed-days watermark of every fully imported administration to the import's start. */
async function moveWatermarks(
  deps: FinishDeps,
  input: FinishImportInput,
  outcomes: readonly AdministrationOutcome[],
  start: string,
): Promise<{ watermark: string | null; watermarkAdministrations: number[] }> {
  const watermarkAdministrations: number[] = [];
  let watermark: string | null = null;
  for (const outcome of outcomes) {
    if (storedDataset(outcome.dataset).strategy !== 'changed-days' || outcome.done !== outcome.total)
      continue;
    const key = { source: input.source, dataset: outcome.dataset, administration: outcome.administration };
    watermark = await inTransaction(deps.pool, async (client) => {
      const current = await deps.state.get(client, key.source, key.dataset, key.administration);
      // An older watermark stays: the sync then re-reads from there, which covers the import's start too.
      const next = current.watermark !== null && current.watermark < start ? current.watermark : start;
      await deps.state.put(client, key, { watermark: next, runId: input.runId });
      return next;
    });
    watermarkAdministrations.push(outcome.administration);
  }
  return { watermark, watermarkAdministrations };
}

async function findByRun(store: ImportStore, source: string, runId: string): Promise<string | null> {
  const found = (await store.list(source, 50)).find((record) => record.currentRunId === runId);
  return found?.importId ?? null;
}
