// `afas-sync dev --demo`: the demo as a list of steps, each printing what it did. Later steps
// (a small historical import) slot into runDemo.
import type { AppContext } from '../../app/context.js';
import { startSync } from '../../client/sync-control.js';
import { DATASETS } from '../../catalog/index.js';
import type { DatasetRunRecord } from '../../db/runs.js';
import { ident } from '../../db/pool.js';
import type { SyncResult } from '../../workflows/sync-source.js';
import { CliFailure } from '../errors.js';
import { formatCount, type Output } from '../output.js';
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

/** Runs the demo; returns the exit code (0 when the sync succeeded). */
export async function runDemo(context: DemoContext): Promise<number> {
  const sync = await demoSync(context);
  await printDemoCounts(context, sync.result.runId);
  printWebUiHint(context, sync);
  return exitCodeForStatus(sync.result.status);
}

/** One sync of the demo source, with progress lines; fails if the worker stops first. */
export async function demoSync({ stack, out }: DemoContext): Promise<DemoSync> {
  const handle = await startSync(stack.target, DEMO_SOURCE);
  const { runId: workflowRunId } = await handle.describe();
  out.line(`syncing source "${DEMO_SOURCE}" from the simulator (workflow ${handle.workflowId}) …`);
  const workerEnded = stack.running.then(
    () => {
      throw new CliFailure('the worker stopped before the demo sync finished');
    },
    (error: unknown) => {
      throw new CliFailure(`the worker failed before the demo sync finished: ${(error as Error).message}`);
    },
  );
  const result = await Promise.race([
    watchSync(handle, { target: stack.target, source: DEMO_SOURCE, out }),
    workerEnded,
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

export interface DatasetRowCount {
  dataset: string;
  live: number;
  deleted: number;
  runInserted: number;
  runUpdated: number;
}

/** Rows per dataset table for a source (live vs marked deleted), with one run's counts beside them. */
export async function datasetRowCounts(
  app: AppContext,
  source: string,
  runRows: readonly DatasetRunRecord[],
): Promise<DatasetRowCount[]> {
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
    });
  }
  return counts;
}

export async function printDemoCounts(
  { stack, out }: DemoContext,
  runId: string,
): Promise<DatasetRowCount[]> {
  const counts = await datasetRowCounts(stack.app, DEMO_SOURCE, await stack.app.runs.datasetsOf(runId));
  const total = counts.reduce(
    (sum, row) => ({
      dataset: 'total',
      live: sum.live + row.live,
      deleted: sum.deleted + row.deleted,
      runInserted: sum.runInserted + row.runInserted,
      runUpdated: sum.runUpdated + row.runUpdated,
    }),
    { dataset: 'total', live: 0, deleted: 0, runInserted: 0, runUpdated: 0 },
  );
  out.line();
  out.line(`PostgreSQL, schema ${stack.app.schema}, source "${DEMO_SOURCE}":`);
  out.table(
    [
      { header: 'dataset', value: (row: DatasetRowCount) => row.dataset },
      { header: 'rows', value: (row) => row.live },
      { header: 'deleted', value: (row) => row.deleted },
      { header: 'inserted (this run)', value: (row) => row.runInserted },
      { header: 'updated (this run)', value: (row) => row.runUpdated },
    ],
    [...counts, total],
  );
  return counts;
}

export function printWebUiHint(
  { stack, out, dataDir, namespace, restartCommand }: DemoContext,
  sync: DemoSync,
): void {
  const url = `${stack.uiUrl}/namespaces/${encodeURIComponent(namespace)}/workflows/${encodeURIComponent(sync.workflowId)}/${sync.workflowRunId}/history`;
  out.line();
  out.line(`The run's full history is kept in ${dataDir}/temporal.db. To browse it in the Temporal Web UI,`);
  out.line(`start the stack again with \`${restartCommand}\` and open:`);
  out.line(`  ${url}`);
  out.line(
    `The rows are plain tables: SELECT * FROM ${stack.app.schema}.journal_lines WHERE _source = '${DEMO_SOURCE}' LIMIT 10;`,
  );
}
