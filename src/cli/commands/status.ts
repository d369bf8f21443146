// `afas-sync status <source>`: live progress, source health, freshness and schedule in one view.
import type { Command } from 'commander';
import type { ScheduleState } from '../../client/sync-control.js';
import type { ReconciliationRecord } from '../../db/reconciliations.js';
import type { DatasetRunRecord, RunRecord } from '../../db/runs.js';
import type { SourceRecord } from '../../db/sources.js';
import type { DeleteCheck } from '../../db/sync-state.js';
import type { CredentialExpiry } from '../../observability/credential-expiry.js';
import type { Freshness } from '../../observability/freshness.js';
import type { SyncProgress, SyncRequest } from '../../workflows/definitions.js';
import type { CliRun } from '../context.js';
import type { WorkerPresence } from '../workers.js';
import { parseDuration, parseSourceName } from '../parse.js';
import { printStatus } from './status-text.js';

export interface DatasetStatus {
  dataset: string;
  administration: number;
  status: string;
  inserted: number;
  updated: number;
  deleted: number;
  retries: number | null;
  error: string | null;
  profitLogReference: string | null;
  /**
   * When this scope's hard deletes were last checked: its last whole read, or for a changed-days
   * dataset the last run that replaced every changed day; null when never.
   */
  deletesCheckedAt: Date | null;
}

export interface SourceStatus {
  source: string;
  status: SourceRecord['status'];
  statusReason: string | null;
  lastSuccessAt: Date | null;
  lastCheckedAt: Date | null;
  syncIntervalSeconds: number;
  freshness: Freshness;
  /** Its credential's kind and when it stops working (classic tokens on 2027-08-31). */
  credential: CredentialExpiry;
  schedule: ScheduleState;
  workers: WorkerPresence;
  sync: {
    workflowId: string;
    /** Temporal's execution status of the latest sync workflow (RUNNING, COMPLETED, …); null if none. */
    execution: string | null;
    runId: string | null;
    phase: string | null;
    status: string | null;
    startedAt: string | null;
    progressUnavailable: string | null;
    /** What the running sync was asked to do beyond a plain sync, and what is queued after it. */
    request: SyncRequest | null;
    queued: SyncRequest | null;
    datasets: DatasetStatus[];
  };
  lastError: { message: string; profitLogReference: string | null; runId: string | null } | null;
  lastRun: RunRecord | null;
  /** The latest ledger proof (issue 18) and its one line ("reconciled through 2026-11"); null before the first. */
  ledger: (ReconciliationRecord & { text: string }) | null;
  /** Write-back (issue 19): whether it is on, and its batches not confirmed, per status. */
  writeBack: { enabled: boolean; open: { status: string; batches: number }[] };
}

export function registerStatus(program: Command, cli: CliRun): void {
  program
    .command('status')
    .description(
      "a source's live sync progress, health, data freshness and schedule; without a source, every source's health",
    )
    .argument('[source]', 'source name (leave it out for the whole fleet)')
    .option('--json', 'print JSON (for scripts and monitoring)')
    .option(
      '--stale-after <duration>',
      'call the data stale after this long without a successful sync (default: 3× the interval)',
    )
    .addHelpText(
      'after',
      `
With a source: combines the sync workflow's progress query (needs a running worker to answer), the
source row (status, reason, last success, credential) and the Temporal Schedule. The source is
flagged STALE when its last successful sync is older than --stale-after.

Without a source: one line per source, worst first (needs attention, failing, stale, healthy; then
by name): state (syncing, scheduled, paused, unscheduled), last success, freshness, the datasets
that failed in its last finished sync, why it needs attention, and its credential (classic token
countdown, OAuth secret expiring within 30 days or expired), then a summary line. --json prints an
array of objects. Exit 0 when every source is healthy, 4 when any needs attention, is failing or
stale, 1 when PostgreSQL or Temporal could not be read: cron or a monitor can tell them apart.

Examples:
  $ afas-sync status
  $ afas-sync status --json
  $ afas-sync status acme
  $ afas-sync status acme --json --stale-after 2h`,
    )
    .action(async (name: string | undefined, options: { json?: boolean; staleAfter?: string }) => {
      const staleAfter =
        options.staleAfter === undefined
          ? undefined
          : parseDuration(options.staleAfter, '--stale-after', { minSeconds: 1, maxSeconds: 365 * 86_400 });
      if (name === undefined) {
        const { fleetStatus } = await import('./fleet-status.js');
        await fleetStatus(cli, { json: options.json === true, staleAfterSeconds: staleAfter });
        return;
      }
      const status = await collectStatus(cli, parseSourceName(name), staleAfter);
      if (options.json) cli.out.json(status);
      else printStatus(cli.out, status);
      if (!options.json && status.credential.warning) cli.out.note(`warning: ${status.credential.warning}`);
    });
}

