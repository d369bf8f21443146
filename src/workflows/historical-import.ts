import {
  ActivityCancellationType,
  allHandlersFinished,
  ApplicationFailure,
  CancellationScope,
  condition,
  continueAsNew,
  log,
  proxyActivities,
  setHandler,
  upsertSearchAttributes,
  uuid4,
  workflowInfo,
} from '@temporalio/workflow';
import type {
  ImportActivities,
  ImportPartitionResult,
  ImportTotals,
  PartitionRef,
} from '../activities/import-activities.js';
import type { SyncActivities } from '../activities/sync-activities.js';
import { AfasPhase } from '../temporal/search-attributes.js';
import {
  importProgressQuery,
  MAX_IMPORT_CONCURRENCY,
  pauseImportSignal,
  resumeImportSignal,
  setImportConcurrencyUpdate,
  type ImportPhase,
  type ImportProgress,
} from './definitions.js';
import { isAuthFailure, isCancellation, NON_RETRYABLE_FAILURES, summarizeFailure } from './failures.js';
import { importOptionsProblem, resolveImportOptions, type ImportOptions } from './import/options.js';

/** The small state one workflow run hands to the next on continue-as-new; partitions live in PostgreSQL. */
export interface CarriedImportState {
  importId: string;
  runId: string;
  paused: boolean;
  concurrency: number;
  toYear: number;
  datasets: string[];
  administrations: number[];
  startWatermark: string | null;
  attemptStartedAtMs: number;
  rowsAtAttemptStart: number;
  workflowRuns: number;
  lastError: ImportProgress['lastError'];
}

export interface HistoricalImportInput extends ImportOptions {
  source: string;
  /** Set by the workflow itself when it continues as new. */
  carried?: CarriedImportState;
}

export interface ImportResult {
  importId: string | null;
  runId: string;
  status: 'succeeded' | 'partial' | 'failed';
  partitions: ImportTotals;
  rows: number;
  /** The journal-line watermark written for the imported administrations. */
  watermark: string | null;
  workflowRuns: number;
  error?: string;
}

/** Failures that retrying cannot fix. */
const NON_RETRYABLE = [...NON_RETRYABLE_FAILURES, 'ImportNotFound', 'InvalidImportInput'];
/** Failures that stop the whole import rather than one partition: every partition would hit them. */
const FATAL = [
  'AfasAuth',
  'AfasBlocked',
  'DatasetSchema',
  'SourceNotFound',
  'ImportNotFound',
  'InvalidImportInput',
];
/** Partitions fetched from PostgreSQL per batch. */
const BATCH = 200;

function failureType(error: unknown): string | undefined {
  let cause: unknown = error;
  while (cause instanceof Error && !(cause instanceof ApplicationFailure) && cause.cause !== undefined)
    cause = cause.cause;
  return cause instanceof ApplicationFailure ? (cause.type ?? undefined) : undefined;
}

/**
 * Historical import of a source: administration × year × period partitions, paged inside each
 * partition by activities that commit every page's rows with its cursor. Resumable (state in
 * PostgreSQL), bounded and adjustable concurrency, pausable, cancellable, and continued as new
 * before its history grows large. Workflow id `afas-import/<source>`.
 */
