import {
  CancellationScope,
  log,
  patched,
  proxyActivities,
  setHandler,
  upsertSearchAttributes,
  uuid4,
  workflowInfo,
} from '@temporalio/workflow';
import type { ImportActivities } from '../activities/import-activities.js';
import type { createSyncActivities } from '../activities/sync-activities.js';
import type { DatasetCounts, DatasetTask } from '../activities/types.js';
import { DATASETS, type DatasetName } from '../catalog/index.js';
import { AfasPhase } from '../temporal/search-attributes.js';
import { syncProgressQuery, type DatasetProgress, type SyncPhase, type SyncProgress } from './definitions.js';
import { isAuthFailure, isCancellation, NON_RETRYABLE_FAILURES, summarizeFailure } from './failures.js';
import { allSettledLimited, Semaphore } from './semaphore.js';

type SyncActivities = ReturnType<typeof createSyncActivities>;

export interface SyncOptions {
  /** Heartbeat timeout of data activities: how fast a crashed worker's work is picked up again. */
  heartbeatTimeoutSeconds?: number;
  /** First and longest retry interval for AFAS activities (AFAS may ask for longer via Retry-After). */
  retryInitialSeconds?: number;
  retryMaximumSeconds?: number;
  /** Only these datasets (administrations always runs). Default: all. */
  datasets?: DatasetName[];
}

export interface SyncSourceInput {
  source: string;
  trigger?: 'manual' | 'schedule';
  options?: SyncOptions;
}

export interface SyncResult {
  runId: string;
  status: SyncProgress['status'];
  totals: DatasetCounts;
  failures: { dataset: string; administration: number; message: string; profitLogReference: string | null }[];
  error?: string;
  /** Why the sync did not run (status `skipped`). */
  reason?: string;
}

/**
 * The sync saga for one source: check → administrations → master data → journal lines through
 * changed booking days → finish. Activities do all I/O and commit atomically per partition; this
 * workflow only decides what runs, how many at once, and what the run's outcome is.
 */
