import {
  CancellationScope,
  continueAsNew,
  log,
  patched,
  setHandler,
  uuid4,
  workflowInfo,
} from '@temporalio/workflow';
import type { SyncPlan } from '../activities/sync-plan.js';
import type { DatasetTask, MasterDataTask, RunRequest, SourceSettings } from '../activities/types.js';
import { LEDGER_PROOF, type DatasetName } from '../catalog/index.js';
import { requestSyncSignal, syncProgressQuery } from './definitions.js';
import { isCancellation, summarizeFailure } from './failures.js';
import { provableAdministrations, proveCopy } from './ledger.js';
import { Limiter, type Admission } from './limiter.js';
import { SYNC_HEARTBEAT_TIMEOUT_SECONDS, syncActivities } from './policies.js';
import { administrationsLabel, datasetSummary, daysSummary } from './summaries.js';
import { failDataset as fail } from './sync/dataset-failure.js';
import { rethrowFatal } from './sync/day-batches.js';
import { followUpOptions, QueuedRequests, runRequest } from './sync/follow-up.js';
import { legacySyncPlan } from './sync/legacy-plan.js';
import { confirmPostedBatches } from './sync/posted-batches.js';
import { syncPlannedDays } from './sync/planned-days.js';
import { SyncRunState } from './sync/run-state.js';
import type { SyncResult, SyncSourceInput } from './sync/types.js';

export type { SyncOptions, SyncResult, SyncSourceInput } from './sync/types.js';

type Activities = ReturnType<typeof syncActivities>;

/**
 * The sync saga for one source: check → administrations → master data → journal lines through
 * changed booking days → finish. Activities do all I/O and commit atomically per partition; this
 * workflow only decides what runs, how many at once, and what the run's outcome is.
 */
