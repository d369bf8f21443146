import {
  allHandlersFinished,
  ApplicationFailure,
  CancellationScope,
  condition,
  continueAsNew,
  log,
  patched,
  uuid4,
  workflowInfo,
} from '@temporalio/workflow';
import type { PartitionRef } from '../activities/import-activities.js';
import type { LedgerSummary } from '../activities/ledger-activities.js';
import { FailureType, IMPORT_FATAL_FAILURES } from '../temporal/failure-types.js';
import { MAX_IMPORT_CONCURRENCY } from './definitions.js';
import { failureTypeOf, isAuthFailure, isCancellation, summarizeFailure } from './failures.js';
import { handleOperators } from './import/operator-api.js';
import { proveImport } from './import/prove-import.js';
import {
  importOptionsProblem,
  partitionRunOptions,
  resolveImportOptions,
  type ResolvedImportOptions,
} from './import/options.js';
import { ImportRunState } from './import/run-state.js';
import type { HistoricalImportInput, ImportResult } from './import/types.js';
import { importActivities } from './policies.js';
import { administrationsLabel, chunkSummary, yearsLabel } from './summaries.js';

export type { CarriedImportState, HistoricalImportInput, ImportResult } from './import/types.js';

/** Partitions fetched from PostgreSQL per batch. */
const BATCH = 200;

type Outcome = 'finished' | 'continue-as-new';

/** What every step of one workflow run works with. */
interface ImportRun {
  state: ImportRunState;
  activities: ReturnType<typeof importActivities>;
  options: ResolvedImportOptions;
}

/**
 * Historical import of a source: plan administration × year × period partitions, then run their
 * chunks (each pages inside one partition and commits every page with its cursor) with bounded,
 * adjustable concurrency until all are done, continuing as new before the history grows large;
 * finish. Resumable (state in PostgreSQL), pausable, cancellable. Workflow id `afas-import/<source>`.
 */
export async function historicalImport(input: HistoricalImportInput): Promise<ImportResult> {
  const problem =
    typeof input.source === 'string' && input.source !== ''
      ? importOptionsProblem(input)
      : 'source is required';
  if (problem)
    throw ApplicationFailure.nonRetryable(
      `invalid historical import input: ${problem}`,
      FailureType.InvalidImportInput,
    );
  const options = resolveImportOptions(input);
  const run: ImportRun = {
    state: new ImportRunState(input, options),
    activities: importActivities(options),
    options,
  };
  handleOperators(run.state);

  let outcome: Outcome;
  try {
    if (!input.carried) await plan(run);
    outcome = await importPartitions(run);
  } catch (error) {
    if (isCancellation(error)) {
      await CancellationScope.nonCancellable(() => cancelled(run));
      throw error;
    }
    return failed(run, error);
  }
  if (outcome === 'finished') return completed(run);

  await condition(allHandlersFinished);
  log.info('historical import continues as new', {
    source: input.source,
    importId: run.state.progress.importId,
    historyLength: workflowInfo().historyLength,
  });
  return continueAsNew<typeof historicalImport>({ ...input, carried: run.state.carried() });
}

