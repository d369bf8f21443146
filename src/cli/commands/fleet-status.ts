// `afas-sync status` without a source: one line per source, worst first, for an operator with
// hundreds of them. It reads a fixed number of things whatever the fleet's size: three SQL
// queries, one schedule listing, one running-sync query and the task queue's pollers.
import { CLASSIC_TOKEN_END } from '../../afas/credentials.js';
import type { FleetSourceStatus, FleetSummary } from '../../observability/fleet-health.js';
import type { CliRun } from '../context.js';
import { CliFailure } from '../errors.js';
import { formatAge, formatDuration, truncate, type Output } from '../output.js';
import type { WorkerPresence } from '../workers.js';

/** Why the fleet's state could not be read: exit 1, one line naming the service. */
function unreadable(service: string, error: unknown): CliFailure {
  const message = error instanceof Error ? (error.message.split('\n')[0] ?? error.name) : String(error);
  return new CliFailure(`cannot read the fleet's state from ${service}: ${message}`, 1);
}

export async function fleetStatus(
  cli: CliRun,
  options: { json: boolean; staleAfterSeconds: number | undefined },
): Promise<void> {
  const [{ FleetRuns }, fleet, health, { workerPresence }] = await Promise.all([
    import('../../db/fleet-runs.js'),
    import('../../client/fleet-control.js'),
    import('../../observability/fleet-health.js'),
    import('../workers.js'),
  ]);
  // Both sides at once: a monitor waits for the slower one, not for the sum.
  const database = (async () => {
    const app = await cli.ctx.app();
    const runs = new FleetRuns(app.pool, app.schema);
    const [sources, lastRuns] = await Promise.all([app.sources.list(), runs.lastFinishedSyncs()]);
    const failed = await runs.failedDatasets([...lastRuns.values()].map((run) => run.runId));
    return { sources, lastRuns, failed };
  })().catch((error: unknown) => {
    throw unreadable('PostgreSQL', error);
  });
  const temporal = (async () => {
    const target = await cli.ctx.temporal();
    const [schedules, running, workers] = await Promise.all([
      fleet.listSourceSchedules(target),
      fleet.runningSyncSources(target),
      workerPresence(target),
    ]);
    return { schedules, running, workers };
  })().catch((error: unknown) => {
    throw unreadable('Temporal', error);
  });
  const [db, live] = await Promise.all([database, temporal]);

  const now = new Date();
  const statuses = health.sortFleet(
    db.sources.map((record) => {
      const lastRun = db.lastRuns.get(record.name) ?? null;
      return health.classifySource(
        {
          record,
          lastRun,
          failedDatasets: lastRun ? db.failed.filter((item) => item.runId === lastRun.runId) : [],
          schedule: live.schedules.get(record.name) ?? null,
          syncing: live.running.has(record.name),
        },
        now,
        options.staleAfterSeconds,
      );
    }),
  );
  if (options.json) cli.out.json(statuses);
  else printFleet(cli.out, statuses, health.summarizeFleet(statuses), live.workers);
  cli.exit(health.fleetExitCode(statuses));
}

const HEALTH_TEXT: Record<FleetSourceStatus['health'], string> = {
  needs_attention: 'NEEDS ATTENTION',
  failing: 'FAILING',
  stale: 'STALE',
  healthy: 'ok',
};

function failingText(status: FleetSourceStatus): string | null {
  if (status.failingDatasets.length > 0) {
    return status.failingDatasets
      .map((item) => (item.administration === 0 ? item.dataset : `${item.dataset} (${item.administration})`))
      .join(', ');
  }
  return status.problems.includes('failing') ? `run ${status.lastRun?.status ?? 'failed'}` : null;
}

/** AFAS's refusal; else the failed run's error when no dataset names it; else a credential warning. */
function attentionText(status: FleetSourceStatus): string | null {
  if (status.needsAttention) return status.needsAttention;
  if (status.problems.includes('failing') && status.failingDatasets.length === 0 && status.lastRun?.error)
    return status.lastRun.error;
  return status.credential.warning;
}

function credentialText(credential: FleetSourceStatus['credential']): string {
  const days = credential.daysLeft;
  if (credential.kind === 'token')
    return `token, ${days !== null && days > 0 ? `ends in ${days}d` : 'ENDED'}`;
  if (days === null) return 'oauth';
  if (days <= 0) return 'oauth, secret EXPIRED';
  return credential.warning ? `oauth, secret EXPIRES in ${days}d` : 'oauth';
}

function freshnessText(status: FleetSourceStatus): string {
  const { freshness } = status;
  return freshness.stale ? `STALE (> ${formatDuration(freshness.staleAfterSeconds)})` : 'fresh';
}

function summaryLine(summary: FleetSummary, statuses: readonly FleetSourceStatus[]): string {
  const { byHealth } = summary;
  const classic = statuses.filter((status) => status.credential.kind === 'token').length;
  return [
    `${summary.sources} source(s): ${byHealth.needs_attention} needing attention, ${byHealth.failing} failing, ` +
      `${byHealth.stale} stale, ${byHealth.healthy} healthy`,
    `${summary.syncing} syncing`,
    `${summary.credentialWarnings} credential warning(s)`,
    ...(classic > 0 ? [`${classic} on classic tokens (they stop working on ${CLASSIC_TOKEN_END})`] : []),
  ].join('; ');
}

function printFleet(
  out: Output,
  statuses: readonly FleetSourceStatus[],
  summary: FleetSummary,
  workers: WorkerPresence,
): void {
  if (statuses.length === 0) {
    out.line('no sources yet (add one with `afas-sync source add`)');
    return;
  }
  out.table(
    [
      { header: 'source', value: (row: FleetSourceStatus) => row.source },
      { header: 'health', value: (row) => HEALTH_TEXT[row.health] },
      { header: 'state', value: (row) => row.state },
      { header: 'last success', value: (row) => formatAge(row.lastSuccessAt) },
      { header: 'freshness', value: freshnessText },
      { header: 'failing', value: (row) => truncate(failingText(row), 48) },
      { header: 'credential', value: (row) => credentialText(row.credential) },
      { header: 'attention', value: (row) => truncate(attentionText(row), 80) },
    ],
    statuses,
  );
  out.line();
  out.line(summaryLine(summary, statuses));
  if (workers.pollers === 0)
    out.note(`warning: no worker is polling task queue "${workers.taskQueue}": nothing syncs until one runs`);
}
