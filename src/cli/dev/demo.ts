// `afas-sync dev --demo`: the demo as a list of steps, each printing what it did: a sync of the
// demo source, a small historical import of it, what landed in PostgreSQL, where to look next.
import type { AppContext } from '../../app/context.js';
import { startImport } from '../../client/import-control.js';
import { startSync } from '../../client/sync-control.js';
import { DATASETS } from '../../catalog/index.js';
import { ImportStore } from '../../db/import-state.js';
import type { DatasetRunRecord } from '../../db/runs.js';
import { ident } from '../../db/pool.js';
import type { SyncResult } from '../../workflows/sync-source.js';
import { CliFailure } from '../errors.js';
import {
  describeImportOutcome,
  exitCodeForImport,
  watchImport,
  type ImportOutcome,
} from '../import-watch.js';
import { formatCount, type Output } from '../output.js';
import { currentAmsterdamYear } from '../parse.js';
import { exitCodeForStatus, watchSync } from '../sync-watch.js';
import { DEMO_SOURCE } from './demo-source.js';
import type { DevStack } from './stack.js';

export interface DemoContext {
  stack: DevStack;
  out: Output;
  /** Shown in hints (where the Temporal history is kept). */
  dataDir: string;
  namespace: string;
  /** How to start the stack again (without --demo) to browse the run in the Web UI. */
  restartCommand: string;
}

export interface DemoSync {
  result: SyncResult;
  workflowId: string;
  workflowRunId: string;
}

/** The demo's historical import: the last two booking years, four partitions at a time. */
export const DEMO_IMPORT_YEARS = 2;
export const DEMO_IMPORT_CONCURRENCY = 4;

export interface DemoImport {
  outcome: ImportOutcome;
  workflowId: string;
  workflowRunId: string;
}

/** Runs the demo; returns the exit code (0 when the sync and the import succeeded). */
export async function runDemo(context: DemoContext): Promise<number> {
  const sync = await demoSync(context);
  const codes = [exitCodeForStatus(sync.result.status)];
  let history: DemoImport | undefined;
  if (sync.result.status === 'succeeded' || sync.result.status === 'partial') {
    history = await demoImport(context);
    codes.push(exitCodeForImport(history.outcome.status));
  } else {
    context.out.line('skipping the historical import: the sync did not finish');
  }
  await printDemoCounts(context, sync.result.runId, history?.outcome.importId ?? null);
  printWebUiHint(context, sync, history);
  // A failure outweighs a partial result.
  return codes.includes(1) ? 1 : codes.includes(3) ? 3 : 0;
}

/** Settles (with a failure) only if the worker stops before the step it guards ends. */
function workerStopped(stack: DevStack, step: string): Promise<never> {
  return stack.running.then(
    () => {
      throw new CliFailure(`the worker stopped before the demo ${step} finished`);
    },
    (error: unknown) => {
      throw new CliFailure(`the worker failed before the demo ${step} finished: ${(error as Error).message}`);
    },
  );
}

/** One sync of the demo source, with progress lines; fails if the worker stops first. */
export async function demoSync({ stack, out }: DemoContext): Promise<DemoSync> {
  const handle = await startSync(stack.target, DEMO_SOURCE);
  const { runId: workflowRunId } = await handle.describe();
  out.line(`syncing source "${DEMO_SOURCE}" from the simulator (workflow ${handle.workflowId}) …`);
  const result = await Promise.race([
    watchSync(handle, { target: stack.target, source: DEMO_SOURCE, out }),
    workerStopped(stack, 'sync'),
  ]);
  out.line(
    `sync ${result.status}: ${formatCount(result.totals.inserted)} rows inserted, ${formatCount(result.totals.updated)} updated, ` +
      `${formatCount(result.totals.deleted)} deleted, ${formatCount(result.totals.afasCalls)} AFAS calls`,
  );
  for (const failure of result.failures) {
    out.line(`  failed: ${failure.dataset} (administration ${failure.administration}): ${failure.message}`);
  }
  return { result, workflowId: handle.workflowId, workflowRunId };
}

/**
 * A small historical import of the demo source (the last two years), followed like
 * `afas-sync import demo --wait`: a live bar on a terminal, progress lines otherwise.
 */
export async function demoImport({ stack, out }: DemoContext): Promise<DemoImport> {
  const thisYear = currentAmsterdamYear();
  const fromYear = thisYear - (DEMO_IMPORT_YEARS - 1);
  const handle = await startImport(stack.target, DEMO_SOURCE, {
    fromYear,
    toYear: thisYear,
    maxConcurrency: DEMO_IMPORT_CONCURRENCY,
  });
  out.line();
  out.line(
    `importing the history of "${DEMO_SOURCE}": ${fromYear}–${thisYear}, one partition per administration, year and period, ` +
      `${DEMO_IMPORT_CONCURRENCY} at a time (workflow ${handle.workflowId}) …`,
  );
  const outcome = await Promise.race([
    watchImport(handle, { target: stack.target, source: DEMO_SOURCE, out }),
    workerStopped(stack, 'import'),
  ]);
  out.line(
    `import ${outcome.status}: ${describeImportOutcome(outcome)}` +
      (outcome.watermark ? `; journal-line watermark set to ${outcome.watermark}` : ''),
  );
  if (outcome.error && outcome.status !== 'succeeded') out.line(`  ${outcome.error}`);
  return { outcome, workflowId: handle.workflowId, workflowRunId: handle.firstExecutionRunId };
}