export async function syncSource(input: SyncSourceInput): Promise<SyncResult> {
  const options = input.options ?? {};
  const info = workflowInfo();
  const runId = uuid4();
  const control = proxyActivities<SyncActivities>({
    startToCloseTimeout: '2 minutes',
    retry: { initialInterval: '1 second', maximumInterval: '30 seconds', maximumAttempts: 20 },
  });
  const data = proxyActivities<SyncActivities>({
    startToCloseTimeout: '2 hours',
    heartbeatTimeout: `${options.heartbeatTimeoutSeconds ?? 60} seconds`,
    retry: {
      initialInterval: `${options.retryInitialSeconds ?? 5} seconds`,
      backoffCoefficient: 2,
      maximumInterval: `${options.retryMaximumSeconds ?? 300} seconds`,
      nonRetryableErrorTypes: [...NON_RETRYABLE_FAILURES],
    },
  });

  const progress: SyncProgress = {
    source: input.source,
    runId,
    phase: 'starting',
    startedAt: new Date().toISOString(),
    administrations: [],
    datasets: [],
    changedDays: 0,
    daysReplaced: 0,
    failures: 0,
    status: 'running',
  };
  setHandler(syncProgressQuery, () => progress);
  const totals: DatasetCounts = { inserted: 0, updated: 0, deleted: 0, pages: 0, afasCalls: 0, retries: 0 };
  const failures: SyncResult['failures'] = [];
  const wanted = (name: DatasetName) => !options.datasets || options.datasets.includes(name);

  const setPhase = (phase: SyncPhase) => {
    progress.phase = phase;
    upsertSearchAttributes([{ key: AfasPhase, value: phase }]);
  };
  const entry = (dataset: string, administration: number): DatasetProgress => {
    let found = progress.datasets.find(
      (item) => item.dataset === dataset && item.administration === administration,
    );
    if (!found) {
      found = {
        dataset,
        administration,
        status: 'pending',
        inserted: 0,
        updated: 0,
        deleted: 0,
        pages: 0,
        afasCalls: 0,
      };
      progress.datasets.push(found);
    }
    return found;
  };
  const account = (item: DatasetProgress, counts: DatasetCounts) => {
    item.inserted += counts.inserted;
    item.updated += counts.updated;
    item.deleted += counts.deleted;
    item.pages += counts.pages;
    item.afasCalls += counts.afasCalls;
    for (const key of Object.keys(totals) as (keyof DatasetCounts)[]) totals[key] += counts[key];
  };
  /** Records a dataset failure; auth and cancellation end the whole run instead. */
  const fail = async (task: DatasetTask, error: unknown) => {
    if (isCancellation(error) || isAuthFailure(error)) throw error;
    const summary = summarizeFailure(error);
    const item = entry(task.dataset, task.administration);
    item.status = 'failed';
    item.error = summary.message;
    progress.failures += 1;
    failures.push({
      dataset: task.dataset,
      administration: task.administration,
      message: summary.message,
      profitLogReference: summary.profitLogReference,
    });
    log.warn('dataset failed', {
      source: input.source,
      dataset: task.dataset,
      administration: task.administration,
      error: summary.message,
    });
    await control.recordDatasetFailure({ ...task, ...summary });
  };

  // A historical import of this source owns AFAS and the journal-line watermark while it runs:
  // the sync steps aside (no run row; the import's own sync_runs row says what is going on).
  if (patched('skip-while-importing')) {
    const importCheck = proxyActivities<Pick<ImportActivities, 'importRunning'>>({
      startToCloseTimeout: '1 minute',
      retry: { initialInterval: '1 second', maximumInterval: '30 seconds', maximumAttempts: 20 },
    });
    const importing = await importCheck.importRunning({ source: input.source });
    if (importing.running) {
      const reason = importing.reason ?? 'a historical import of this source is running';
      log.info('sync skipped', { source: input.source, reason });
      progress.status = 'skipped';
      progress.error = reason;
      setPhase('done');
      return { runId, status: 'skipped', totals, failures, reason };
    }
  }

  await control.beginRun({
    source: input.source,
    runId,
    kind: 'sync',
    workflowId: info.workflowId,
    workflowRunId: info.runId,
  });
  let finalStatus: Exclude<SyncProgress['status'], 'running' | 'skipped'> = 'succeeded';
  let finalError: string | null = null;
  let maxConcurrency = 1;
  try {
    setPhase('check');
    const settings = await control.sourceSettings({ source: input.source, runId });
    const check = await data.checkSource({ source: input.source, runId });
    if (!check.ok) throw new SyncAbort(check.message ?? 'source check failed');
    maxConcurrency = settings.maxConcurrency;
    const semaphore = new Semaphore(maxConcurrency);

    setPhase('administrations');
    const discovered = await data.discoverAdministrations({ source: input.source, runId });
    progress.administrations = discovered.administrations;
    const adminEntry = entry('administrations', 0);
    adminEntry.status = 'succeeded';
    account(adminEntry, discovered.counts);

    setPhase('master_data');
    const masterTasks: DatasetTask[] = [];
    for (const definition of DATASETS) {
      if (
        definition.name === 'administrations' ||
        definition.strategy === 'changed-days' ||
        !wanted(definition.name)
      )
        continue;
      const administrations = definition.scope === 'environment' ? [0] : discovered.administrations;
      for (const administration of administrations) {
        masterTasks.push({ source: input.source, runId, dataset: definition.name, administration });
        entry(definition.name, administration);
      }
    }
    const results = await allSettledLimited(
      semaphore,
      masterTasks.map((task) => async () => {
        const item = entry(task.dataset, task.administration);
        item.status = 'running';
        try {
          account(item, await data.syncDataset(task));
          item.status = 'succeeded';
        } catch (error) {
          await fail(task, error);
        }
      }),
    );
    rethrowFatal(results);

    for (const definition of DATASETS.filter((d) => d.strategy === 'changed-days' && wanted(d.name))) {
      setPhase('journal_lines');
      await syncChangedDays(definition.name);
    }
  } catch (error) {
    if (isCancellation(error)) {
      finalStatus = 'cancelled';
      finalError = 'cancelled by request';
    } else {
      finalStatus = 'failed';
      finalError = error instanceof SyncAbort ? error.message : summarizeFailure(error).message;
    }
  }
  if (finalStatus === 'succeeded' && failures.length > 0) finalStatus = 'partial';

  // Compensation and bookkeeping run even when the workflow is being cancelled.
  await CancellationScope.nonCancellable(async () => {
    setPhase('finishing');
    await control.finishRun({
      source: input.source,
      runId,
      status: finalStatus,
      error: finalError ?? (failures.length ? `${failures.length} dataset(s) failed` : null),
      markSuccess: finalStatus === 'succeeded',
    });
  });
  progress.status = finalStatus;
  progress.error = finalError ?? undefined;
  setPhase('done');
  return { runId, status: finalStatus, totals, failures, ...(finalError ? { error: finalError } : {}) };

  async function syncChangedDays(dataset: DatasetName) {
    const planTask: DatasetTask = { source: input.source, runId, dataset, administration: 0 };
    let plan;
    try {
      plan = await data.planChangedDays({ ...planTask, administrations: progress.administrations });
    } catch (error) {
      await fail(planTask, error);
      return;
    }
    progress.changedDays = plan.administrations.reduce((sum, admin) => sum + admin.dayCount, 0);
    const semaphore = new Semaphore(maxConcurrency);
    const perAdministration = plan.administrations.map(async (admin) => {
      const item = entry(dataset, admin.administration);
      item.status = 'running';
      const outcomes = await allSettledLimited(
        semaphore,
        admin.batches.map((days) => async () => {
          const counts = await data.replaceDays({
            source: input.source,
            runId,
            dataset,
            administration: admin.administration,
            days,
          });
          account(item, counts);
          progress.daysReplaced += days.length;
        }),
      );
      const failed = outcomes.find(
        (outcome): outcome is PromiseRejectedResult => outcome.status === 'rejected',
      );
      if (failed) {
        // The watermark stays where it was: the next run re-reads these days.
        await fail(
          { source: input.source, runId, dataset, administration: admin.administration },
          failed.reason,
        );
        return;
      }
      if (plan.newWatermark) {
        await control.advanceWatermark({
          source: input.source,
          runId,
          dataset,
          administration: admin.administration,
          watermark: plan.newWatermark,
        });
      }
      item.status = 'succeeded';
    });
    rethrowFatal(await Promise.allSettled(perAdministration));
  }
}

/** A failure that ends the run with a message for the operator (e.g. missing connectors). */
class SyncAbort extends Error {}

function rethrowFatal(results: PromiseSettledResult<unknown>[]) {
  for (const result of results) {
    if (result.status === 'rejected') throw result.reason;
  }
}