async function collectStatus(
  cli: CliRun,
  source: string,
  staleAfterSeconds: number | undefined,
): Promise<SourceStatus> {
  const app = await cli.ctx.app();
  const record = await app.sources.get(source);
  const target = await cli.ctx.temporal();
  const [
    { describeSchedule, workflowStatus },
    { syncWorkflowId },
    { freshnessOf },
    { credentialExpiry },
    { queryProgress },
    { workerPresence },
    { DATASETS },
    { ReconciliationStore },
    { ledgerLine },
    { PostSagaStore },
  ] = await Promise.all([
    import('../../client/sync-control.js'),
    import('../../workflows/definitions.js'),
    import('../../observability/freshness.js'),
    import('../../observability/credential-expiry.js'),
    import('../progress.js'),
    import('../workers.js'),
    import('../../catalog/index.js'),
    import('../../db/reconciliations.js'),
    import('../ledger-output.js'),
    import('../../db/post-saga.js'),
  ]);
  const workflowId = syncWorkflowId(source);
  const [schedule, workers, execution, answer, lastRuns, checks, reconciliation, openBatches] =
    await Promise.all([
      describeSchedule(target, source),
      workerPresence(target),
      workflowStatus(target, workflowId),
      queryProgress(target, source),
      app.runs.list(source, 10),
      app.state.deleteChecks(app.pool, source),
      new ReconciliationStore(app.schema).latest(app.pool, source),
      new PostSagaStore(app.pool, app.schema).openPerSource(source),
    ]);
  const lastSync = lastRuns.find((run) => run.kind === 'sync') ?? null;
  const progress = answer.progress;
  const runId = progress?.runId ?? lastSync?.runId ?? null;
  const recorded = runId ? await app.runs.datasetsOf(runId) : [];
  const changedDays = new Set<string>(
    DATASETS.filter((definition) => definition.strategy === 'changed-days').map((d) => d.name),
  );
  const datasets = (progress ? mergeProgress(progress, recorded) : recorded.map(fromRecord)).map((item) => ({
    ...item,
    deletesCheckedAt: deletesChecked(checks, item, changedDays),
  }));
  return {
    source,
    status: record.status,
    statusReason: record.statusReason,
    lastSuccessAt: record.lastSuccessAt,
    lastCheckedAt: record.lastCheckedAt,
    syncIntervalSeconds: record.syncIntervalSeconds,
    freshness: freshnessOf(record, new Date(), staleAfterSeconds),
    credential: credentialExpiry(record),
    schedule,
    workers,
    sync: {
      workflowId,
      execution,
      runId,
      phase: progress?.phase ?? null,
      status: progress?.status ?? lastSync?.status ?? null,
      startedAt: progress?.startedAt ?? lastSync?.startedAt.toISOString() ?? null,
      progressUnavailable: answer.unavailable ?? null,
      request: progress?.request ?? null,
      queued: progress?.status === 'running' ? (progress.queued ?? null) : null,
      datasets,
    },
    lastError: lastError(record, progress, datasets, lastRuns),
    lastRun: lastRuns[0] ?? null,
    ledger: reconciliation ? { ...reconciliation, text: ledgerLine(reconciliation) } : null,
    writeBack: {
      enabled: record.writeBack,
      open: openBatches.map(({ status, batches }) => ({ status, batches })),
    },
  };
}

/** When the scope's deletes were last checked (see DatasetStatus.deletesCheckedAt). */
function deletesChecked(
  checks: readonly DeleteCheck[],
  item: Pick<DatasetStatus, 'dataset' | 'administration'>,
  changedDays: ReadonlySet<string>,
): Date | null {
  const check = checks.find(
    (entry) => entry.dataset === item.dataset && entry.administration === item.administration,
  );
  if (!check) return null;
  // A changed-days dataset marks deletes with every day it replaces; its state moves once all are.
  return check.lastReconciledAt ?? (changedDays.has(item.dataset) ? check.updatedAt : null);
}

type RunDatasetStatus = Omit<DatasetStatus, 'deletesCheckedAt'>;

function fromRecord(row: DatasetRunRecord): RunDatasetStatus {
  return {
    dataset: row.dataset,
    administration: row.administration,
    status: row.status,
    inserted: row.rowsInserted,
    updated: row.rowsUpdated,
    deleted: row.rowsDeleted,
    retries: row.retries,
    error: row.error,
    profitLogReference: row.profitLogReference,
  };
}

/** Live counts from the query; retries and AFAS log references from the run log. */
function mergeProgress(progress: SyncProgress, recorded: readonly DatasetRunRecord[]): RunDatasetStatus[] {
  return progress.datasets.map((item) => {
    const row = recorded.find(
      (entry) => entry.dataset === item.dataset && entry.administration === item.administration,
    );
    return {
      dataset: item.dataset,
      administration: item.administration,
      status: item.status,
      inserted: item.inserted,
      updated: item.updated,
      deleted: item.deleted,
      retries: row?.retries ?? null,
      error: item.error ?? row?.error ?? null,
      profitLogReference: row?.profitLogReference ?? null,
    };
  });
}

function lastError(
  record: SourceRecord,
  progress: SyncProgress | undefined,
  datasets: readonly DatasetStatus[],
  runs: readonly RunRecord[],
): SourceStatus['lastError'] {
  const failed = datasets.find((item) => item.error);
  if (progress?.error)
    return {
      message: progress.error,
      profitLogReference: failed?.profitLogReference ?? null,
      runId: progress.runId,
    };
  if (failed?.error) {
    const where =
      failed.administration === 0
        ? failed.dataset
        : `${failed.dataset} (administration ${failed.administration})`;
    return {
      message: `${where}: ${failed.error}`,
      profitLogReference: failed.profitLogReference,
      runId: progress?.runId ?? null,
    };
  }
  // Errors of runs since the last successful sync; older ones are history (see `afas-sync runs`).
  const since = record.lastSuccessAt?.getTime() ?? 0;
  const run = runs.find((entry) => entry.error && entry.startedAt.getTime() > since);
  if (run?.error) return { message: run.error, profitLogReference: run.profitLogReference, runId: run.runId };
  if (record.statusReason) return { message: record.statusReason, profitLogReference: null, runId: null };
  return null;
}
