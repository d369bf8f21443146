// `afas-sync runs <source>`: the run log (sync_runs), and one run's datasets with `--run`.
import type { Command } from 'commander';
import type { RunRecord } from '../../db/runs.js';
import type { CliRun } from '../context.js';
import { CliFailure } from '../errors.js';
import { formatDuration, formatTime, truncate } from '../output.js';
import { parseInteger, parseSourceName } from '../parse.js';
import { describeRunTotals, printDatasetRows, printRunWarnings, runDurationSeconds } from '../run-summary.js';

export function registerRuns(program: Command, cli: CliRun): void {
  program
    .command('runs')
    .description("a source's recent runs (syncs, checks) with their counts and errors")
    .argument('<source>', 'source name')
    .option('--limit <n>', 'how many runs, newest first', '20')
    .option('--run <id>', "one run's per-dataset rows, errors (with AFAS log references) and warnings")
    .option('--json', 'print JSON')
    .addHelpText(
      'after',
      `
The run log lives in PostgreSQL (sync_runs, sync_run_datasets, sync_run_warnings): it outlives
Temporal's history retention. An AFAS log reference is what the customer's AFAS administrator
needs to find an error in Profit. A warning (e.g. a row whose Modified lies in the future) leaves
a run succeeded: the rows were stored.

Examples:
  $ afas-sync runs acme
  $ afas-sync runs acme --limit 5 --json
  $ afas-sync runs acme --run 0b0d3c55-6f7e-4a57-9d2e-1f1c1d2b3a4f`,
    )
    .action(async (name: string, options: { limit: string; run?: string; json?: boolean }) => {
      const source = parseSourceName(name);
      const limit = parseInteger(options.limit, '--limit', 1, 1_000);
      if (options.run !== undefined) await showRun(cli, source, options.run, options.json === true);
      else await listRuns(cli, source, limit, options.json === true);
    });
}

async function listRuns(cli: CliRun, source: string, limit: number, json: boolean): Promise<void> {
  const app = await cli.ctx.app();
  await app.sources.get(source);
  const runs = await app.runs.list(source, limit);
  if (json) {
    cli.out.json(runs);
    return;
  }
  if (runs.length === 0) {
    cli.out.line(`no runs of "${source}" yet (start one with \`afas-sync sync ${source}\`)`);
    return;
  }
  cli.out.table(
    [
      { header: 'run', value: (run: RunRecord) => run.runId },
      { header: 'kind', value: (run) => run.kind },
      { header: 'status', value: (run) => run.status },
      { header: 'started', value: (run) => formatTime(run.startedAt) },
      { header: 'took', value: (run) => formatDuration(runDurationSeconds(run)), align: 'right' },
      { header: 'inserted', value: (run) => run.rowsInserted },
      { header: 'updated', value: (run) => run.rowsUpdated },
      { header: 'deleted', value: (run) => run.rowsDeleted },
      { header: 'calls', value: (run) => run.afasCalls },
      { header: 'retries', value: (run) => run.retries },
      { header: 'error', value: (run) => truncate(run.error, 60) },
    ],
    runs,
  );
}

async function showRun(cli: CliRun, source: string, runId: string, json: boolean): Promise<void> {
  const app = await cli.ctx.app();
  await app.sources.get(source);
  const run = await app.runs.get(runId);
  if (!run || run.source !== source) {
    throw new CliFailure(
      `no run ${JSON.stringify(runId.slice(0, 80))} of source "${source}" (list them with \`afas-sync runs ${source}\`)`,
    );
  }
  const [datasets, warnings] = await Promise.all([app.runs.datasetsOf(runId), app.runs.warningsOf(runId)]);
  if (json) {
    cli.out.json({ ...run, datasets, warnings });
    return;
  }
  cli.out.fields([
    ['run', `${run.runId} (${run.kind})`],
    ['status', run.status],
    ['workflow', `${run.workflowId} / ${run.workflowRunId}`],
    ['started', formatTime(run.startedAt)],
    ['finished', formatTime(run.finishedAt)],
    ['rows', describeRunTotals(run)],
    [
      'AFAS calls',
      `${run.afasCalls.toLocaleString('en-US')} (${run.retries.toLocaleString('en-US')} retries, ${run.pages.toLocaleString('en-US')} pages)`,
    ],
    ...(run.error ? [['error', run.error] as const] : []),
    ...(run.profitLogReference ? [['AFAS log ref', run.profitLogReference] as const] : []),
  ]);
  cli.out.line();
  printDatasetRows(cli.out, datasets);
  printRunWarnings(cli.out, warnings);
}