/** Opens (or resumes) the import, waits for a running sync, finds administrations, plans partitions. */
async function plan({ state, activities, options }: ImportRun) {
  const { progress } = state;
  const { source } = progress;
  const info = workflowInfo();
  state.setPhase('planning');
  const runId = uuid4();
  progress.runId = runId;
  const begun = await activities.bookkeeping.beginImport.executeWithOptions(
    { summary: `begin import ${yearsLabel(options.fromYear, options.toYear)}` },
    [
      {
        source,
        newImportId: uuid4(),
        runId,
        workflowId: info.workflowId,
        workflowRunId: info.runId,
        fromYear: options.fromYear,
        toYear: options.toYear,
        datasets: options.datasets,
        options: { ...partitionRunOptions(options), maxConcurrency: options.maxConcurrency },
      },
    ],
  );
  progress.importId = begun.importId;
  progress.toYear = begun.toYear;
  progress.datasets = begun.datasets;
  if (!state.concurrencyChosen)
    state.setConcurrency(
      Math.min(MAX_IMPORT_CONCURRENCY, options.maxConcurrency ?? begun.sourceMaxConcurrency),
    );
  progress.startWatermark = begun.startWatermark;
  state.attempt.rows = begun.totals.rows;
  state.merge(begun.totals);
  log.info('historical import planning', { source, importId: begun.importId, resumed: begun.resumed });
  // From here on syncs of this source skip; one that was already running is waited for.
  const waited = await activities.syncWait.importAwaitSyncs.executeWithOptions(
    { summary: 'wait for a running sync' },
    [{ source, importId: begun.importId, maxWaitSeconds: options.syncWaitSeconds }],
  );
  if (waited.stillRunning > 0)
    state.noteError(
      null,
      `${waited.stillRunning} sync(s) still recorded as running after ${waited.waitedSeconds} s; importing anyway`,
    );
  let administrations = begun.administrations;
  if (administrations.length === 0) {
    const discovered = await activities.afas.discoverAdministrations.executeWithOptions(
      { summary: 'administrations' },
      [{ source, runId }],
    );
    administrations = discovered.administrations;
  }
  const planned = await activities.afas.planImport.executeWithOptions(
    { summary: `plan import · ${administrationsLabel(administrations)}` },
    [
      {
        source,
        importId: begun.importId,
        runId,
        administrations,
        requestsPerMinute: options.requestsPerMinute,
      },
    ],
  );
  progress.administrations = planned.administrations;
  progress.startWatermark = planned.startWatermark;
  state.merge(planned.totals);
}

/** Dispatches partition chunks with the current concurrency until done, or due to continue as new. */
async function importPartitions(run: ImportRun): Promise<Outcome> {
  const { state, activities, options } = run;
  const { dispatcher, progress } = state;
  const importId = importIdOf(state);
  state.setPhase('importing');
  const stopping = () => state.fatal !== undefined || continueAsNewDue(options);
  for (;;) {
    await condition(() => stopping() || dispatcher.next(progress.paused).kind !== 'wait');
    if (stopping()) break;
    const step = dispatcher.next(progress.paused);
    if (step.kind === 'finished') break;
    if (step.kind === 'fetch') {
      const batch = await activities.bookkeeping.importPartitionsToRun.executeWithOptions(
        { summary: step.afterSeq < 0 ? 'partitions to run' : `partitions to run after #${step.afterSeq}` },
        [{ importId, afterSeq: step.afterSeq, limit: BATCH }],
      );
      state.merge(batch.totals);
      dispatcher.received(batch.partitions);
      continue;
    }
    if (step.kind === 'start') {
      const { ref, chunk } = dispatcher.start(new Date().toISOString());
      void runChunk(run, ref, chunk);
    }
  }
  await condition(() => dispatcher.idle);
  if (state.fatal !== undefined) throw state.fatal.error;
  return dispatcher.finished ? 'finished' : 'continue-as-new';
}

/** One chunk of one partition; a partition not done goes back to the front of the queue. */
async function runChunk(
  { state, activities, options }: ImportRun,
  ref: PartitionRef,
  chunk: number,
): Promise<void> {
  const { source } = state.progress;
  const importId = importIdOf(state);
  let more = false;
  try {
    const result = await activities.afas.importPartition.executeWithOptions(
      { summary: chunkSummary(ref.key, chunk) },
      [
        {
          source,
          importId,
          runId: runIdOf(state),
          key: ref.key,
          options: partitionRunOptions(options),
        },
      ],
    );
    more = !result.done;
    state.merge(result.totals);
  } catch (error) {
    if (isCancellation(error)) return;
    const type = failureTypeOf(error);
    const summary = summarizeFailure(error);
    state.noteError(ref.key, summary.message);
    if (isAuthFailure(error) || (type !== undefined && isImportFatal(type))) {
      state.fatal ??= { error };
      return;
    }
    log.warn('partition failed', { source, partition: ref.key, error: summary.message });
    try {
      await activities.bookkeeping.importPartitionFailed.executeWithOptions(
        { summary: `record failure · ${chunkSummary(ref.key, chunk)}` },
        [{ importId, key: ref.key, ...summary }],
      );
      state.partitionFailed();
    } catch (recordError) {
      if (!isCancellation(recordError)) state.fatal ??= { error: recordError };
    }
  } finally {
    state.dispatcher.ended(ref, more);
    state.refresh();
  }
}

