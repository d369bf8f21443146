// `afas-sync sync <source> [--wait] [--full] [--allow-mass-delete]`: start (or attach to) a
// source's sync; a sync asked to do more than a plain one is queued behind a running one.
import type { WorkflowHandle } from '@temporalio/client';
import type { Command } from 'commander';
import type { SyncTarget } from '../../client/sync-control.js';
import type { SyncRequest } from '../../workflows/definitions.js';
import type { syncSource } from '../../workflows/index.js';
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
    .option(
      '--full',
      'read every master-data dataset whole, marking what AFAS deleted (journal lines: changed days)',
    )
    .option(
      '--allow-mass-delete',
      'for this sync only: let a whole read mark more of a dataset deleted than the source allows',
    )
    .addHelpText(
      'after',
      `
A sync runs under the fixed workflow id afas-sync/<source>: starting one while another runs
attaches to it instead of running twice. A worker (\`afas-sync worker\`) must be running.

With --full or --allow-mass-delete while a sync runs, the request is handed to the running sync,
which starts the requested one the moment it ends (the request survives this command).

A source that needs attention (AFAS refused its token, its App connector lacks connectors) is
not synced, by hand or by its schedule, so AFAS is not called again with what it rejected: the
command exits 1 naming the reason. \`afas-sync source test <source>\` (when it passes) or
\`afas-sync source update <source>\` with a new token or connection clears it.

Exit codes with --wait: 0 succeeded, 1 failed, cancelled or skipped, 3 partial (some datasets
failed; the rest is committed). Without --wait: 0 once the sync is started.

Examples:
  $ afas-sync sync acme
  $ afas-sync sync acme --wait
  $ afas-sync sync acme --full --wait
  $ afas-sync sync acme --allow-mass-delete`,
    )
    .action(async (name: string, options: { wait?: boolean; full?: boolean; allowMassDelete?: boolean }) => {
      const request: SyncRequest = {
        ...(options.full ? { full: true } : {}),
        ...(options.allowMassDelete ? { allowMassDelete: true } : {}),
      };
      cli.exit(await sync(cli, parseSourceName(name), options.wait === true, request));
    });
}

/** The request in words (`full, mass-delete-allowing`); empty for a plain sync. */
function requestText(request: SyncRequest): string {
  return [request.full ? 'full' : '', request.allowMassDelete ? 'mass-delete-allowing' : '']
    .filter(Boolean)
    .join(', ');
}

/**
 * Asks the running sync whether it took the request. A sync started by a worker from before
 * queued requests existed ignores the signal: the operator is told to ask again once it ends.
 */
async function confirmQueued(cli: CliRun, target: SyncTarget, source: string): Promise<void> {
  const { queryProgress } = await import('../progress.js');
  const { progress } = await queryProgress(target, source, 3_000);
  // A run that answers with a request of its own is the queued one already (the other ended).
  if (progress?.status === 'running' && progress.queued === undefined && progress.request === undefined) {
    cli.out.note(
      `note: the running sync of "${source}" did not take the request (its worker predates queued syncs); ` +
        'run this command again once it has ended',
    );
  }
}

async function sync(cli: CliRun, source: string, wait: boolean, request: SyncRequest): Promise<number> {
  const { ctx, out } = cli;
  const record = await ctx.source(source);
  const { exitCodeForStatus } = await import('../sync-watch.js');
  // What the workflow would answer (it checks too, for scheduled syncs and races), said at once.
  const attention = attentionMessage(record);
  if (attention)
    throw new CliFailure(`sync of "${source}" skipped: ${attention}`, exitCodeForStatus('skipped'));
  const target = await ctx.temporal();
  const [{ startSync, requestSync }, { syncWorkflowId }, { WorkflowNotFoundError }] = await Promise.all([
    import('../../client/sync-control.js'),
    import('../../workflows/definitions.js'),
    import('@temporalio/client'),
  ]);
  const workflowId = syncWorkflowId(source);
  const { workerPresence, noWorkerHint } = await import('../workers.js');
  const hint = noWorkerHint(await workerPresence(target));
  if (hint) out.note(`note: ${hint}`);
  let handle: WorkflowHandle<typeof syncSource>;
  const asked = requestText(request);
  if (asked) {
    const requested = await requestSync(target, source, request);
    handle = requested.handle;
    out.line(
      requested.queued
        ? `a sync of "${source}" is running (workflow ${workflowId}, run ${requested.runId}): ` +
            `the ${asked} sync is queued and starts the moment it ends`
        : `started a ${asked} sync of "${source}" (workflow ${workflowId}, run ${requested.runId})`,
    );
    if (requested.queued) await confirmQueued(cli, target, source);
  } else {
    const running = await target.client.workflow
      .getHandle(workflowId)
      .describe()
      .then((description) => description.status.name === 'RUNNING')
      .catch((error: unknown) => {
        if (error instanceof WorkflowNotFoundError) return false;
        throw error;
      });
    handle = await startSync(target, source);
    const { runId } = await handle.describe();
    out.line(
      running
        ? `attached to the sync of "${source}" already running (workflow ${workflowId}, run ${runId})`
        : `started the sync of "${source}" (workflow ${workflowId}, run ${runId})`,
    );
  }
  if (!wait) {
    out.line(`follow it with \`afas-sync status ${source}\` or \`afas-sync sync ${source} --wait\``);
    return 0;
  }
  const [{ watchSync }, { printDatasetRows, printRunWarnings }] = await Promise.all([
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
  printRunWarnings(out, await app.runs.warningsOf(result.runId));
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