export async function historicalImport(input: HistoricalImportInput): Promise<ImportResult> {
  const problem =
    typeof input.source === 'string' && input.source !== ''
      ? importOptionsProblem(input)
      : 'source is required';
  if (problem)
    throw ApplicationFailure.nonRetryable(
      `invalid historical import input: ${problem}`,
      'InvalidImportInput',
    );
  const options = resolveImportOptions(input);
  const carried = input.carried;
  const info = workflowInfo();

  const control = proxyActivities<ImportActivities>({
    startToCloseTimeout: '2 minutes',
    retry: {
      initialInterval: '1 second',
      maximumInterval: '30 seconds',
      maximumAttempts: 20,
      nonRetryableErrorTypes: NON_RETRYABLE,
    },
    // Bookkeeping is short and does not heartbeat: a cancelled workflow waits for it to land.
    cancellationType: ActivityCancellationType.WAIT_CANCELLATION_COMPLETED,
  });
  const afasPolicy = {
    startToCloseTimeout: '1 hour',
    heartbeatTimeout: `${options.heartbeatTimeoutSeconds} seconds`,
    retry: {
      initialInterval: `${options.retryInitialSeconds} seconds`,
      backoffCoefficient: 2,
      maximumInterval: `${options.retryMaximumSeconds} seconds`,
      nonRetryableErrorTypes: NON_RETRYABLE,
    },
    // Cancel waits until the activity has stopped, so nothing writes after the import is marked cancelled.
    cancellationType: ActivityCancellationType.WAIT_CANCELLATION_COMPLETED,
  } as const;
  const afas = proxyActivities<ImportActivities>(afasPolicy);
  const sync = proxyActivities<SyncActivities>(afasPolicy);
  const waiting = proxyActivities<ImportActivities>({
    ...afasPolicy,
    startToCloseTimeout: `${options.syncWaitSeconds + 300} seconds`,
  });

  const now = () => new Date().toISOString();
  const attemptStartedAtMs = carried?.attemptStartedAtMs ?? Date.now();
  let rowsAtAttemptStart = carried?.rowsAtAttemptStart ?? 0;
  /** Partition chunks running now, and since when / in how many chunks each unfinished partition ran. */
  const inflight = new Set<string>();
  const started = new Map<string, { since: string; chunks: number }>();
  const progress: ImportProgress = {
    source: input.source,
    importId: carried?.importId ?? null,
    runId: carried?.runId ?? null,
    phase: carried ? 'importing' : 'planning',
    status: 'running',
    paused: carried?.paused ?? false,
    concurrency: carried?.concurrency ?? options.maxConcurrency ?? 1,
    fromYear: options.fromYear,
    toYear: carried?.toYear ?? options.toYear,
    datasets: carried?.datasets ?? options.datasets,
    administrations: carried?.administrations ?? [],
    partitions: { total: 0, done: 0, running: 0, failed: 0, pending: 0 },
    rows: 0,
    rowsThisAttempt: 0,
    rowsPerSecond: null,
    etaSeconds: null,
    runningPartitions: [],
    lastError: carried?.lastError ?? null,
    startWatermark: carried?.startWatermark ?? null,
    startedAt: new Date(attemptStartedAtMs).toISOString(),
    updatedAt: now(),
    workflowRuns: (carried?.workflowRuns ?? 0) + 1,
  };

  // ---- operator API ----------------------------------------------------------------------------
  setHandler(importProgressQuery, (): ImportProgress => ({
    ...progress,
    partitions: { ...progress.partitions, running: inflight.size },
    administrations: [...progress.administrations],
    datasets: [...progress.datasets],
    runningPartitions: [...inflight].map((key) => ({
      key,
      since: started.get(key)?.since ?? progress.updatedAt,
      chunks: started.get(key)?.chunks ?? 0,
    })),
  }));
  /** Set once an operator chose the concurrency; planning then keeps it. */
  let concurrencyChosen = carried !== undefined;
  let publishedPhase: string | undefined = info.typedSearchAttributes.get(AfasPhase);
  const searchPhase = () => (progress.phase === 'importing' && progress.paused ? 'paused' : progress.phase);
  const publishPhase = () => {
    const value = searchPhase();
    if (value === publishedPhase) return;
    upsertSearchAttributes([{ key: AfasPhase, value }]);
    publishedPhase = value;
  };
  const setPhase = (phase: ImportPhase) => {
    progress.phase = phase;
    publishPhase();
  };
  setHandler(pauseImportSignal, () => {
    if (progress.paused) return;
    progress.paused = true;
    log.info('historical import paused', { source: input.source, importId: progress.importId });
    publishPhase();
  });
  setHandler(resumeImportSignal, () => {
    if (!progress.paused) return;
    progress.paused = false;
    log.info('historical import resumed', { source: input.source, importId: progress.importId });
    publishPhase();
  });
  setHandler(
    setImportConcurrencyUpdate,
    (concurrency) => {
      progress.concurrency = concurrency;
      concurrencyChosen = true;
      log.info('historical import concurrency changed', { source: input.source, concurrency });
      return { concurrency };
    },
    {
      validator: (concurrency) => {
        if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > MAX_IMPORT_CONCURRENCY) {
          throw new Error(
            `concurrency must be a whole number from 1 to ${MAX_IMPORT_CONCURRENCY} (got ${String(concurrency)})`,
          );
        }
      },
    },
  );

  // ---- progress bookkeeping --------------------------------------------------------------------
  /** Recomputes what follows from the counters: pending, rate, ETA. */
  const derive = () => {
    const partitions = progress.partitions;
    partitions.running = inflight.size;
    partitions.pending = Math.max(
      0,
      partitions.total - partitions.done - partitions.failed - partitions.running,
    );
    progress.rowsThisAttempt = Math.max(0, progress.rows - rowsAtAttemptStart);
    const elapsedSeconds = (Date.now() - attemptStartedAtMs) / 1000;
    progress.rowsPerSecond =
      elapsedSeconds > 0 && progress.rowsThisAttempt > 0
        ? Math.round(progress.rowsThisAttempt / elapsedSeconds)
        : null;
    const remaining = partitions.total - partitions.done - partitions.failed;
    progress.etaSeconds =
      remaining === 0
        ? 0
        : progress.rowsPerSecond && partitions.done > 0
          ? Math.round(((progress.rows / partitions.done) * remaining) / progress.rowsPerSecond)
          : null;
    progress.updatedAt = now();
  };
  /** Totals from PostgreSQL only grow within an attempt; concurrent answers may arrive out of order. */
  const mergeTotals = (totals: ImportTotals) => {
    const partitions = progress.partitions;
    partitions.total = Math.max(partitions.total, totals.total);
    partitions.done = Math.max(partitions.done, totals.done);
    partitions.failed = Math.max(partitions.failed, totals.failed);
    progress.rows = Math.max(progress.rows, totals.rows);
    derive();
  };
  const noteError = (partition: string | null, message: string) => {
    progress.lastError = { partition, message, at: now() };
    progress.updatedAt = now();
  };
  const continueAsNewDue = () => {
    const current = workflowInfo();
    return (
      current.continueAsNewSuggested ||
      (options.continueAsNewAfterEvents !== null && current.historyLength >= options.continueAsNewAfterEvents)
    );
  };

  // ---- the import --------------------------------------------------------------------------------
  let fatal: { error: unknown } | undefined;

  async function plan(): Promise<void> {
    setPhase('planning');
    const runId = uuid4();
    progress.runId = runId;
    const begun = await control.beginImport({
      source: input.source,
      newImportId: uuid4(),
      runId,
      workflowId: info.workflowId,
      workflowRunId: info.runId,
      fromYear: options.fromYear,
      toYear: options.toYear,
      datasets: options.datasets,
      options: {
        partitionRowLimit: options.partitionRowLimit,
        pageSize: options.pageSize,
        maxPagesPerActivity: options.maxPagesPerActivity,
        requestsPerMinute: options.requestsPerMinute,
        maxConcurrency: options.maxConcurrency,
      },
    });
    progress.importId = begun.importId;
    progress.toYear = begun.toYear;
    progress.datasets = begun.datasets;
    if (!concurrencyChosen) {
      progress.concurrency = Math.min(
        MAX_IMPORT_CONCURRENCY,
        options.maxConcurrency ?? begun.sourceMaxConcurrency,
      );
    }
    progress.startWatermark = begun.startWatermark;
    rowsAtAttemptStart = begun.totals.rows;
    mergeTotals(begun.totals);
    log.info('historical import planning', {
      source: input.source,
      importId: begun.importId,
      resumed: begun.resumed,
    });
    // From here on syncs of this source skip; one that was already running is waited for.
    const waited = await waiting.importAwaitSyncs({
      source: input.source,
      importId: begun.importId,
      maxWaitSeconds: options.syncWaitSeconds,
    });
    if (waited.stillRunning > 0)
      noteError(
        null,
        `${waited.stillRunning} sync(s) still recorded as running after ${waited.waitedSeconds} s; importing anyway`,
      );
    let administrations = begun.administrations;
    if (administrations.length === 0) {
      administrations = (await sync.discoverAdministrations({ source: input.source, runId })).administrations;
    }
    const planned = await afas.planImport({
      source: input.source,
      importId: begun.importId,
      runId,
      administrations,
      requestsPerMinute: options.requestsPerMinute,
    });
    progress.administrations = planned.administrations;
    progress.startWatermark = planned.startWatermark;
    mergeTotals(planned.totals);
  }

  /** One chunk of one partition; a partition not done goes back to the front of the queue. */
  async function runChunk(
    ref: PartitionRef,
    queue: PartitionRef[],
    importId: string,
    runId: string,
  ): Promise<void> {
    const entry = started.get(ref.key) ?? { since: now(), chunks: 0 };
    entry.chunks += 1;
    started.set(ref.key, entry);
    inflight.add(ref.key);
    let more = false;
    try {
      const result: ImportPartitionResult = await afas.importPartition({
        source: input.source,
        importId,
        runId,
        key: ref.key,
        options: {
          partitionRowLimit: options.partitionRowLimit,
          pageSize: options.pageSize,
          maxPagesPerActivity: options.maxPagesPerActivity,
          requestsPerMinute: options.requestsPerMinute,
        },
      });
      more = !result.done;
      mergeTotals(result.totals);
    } catch (error) {
      if (isCancellation(error)) return;
      const type = failureType(error);
      const summary = summarizeFailure(error);
      noteError(ref.key, summary.message);
      if (isAuthFailure(error) || (type !== undefined && FATAL.includes(type))) {
        fatal ??= { error };
        return;
      }
      log.warn('partition failed', { source: input.source, partition: ref.key, error: summary.message });
      try {
        await control.importPartitionFailed({ importId, key: ref.key, ...summary });
        progress.partitions.failed += 1;
      } catch (recordError) {
        if (!isCancellation(recordError)) fatal ??= { error: recordError };
      }
    } finally {
      inflight.delete(ref.key);
      if (more) queue.unshift(ref);
      else started.delete(ref.key);
      derive();
    }
  }

  /** Dispatches partition chunks with the current concurrency until done, or due to continue as new. */
  async function importPartitions(importId: string, runId: string): Promise<'finished' | 'continue-as-new'> {
    setPhase('importing');
    const queue: PartitionRef[] = [];
    let afterSeq = -1;
    let exhausted = false;
    const finished = () => exhausted && queue.length === 0 && inflight.size === 0;
    const canStart = () =>
      !progress.paused && inflight.size < progress.concurrency && (queue.length > 0 || !exhausted);
    for (;;) {
      await condition(() => fatal !== undefined || continueAsNewDue() || finished() || canStart());
      if (fatal !== undefined || continueAsNewDue() || finished()) break;
      if (queue.length === 0) {
        const batch = await control.importPartitionsToRun({ importId, afterSeq, limit: BATCH });
        mergeTotals(batch.totals);
        const last = batch.partitions[batch.partitions.length - 1];
        if (last === undefined) exhausted = true;
        else {
          afterSeq = last.seq;
          queue.push(...batch.partitions);
        }
        continue;
      }
      const next = queue.shift() as PartitionRef;
      void runChunk(next, queue, importId, runId);
    }
    await condition(() => inflight.size === 0);
    if (fatal !== undefined) throw fatal.error;
    return finished() ? 'finished' : 'continue-as-new';
  }

  async function finish(outcome: 'completed' | 'cancelled' | 'aborted', error: string | null) {
    return control.finishImport({
      source: input.source,
      importId: progress.importId,
      runId: progress.runId as string,
      outcome,
      error,
    });
  }

  let next: 'finished' | 'continue-as-new';
  try {
    if (!carried) await plan();
    next = await importPartitions(progress.importId as string, progress.runId as string);
  } catch (error) {
    if (isCancellation(error)) {
      await CancellationScope.nonCancellable(async () => {
        await condition(() => inflight.size === 0);
        if (progress.runId !== null) await finish('cancelled', 'cancelled by request');
        progress.status = 'cancelled';
        setPhase('cancelled');
      });
      throw error;
    }
    const summary = summarizeFailure(error);
    noteError(null, summary.message);
    log.error('historical import failed', {
      source: input.source,
      importId: progress.importId,
      error: summary.message,
    });
    const closed = progress.runId !== null ? await finish('aborted', summary.message) : null;
    if (closed) mergeTotals(closed.totals);
    progress.status = 'failed';
    setPhase('failed');
    return {
      importId: progress.importId,
      runId: progress.runId ?? '',
      status: 'failed',
      partitions: closed?.totals ?? { ...progress.partitions, rows: progress.rows, pages: 0 },
      rows: progress.rows,
      watermark: null,
      workflowRuns: progress.workflowRuns,
      error: summary.message,
    };
  }

  if (next === 'continue-as-new') {
    await condition(allHandlersFinished);
    log.info('historical import continues as new', {
      source: input.source,
      importId: progress.importId,
      historyLength: workflowInfo().historyLength,
    });
    const state: CarriedImportState = {
      importId: progress.importId as string,
      runId: progress.runId as string,
      paused: progress.paused,
      concurrency: progress.concurrency,
      toYear: progress.toYear as number,
      datasets: progress.datasets,
      administrations: progress.administrations,
      startWatermark: progress.startWatermark,
      attemptStartedAtMs,
      rowsAtAttemptStart,
      workflowRuns: progress.workflowRuns,
      lastError: progress.lastError,
    };
    return continueAsNew<typeof historicalImport>({ ...input, carried: state });
  }

  setPhase('finishing');
  const closed = await finish('completed', null);
  mergeTotals(closed.totals);
  progress.status = closed.runStatus === 'cancelled' ? 'failed' : closed.runStatus;
  setPhase(closed.status === 'succeeded' ? 'done' : 'failed');
  await condition(allHandlersFinished);
  return {
    importId: progress.importId,
    runId: progress.runId as string,
    status:
      closed.runStatus === 'succeeded' ? 'succeeded' : closed.runStatus === 'partial' ? 'partial' : 'failed',
    partitions: closed.totals,
    rows: closed.totals.rows,
    watermark: closed.watermark,
    workflowRuns: progress.workflowRuns,
    ...(closed.status === 'succeeded'
      ? {}
      : { error: `${closed.totals.failed} partition(s) failed; start the import again to retry them` }),
  };
}
