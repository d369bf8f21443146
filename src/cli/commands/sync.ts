// `afas-sync sync <source> [--wait]`: start (or attach to) a source's sync.
import type { Command } from 'commander';
import { attentionMessage } from '../../db/source-status.js';
import type { CliRun } from '../context.js';
import { CliFailure } from '../errors.js';
import { formatCount } from '../output.js';
import { parseSourceName } from '../parse.js';

export function registerSync(program: Command, cli: CliRun): void {
  program
    .command('sync')
    .description('start a sync of a source now (or attach to the one already running)')
    .argument('<source>', 'source name')
    .option('--wait', 'follow the sync: progress lines, then a per-dataset summary')
    .addHelpText(
      'after',
      `
A sync runs under the fixed workflow id afas-sync/<source>: starting one while another runs
attaches to it instead of running twice. A worker (\`afas-sync worker\`) must be running.

A source that needs attention (AFAS refused its token, its App connector lacks connectors) is
not synced, by hand or by its schedule, so AFAS is not called again with what it rejected: the
command exits 1 naming the reason. \`afas-sync source test <source>\` (when it passes) or
\`afas-sync source update <source>\` with a new token or connection clears it.

Exit codes with --wait: 0 succeeded, 1 failed, cancelled or skipped, 3 partial (some datasets
failed; the rest is committed). Without --wait: 0 once the sync is started.

Examples:
  $ afas-sync sync acme
  $ afas-sync sync acme --wait`,
    )
    .action(async (name: string, options: { wait?: boolean }) => {
      cli.exit(await sync(cli, parseSourceName(name), options.wait === true));
    });
}

async function sync(cli: CliRun, source: string, wait: boolean): Promise<number> {
  const { ctx, out } = cli;
  const record = await ctx.source(source);
  const { exitCodeForStatus } = await import('../sync-watch.js');
  // What the workflow would answer (it checks too, for scheduled syncs and races), said at once.
  const attention = attentionMessage(record);
  if (attention)
    throw new CliFailure(`sync of "${source}" skipped: ${attention}`, exitCodeForStatus('skipped'));
  const target = await ctx.temporal();
  const [{ startSync }, { syncWorkflowId }, { WorkflowNotFoundError }] = await Promise.all([
    import('../../client/sync-control.js'),
    import('../../workflows/definitions.js'),
    import('@temporalio/client'),
  ]);
  const workflowId = syncWorkflowId(source);
  const running = await target.client.workflow
    .getHandle(workflowId)
    .describe()
    .then((description) => description.status.name === 'RUNNING')
    .catch((error: unknown) => {
      if (error instanceof WorkflowNotFoundError) return false;
      throw error;
    });
  const { workerPresence, noWorkerHint } = await import('../workers.js');
  const hint = noWorkerHint(await workerPresence(target));
  if (hint) out.note(`note: ${hint}`);
  const handle = await startSync(target, source);
  const { runId } = await handle.describe();
  out.line(
    running
      ? `attached to the sync of "${source}" already running (workflow ${workflowId}, run ${runId})`
      : `started the sync of "${source}" (workflow ${workflowId}, run ${runId})`,
  );
  if (!wait) {
    out.line(`follow it with \`afas-sync status ${source}\` or \`afas-sync sync ${source} --wait\``);
    return 0;
  }
  const [{ watchSync }, { printDatasetRows }] = await Promise.all([
    import('../sync-watch.js'),
    import('../run-summary.js'),
  ]);
  const started = Date.now();
  const result = await watchSync(handle, { target, source, out });
  // A skipped sync has no run row to summarize; its reason is the whole story.
  if (result.status === 'skipped')
    throw new CliFailure(
      `sync of "${source}" skipped: ${result.reason ?? 'no reason given'}`,
      exitCodeForStatus(result.status),
    );
  const app = await ctx.app();
  out.line();
  printDatasetRows(out, await app.runs.datasetsOf(result.runId));
  out.line();
  const seconds = Math.round((Date.now() - started) / 1000);
  out.line(
    `sync of "${source}" ${result.status} after ${seconds}s: ${formatCount(result.totals.inserted)} inserted, ` +
      `${formatCount(result.totals.updated)} updated, ${formatCount(result.totals.deleted)} deleted, ` +
      `${formatCount(result.totals.afasCalls)} AFAS calls (run ${result.runId})`,
  );
  const code = exitCodeForStatus(result.status);
  if (code !== 0) {
    const reason = result.error ?? `${result.failures.length} dataset(s) failed`;
    throw new CliFailure(
      `sync of "${source}" ${result.status}: ${reason} (details: afas-sync runs ${source} --run ${result.runId})`,
      code,
    );
  }
  return 0;
}