function finish(
  { state, activities }: ImportRun,
  outcome: 'completed' | 'cancelled' | 'aborted',
  error: string | null,
) {
  return activities.bookkeeping.finishImport.executeWithOptions({ summary: `finish import · ${outcome}` }, [
    {
      source: state.progress.source,
      importId: state.progress.importId,
      runId: runIdOf(state),
      outcome,
      error,
    },
  ]);
}

/** Closes the import as completed: succeeded, or partial when some partitions failed. */
async function completed(run: ImportRun): Promise<ImportResult> {
  const { state } = run;
  const { progress } = state;
  state.setPhase('finishing');
  let ledger: LedgerSummary | undefined;
  // Prove the imported years against AFAS's period balances (issue 18); histories from before
  // this patch closed the import right away.
  if (patched('prove-ledger')) {
    try {
      ledger = await proveImport(run.state, run.activities, runIdOf(run.state));
    } catch (error) {
      // proveCopy and the reloads rethrow only a cancellation.
      await CancellationScope.nonCancellable(() => cancelled(run));
      throw error;
    }
  }
  const closed = await finish(run, 'completed', null);
  state.merge(closed.totals);
  progress.status = closed.runStatus === 'cancelled' ? 'failed' : closed.runStatus;
  state.setPhase(closed.status === 'succeeded' ? 'done' : 'failed');
  await condition(allHandlersFinished);
  return {
    importId: progress.importId,
    runId: runIdOf(state),
    status:
      closed.runStatus === 'succeeded' ? 'succeeded' : closed.runStatus === 'partial' ? 'partial' : 'failed',
    partitions: closed.totals,
    rows: closed.totals.rows,
    watermark: closed.watermark,
    workflowRuns: progress.workflowRuns,
    ...(closed.status === 'succeeded'
      ? {}
      : { error: `${closed.totals.failed} partition(s) failed; start the import again to retry them` }),
    ...(ledger ? { ledger } : {}),
  };
}

/** After a cancel: once running chunks have stopped, closes the import as cancelled. */
async function cancelled(run: ImportRun): Promise<void> {
  const { state } = run;
  await condition(() => state.dispatcher.idle);
  if (state.progress.runId !== null) await finish(run, 'cancelled', 'cancelled by request');
  state.progress.status = 'cancelled';
  state.setPhase('cancelled');
}

/** Closes the import as aborted and says why; the partitions done so far stay done. */
async function failed(run: ImportRun, error: unknown): Promise<ImportResult> {
  const { state } = run;
  const { progress } = state;
  const summary = summarizeFailure(error);
  state.noteError(null, summary.message);
  log.error('historical import failed', {
    source: progress.source,
    importId: progress.importId,
    error: summary.message,
  });
  const closed = progress.runId !== null ? await finish(run, 'aborted', summary.message) : null;
  if (closed) state.merge(closed.totals);
  progress.status = 'failed';
  state.setPhase('failed');
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

function continueAsNewDue(options: ResolvedImportOptions): boolean {
  const current = workflowInfo();
  return (
    current.continueAsNewSuggested ||
    (options.continueAsNewAfterEvents !== null && current.historyLength >= options.continueAsNewAfterEvents)
  );
}

function isImportFatal(type: string): boolean {
  return IMPORT_FATAL_FAILURES.some((fatal) => fatal === type);
}

function importIdOf(state: ImportRunState): string {
  if (state.progress.importId === null) throw new Error('import not planned yet');
  return state.progress.importId;
}

function runIdOf(state: ImportRunState): string {
  if (state.progress.runId === null) throw new Error('import run not opened yet');
  return state.progress.runId;
}