export interface DatasetRowCount {
  dataset: string;
  live: number;
  deleted: number;
  runInserted: number;
  runUpdated: number;
  /** Rows the import read and committed (upserted); null for datasets it does not cover. */
  importRows: number | null;
}

/**
 * Rows per dataset table for a source (live vs marked deleted), with one run's counts beside
 * them and, given an import, the rows it committed per dataset.
 */
export async function datasetRowCounts(
  app: AppContext,
  source: string,
  runRows: readonly DatasetRunRecord[],
  importId: string | null = null,
): Promise<DatasetRowCount[]> {
  const imported = new Map<string, number>();
  if (importId !== null) {
    for (const outcome of await new ImportStore(app.pool, app.schema).administrationOutcomes(importId))
      imported.set(outcome.dataset, (imported.get(outcome.dataset) ?? 0) + outcome.rows);
  }
  const counts: DatasetRowCount[] = [];
  for (const definition of DATASETS) {
    const table = `${ident(app.schema)}.${ident(definition.name)}`;
    const exists = await app.pool.query<{ found: string | null }>('SELECT to_regclass($1)::text AS found', [
      table,
    ]);
    let live = 0;
    let deleted = 0;
    if (exists.rows[0]?.found) {
      const result = await app.pool.query<{ live: string; deleted: string }>(
        `SELECT count(*) FILTER (WHERE _deleted_at IS NULL) AS live, count(*) FILTER (WHERE _deleted_at IS NOT NULL) AS deleted
           FROM ${table} WHERE _source = $1`,
        [source],
      );
      live = Number(result.rows[0]?.live ?? 0);
      deleted = Number(result.rows[0]?.deleted ?? 0);
    }
    const mine = runRows.filter((row) => row.dataset === definition.name);
    counts.push({
      dataset: definition.name,
      live,
      deleted,
      runInserted: mine.reduce((sum, row) => sum + row.rowsInserted, 0),
      runUpdated: mine.reduce((sum, row) => sum + row.rowsUpdated, 0),
      importRows: imported.get(definition.name) ?? null,
    });
  }
  return counts;
}

export async function printDemoCounts(
  { stack, out }: DemoContext,
  runId: string,
  importId: string | null = null,
): Promise<DatasetRowCount[]> {
  const counts = await datasetRowCounts(
    stack.app,
    DEMO_SOURCE,
    await stack.app.runs.datasetsOf(runId),
    importId,
  );
  const total = counts.reduce<DatasetRowCount>(
    (sum, row) => ({
      dataset: 'total',
      live: sum.live + row.live,
      deleted: sum.deleted + row.deleted,
      runInserted: sum.runInserted + row.runInserted,
      runUpdated: sum.runUpdated + row.runUpdated,
      importRows:
        sum.importRows === null && row.importRows === null
          ? null
          : (sum.importRows ?? 0) + (row.importRows ?? 0),
    }),
    { dataset: 'total', live: 0, deleted: 0, runInserted: 0, runUpdated: 0, importRows: null },
  );
  out.line();
  out.line(`PostgreSQL, schema ${stack.app.schema}, source "${DEMO_SOURCE}":`);
  out.table(
    [
      { header: 'dataset', value: (row: DatasetRowCount) => row.dataset },
      { header: 'rows', value: (row) => row.live },
      { header: 'deleted', value: (row) => row.deleted },
      { header: 'inserted (sync)', value: (row) => row.runInserted },
      { header: 'updated (sync)', value: (row) => row.runUpdated },
      ...(importId === null
        ? []
        : [
            {
              header: 'read (import)',
              value: (row: DatasetRowCount) => row.importRows,
              align: 'right' as const,
            },
          ]),
    ],
    [...counts, total],
  );
  return counts;
}

export function printWebUiHint(
  { stack, out, dataDir, namespace, restartCommand }: DemoContext,
  sync: DemoSync,
  history?: DemoImport,
): void {
  const url = (workflowId: string, runId: string) =>
    `${stack.uiUrl}/namespaces/${encodeURIComponent(namespace)}/workflows/${encodeURIComponent(workflowId)}/${runId}/history`;
  out.line();
  out.line(`The full histories are kept in ${dataDir}/temporal.db. To browse them in the Temporal Web UI,`);
  out.line(`start the stack again with \`${restartCommand}\` and open:`);
  out.line(`  ${url(sync.workflowId, sync.workflowRunId)}`);
  if (history) out.line(`  ${url(history.workflowId, history.workflowRunId)}`);
  out.line(
    `The rows are plain tables: SELECT * FROM ${stack.app.schema}.journal_lines WHERE _source = '${DEMO_SOURCE}' LIMIT 10;`,
  );
}