export async function syncSource(input: SyncSourceInput): Promise<SyncResult> {
  const options = input.options ?? {};
  const { source } = input;
  const info = workflowInfo();
  const runId = uuid4();
  // A SIGKILLed worker's activities are retried once their heartbeat times out: 20 s instead of
  // 60 s since this patch (activities heartbeat in the background every third of it).
  const policies =
    options.heartbeatTimeoutSeconds === undefined && patched('sync-heartbeat-20s')
      ? { ...options, heartbeatTimeoutSeconds: SYNC_HEARTBEAT_TIMEOUT_SECONDS }
      : options;
  const activities = syncActivities(policies);
  const { bookkeeping, afas } = activities;
  const run = new SyncRunState(source, runId);
  const { progress, totals, failures } = run;
  setHandler(syncProgressQuery, () => progress);
  const request = runRequest(options);
  if (Object.keys(request).length > 0) progress.request = request;
  // `sync --full` while this run goes: done by a follow-up run the moment this one ends.
  const queued = new QueuedRequests();
  setHandler(requestSyncSignal, (asked) => {
    progress.queued = queued.add(asked);
  });
  /** Hands over to the follow-up run when something was queued (continue-as-new: same workflow id). */
  const runQueued = async (status: SyncResult['status']) => {
    const next = queued.pending;
    // A cancelled sync stops: nothing runs after it (its result says what was not started).
    if (!next || status === 'cancelled' || !patched('queued-sync-requests')) return;
    log.info('starting the queued sync', { source, request: next });
    await continueAsNew<typeof syncSource>({
      ...input,
      trigger: 'manual',
      options: followUpOptions(options, next),
    });
  };
  /** Ends the run before it starts: no AFAS call, no run row; the progress and result say why. */
  const skip = async (reason: string): Promise<SyncResult> => {
    log.info('sync skipped', { source, reason });
    progress.status = 'skipped';
    progress.error = reason;
    run.setPhase('done');
    await runQueued('skipped');
    return { runId, status: 'skipped', totals, failures, reason };
  };

  // A historical import of this source owns AFAS and the journal-line watermark while it runs:
  // the sync steps aside (no run row; the import's own sync_runs row says what is going on).
  if (patched('skip-while-importing')) {
    const importing = await activities.importCheck.importRunning.executeWithOptions(
      { summary: 'historical import running?' },
      [{ source }],
    );
    if (importing.running)
      return await skip(importing.reason ?? 'a historical import of this source is running');
  }

  // A source that needs attention (AFAS refused its token, its credential cannot be opened, its
  // App connector lacks connectors) is not called again with what AFAS rejected: every sync skips
  // until `source test` passes or `source update` fixes its connection. The settings are read
  // before the run starts for that; histories from before read them after `beginRun`.
  let settings: SourceSettings | undefined;
  if (patched('skip-needs-attention')) {
    settings = await bookkeeping.sourceSettings.executeWithOptions({ summary: 'source settings' }, [
      { source, runId },
    ]);
    // Truthiness, not `!== null`: a worker of the previous release answers without the field.
    if (settings.attention) return await skip(settings.attention);
  }

  await bookkeeping.beginRun.executeWithOptions({ summary: `begin run (${input.trigger ?? 'manual'})` }, [
    { source, runId, kind: 'sync', workflowId: info.workflowId, workflowRunId: info.runId },
  ]);
  let finalStatus: Exclude<SyncResult['status'], 'running' | 'skipped'> = 'succeeded';
  let finalError: string | null = null;
  /** Whether this run read both sides of the ledger proof (a `--datasets` subset may not). */
  let ledgerRead = false;
  /** Whether this run read journal lines (batches posted to AFAS wait for that to be confirmed). */
  let linesRead = false;
  let ledger: SyncResult['ledger'];
  let limit = 1;
  try {
    run.setPhase('check');
    settings ??= await bookkeeping.sourceSettings.executeWithOptions({ summary: 'source settings' }, [
      { source, runId },
    ]);
    const check = await afas.checkSource.executeWithOptions({ summary: 'check token and connectors' }, [
      { source, runId },
    ]);
    if (!check.ok) throw new SyncAbort(check.message ?? 'source check failed');
    const maxConcurrency = settings.maxConcurrency;
    limit = maxConcurrency;

    run.setPhase('administrations');
    const discovered = await afas.discoverAdministrations.executeWithOptions({ summary: 'administrations' }, [
      { source, runId, ...(request.allowMassDelete ? { allowMassDelete: true } : {}) },
    ]);
    progress.administrations = discovered.administrations;
    const adminEntry = run.entry('administrations', 0);
    adminEntry.status = 'succeeded';
    run.account(adminEntry, discovered.counts);

    run.setPhase('master_data');
    // The task list comes from an activity, so a catalog edit in a deploy leaves running syncs
    // alone; histories from before that built it from the bundled catalog.
    const plan: SyncPlan = patched('sync-plan-activity')
      ? await bookkeeping.planSync.executeWithOptions({ summary: 'plan sync' }, [
          { source, runId, ...(options.datasets ? { datasets: options.datasets } : {}) },
        ])
      : legacySyncPlan(options.datasets);
    // Before this patch the first wave of tasks could exceed the limit (see Limiter's Admission).
    const admission: Admission = patched('strict-concurrency') ? 'strict' : 'burst';
    await syncMasterData(run, activities, plan, new Limiter(maxConcurrency, admission), request);
    linesRead = plan.changedDays.includes(LEDGER_PROOF.lines.dataset);
    ledgerRead = plan.masterData.some((task) => task.dataset === LEDGER_PROOF.balances.dataset) && linesRead;

    // The changed-days plan stays in PostgreSQL and a big one is replaced by child workflows
    // (issue 17.4); histories from before carried every planned day in the plan's result.
    const plannedDays = plan.changedDays.length > 0 && patched('day-plans-in-postgres');
    for (const dataset of plan.changedDays) {
      run.setPhase('journal_lines');
      const limiter = new Limiter(maxConcurrency, admission);
      if (plannedDays) await syncPlannedDays(run, activities, dataset, limiter, policies);
      else await syncChangedDays(run, activities, dataset, limiter);
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

  // Prove the copy: the journal lines against AFAS's own period balances, repairing what differs
  // (issue 18). Histories from before this patch finished right away.
  if ((finalStatus === 'succeeded' || finalStatus === 'partial') && ledgerRead && patched('prove-ledger')) {
    run.setPhase('ledger');
    const administrations = provableAdministrations(progress.administrations, failures, {
      lines: LEDGER_PROOF.lines.dataset,
      balances: LEDGER_PROOF.balances.dataset,
    });
    try {
      ledger = await proveCopy(
        activities,
        // Entries only where lines may have changed: hashing all of them would cost as much again.
        { source, runId, administrations, years: null, entries: 'changed' },
        new Limiter(limit, 'strict'),
      );
    } catch (error) {
      // proveCopy rethrows only a cancellation.
      finalStatus = 'cancelled';
      finalError = 'cancelled by request';
      log.info('sync cancelled while proving the ledger', { source, error: summarizeFailure(error).message });
    }
  }

  // Batches posted to AFAS that journal_lines did not show yet (issue 19): this run's lines may hold them.
  if (
    (finalStatus === 'succeeded' || finalStatus === 'partial') &&
    linesRead &&
    patched('confirm-posted-batches')
  ) {
    if (await confirmPostedBatches(activities, source)) {
      finalStatus = 'cancelled';
      finalError = 'cancelled by request';
    }
  }

  // Compensation and bookkeeping run even when the workflow is being cancelled.
  const status = finalStatus;
  await CancellationScope.nonCancellable(async () => {
    run.setPhase('finishing');
    await bookkeeping.finishRun.executeWithOptions({ summary: `finish run · ${status}` }, [
      {
        source,
        runId,
        status,
        error: finalError ?? (failures.length ? `${failures.length} dataset(s) failed` : null),
        markSuccess: status === 'succeeded',
      },
    ]);
  });
  progress.status = finalStatus;
  progress.error = finalError ?? undefined;
  run.setPhase('done');
  await runQueued(finalStatus);
  if (finalStatus === 'cancelled' && queued.pending)
    finalError = `${finalError ?? 'cancelled'}; the sync queued after it (${JSON.stringify(queued.pending)}) was not started`;
  return {
    runId,
    status: finalStatus,
    totals,
    failures,
    ...(finalError ? { error: finalError } : {}),
    ...(ledger ? { ledger } : {}),
  };
}

/**
 * Master data: every planned dataset, once or per administration, under the source's limit, with
 * what the operator asked of the run (`--full`, `--allow-mass-delete`).
 */
async function syncMasterData(
  run: SyncRunState,
  { bookkeeping, afas }: Activities,
  plan: SyncPlan,
  limiter: Limiter,
  request: RunRequest,
) {
  const { source, runId, administrations } = run.progress;
  const tasks: MasterDataTask[] = plan.masterData.flatMap(({ dataset, perAdministration }) =>
    (perAdministration ? administrations : [0]).map((administration) => {
      run.entry(dataset, administration);
      return { source, runId, dataset, administration, ...request };
    }),
  );
  run.setStep(tasks.length, 'datasets');
  const results = await limiter.allSettled(
    tasks.map((task) => async () => {
      const item = run.entry(task.dataset, task.administration);
      item.status = 'running';
      try {
        run.account(
          item,
          await afas.syncDataset.executeWithOptions({ summary: datasetSummary(task) }, [task]),
        );
        item.status = 'succeeded';
      } catch (error) {
        await fail(run, bookkeeping, task, error);
      } finally {
        run.stepDone();
      }
    }),
  );
  rethrowFatal(results);
}

/**
 * Journal lines of one changed-days dataset as syncs before the `day-plans-in-postgres` patch did
 * it (replays only): plan the changed booking days per administration with every day in the
 * plan's result, replace them in batches, then move each administration's watermark.
 */
async function syncChangedDays(
  run: SyncRunState,
  { bookkeeping, afas }: Activities,
  dataset: DatasetName,
  limiter: Limiter,
) {
  const { progress } = run;
  const { source, runId } = progress;
  const planTask: DatasetTask = { source, runId, dataset, administration: 0 };
  let plan;
  try {
    plan = await afas.planChangedDays.executeWithOptions(
      { summary: `${dataset} · changed days · ${administrationsLabel(progress.administrations)}` },
      [{ ...planTask, administrations: progress.administrations }],
    );
  } catch (error) {
    await fail(run, bookkeeping, planTask, error);
    return;
  }
  progress.changedDays = plan.administrations.reduce((sum, admin) => sum + admin.dayCount, 0);
  const batches = plan.administrations.reduce((sum, admin) => sum + admin.batches.length, 0);
  run.setStep(batches, 'day batches');
  const newWatermark = plan.newWatermark;
  const perAdministration = plan.administrations.map(async (admin) => {
    const task: DatasetTask = { source, runId, dataset, administration: admin.administration };
    const item = run.entry(dataset, admin.administration);
    item.status = 'running';
    const outcomes = await limiter.allSettled(
      admin.batches.map((days) => async () => {
        try {
          const input = { ...task, days };
          const counts = await afas.replaceDays.executeWithOptions({ summary: daysSummary(input) }, [input]);
          run.account(item, counts);
          progress.daysReplaced += days.length;
        } finally {
          run.stepDone();
        }
      }),
    );
    const failed = outcomes.find(
      (outcome): outcome is PromiseRejectedResult => outcome.status === 'rejected',
    );
    if (failed) {
      // The watermark stays where it was: the next run re-reads these days.
      await fail(run, bookkeeping, task, failed.reason);
      return;
    }
    if (newWatermark) {
      await bookkeeping.advanceWatermark.executeWithOptions(
        { summary: `${datasetSummary(task)} · watermark ${newWatermark}` },
        [{ ...task, watermark: newWatermark }],
      );
    }
    item.status = 'succeeded';
  });
  rethrowFatal(await Promise.allSettled(perAdministration));
}

/** A failure that ends the run with a message for the operator (e.g. missing connectors). */
class SyncAbort extends Error {}
