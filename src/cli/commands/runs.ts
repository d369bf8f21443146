// `afas-sync runs <source>`: the run log (sync_runs), and one run's datasets with `--run`.
import type { Command } from 'commander';
import type { RunRecord } from '../../db/runs.js';
import type { CliRun } from '../context.js';
import { CliFailure, CliUsageError } from '../errors.js';
import { formatDuration, formatTime, truncate } from '../output.js';
import { parseDuration, parseInteger, parseSourceName } from '../parse.js';
import { printReconciliation } from '../ledger-output.js';
import { describeRunTotals, printDatasetRows, printRunWarnings, runDurationSeconds } from '../run-summary.js';

export function registerRuns(program: Command, cli: CliRun): void {
  program
    .command('runs')
    .description(
      "a source's recent runs (syncs, checks) with their counts and errors; --failed: failed runs of every source",
    )
    .argument('[source]', 'source name (leave it out with --failed for every source)')
    .option('--limit <n>', 'how many runs, newest first', '20')
    .option('--run <id>', "one run's per-dataset rows, errors (with AFAS log references) and warnings")
    .option('--failed', 'only failed and partial runs (of every source when no source is given)')
    .option('--since <duration>', 'with --failed: runs started within this long, e.g. 24h, 7d, 90m', '24h')
    .option('--json', 'print JSON')
    .addHelpText(
      'after',
      `
The run log lives in PostgreSQL (sync_runs, sync_run_datasets, sync_run_warnings): it outlives
Temporal's history retention. An AFAS log reference is what the customer's AFAS administrator
needs to find an error in Profit. A warning (e.g. a row whose Modified lies in the future) leaves
a run succeeded: the rows were stored. --failed lists failed and partial runs of any kind started
within --since (default 24h), newest first, with their source and the head of their error.

Examples:
  $ afas-sync runs acme
  $ afas-sync runs acme --limit 5 --json
  $ afas-sync runs acme --run 0b0d3c55-6f7e-4a57-9d2e-1f1c1d2b3a4f
  $ afas-sync runs --failed
  $ afas-sync runs --failed --since 7d --json`,
    )
    .action(async (name: string | undefined, options: RunsOptions, command: Command) => {
      const limit = parseInteger(options.limit, '--limit', 1, 1_000);
      const json = options.json === true;
      // Commander gives --since its default either way; only one the operator typed is an error.
      const sinceGiven = command.getOptionValueSource('since') === 'cli';
      if (options.failed) {
        if (options.run !== undefined) throw new CliUsageError('--run shows one run; leave out --failed');
        const sinceSeconds = parseDuration(options.since, '--since', {
          minSeconds: 1,
          maxSeconds: 366 * 86_400,
        });
        const source = name === undefined ? undefined : parseSourceName(name);
        await listFailed(cli, { source, sinceSeconds, limit, json });
        return;
      }
      if (sinceGiven)
        throw new CliUsageError('--since goes with --failed: afas-sync runs --failed --since 24h');
      if (name === undefined)
        throw new CliUsageError(
          'give a source (afas-sync runs acme), or --failed for the failed runs of every source',
        );
      const source = parseSourceName(name);
      if (options.run !== undefined) await showRun(cli, source, options.run, json);
      else await listRuns(cli, source, limit, json);
    });
}

interface RunsOptions {
  limit: string;
  run?: string;
  failed?: boolean;
  since: string;
  json?: boolean;
}

/** Failed and partial runs across the fleet (or of one source), newest first: one query. */
async function listFailed(
  cli: CliRun,
  options: { source: string | undefined; sinceSeconds: number; limit: number; json: boolean },
): Promise<void> {
  const app = await cli.ctx.app();
  if (options.source !== undefined) await app.sources.get(options.source);
  const { FleetRuns } = await import('../../db/fleet-runs.js');
  const runs = await new FleetRuns(app.pool, app.schema).failedRuns(options);
  if (options.json) {
    cli.out.json(runs);
    return;
  }
  const window = formatDuration(options.sinceSeconds);
  const whose = options.source === undefined ? 'any source' : `"${options.source}"`;
  if (runs.length === 0) {
    cli.out.line(`no failed or partial runs of ${whose} in the last ${window}`);
    return;
  }
  cli.out.table(
    [
      { header: 'started', value: (run: RunRecord) => formatTime(run.startedAt) },
      { header: 'source', value: (run) => run.source },
      { header: 'run', value: (run) => run.runId },
      { header: 'kind', value: (run) => run.kind },
      { header: 'status', value: (run) => run.status },
      { header: 'error', value: (run) => truncate(run.error, 80) },
    ],
    runs,
  );
  if (runs.length === options.limit)
    cli.out.note(`showing the newest ${options.limit}; there may be more (raise --limit)`);
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
  const { ReconciliationStore } = await import('../../db/reconciliations.js');
  const [datasets, warnings, reconciliation] = await Promise.all([
    app.runs.datasetsOf(runId),
    app.runs.warningsOf(runId),
    new ReconciliationStore(app.schema).get(app.pool, runId),
  ]);
  if (json) {
    cli.out.json({ ...run, datasets, warnings, reconciliation: reconciliation ?? null });
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
  if (reconciliation) printReconciliation(cli.out, reconciliation);
}
