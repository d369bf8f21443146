// Activities of the historical import. Each fetches from AFAS and writes to PostgreSQL in one
// step and returns counts only; the partition state lives in `imports` / `import_partitions`.
import { setTimeout as sleep } from 'node:timers/promises';
import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import { connectorIdFor, importableDatasets, storedDataset } from '../catalog/index.js';
import { ImportNotFoundError, ImportStore } from '../db/import-state.js';
import { FailureType } from '../temporal/failure-types.js';
import { createActivityScope } from './activity-scope.js';
import { prepareDataset } from './dataset-sync.js';
import type { ActivityDeps } from './deps.js';
import { finishImport } from './import/finish.js';
import { Pacer } from './import/pacer.js';
import { runPartitionChunk } from './import/partition-runner.js';
import { amsterdamNow, planImport } from './import/planning.js';
import type {
  AwaitSyncsInput,
  AwaitSyncsResult,
  BeginImportInput,
  BeginImportResult,
  FinishImportInput,
  FinishImportResult,
  ImportPartitionInput,
  ImportPartitionResult,
  ImportRunningInput,
  ImportRunningResult,
  PartitionFailedInput,
  PartitionsToRunInput,
  PartitionsToRunResult,
  PlanImportInput,
  PlanImportResult,
} from './import/types.js';

export type * from './import/types.js';

/** An import whose row has not moved for this long (its workflow was terminated) no longer blocks syncs. */
export const IMPORT_STALE_AFTER_MS = 24 * 60 * 60_000;
/** A sync recorded as running for longer than this is an orphan the import does not wait for. */
const SYNC_ORPHAN_AFTER_MS = 6 * 60 * 60_000;

export function createImportActivities(deps: ActivityDeps) {
  const store = new ImportStore(deps.pool, deps.schema);
  const { withAfas, withDatabase, failureOf, datasetContext } = createActivityScope(deps);

  return {
    /** The sync saga's coordination check: is an import of this source planning or running? */
    async importRunning({ source }: ImportRunningInput): Promise<ImportRunningResult> {
      return withDatabase(async () => {
        const active = await store.active(source, IMPORT_STALE_AFTER_MS);
        if (!active) return { running: false, importId: null, reason: null };
        const totals = await store.totals(active.importId);
        return {
          running: true,
          importId: active.importId,
          reason:
            `historical import ${active.importId} of source ${source} (${active.fromYear}–${active.toYear}) is ${active.status}: ` +
            `${totals.done}/${totals.total} partitions done; syncs resume when it ends`,
        };
      });
    },

    /** Opens the attempt: run log row, import row (resumed when unfinished), known administrations. */
    async beginImport(input: BeginImportInput): Promise<BeginImportResult> {
      return withDatabase(async () => {
        const importable: readonly string[] = importableDatasets();
        const unknown = input.datasets.filter((name) => !importable.includes(name));
        if (unknown.length > 0) {
          throw ApplicationFailure.nonRetryable(
            `dataset(s) ${unknown.join(', ')} cannot be imported by history partitions (importable: ${importable.join(', ')})`,
            FailureType.InvalidImportInput,
          );
        }
        const source = await deps.sources.get(input.source);
        const toYear = input.toYear ?? Number((await amsterdamNow(deps)).slice(0, 4));
        if (toYear < input.fromYear) {
          throw ApplicationFailure.nonRetryable(
            `toYear ${toYear} is before fromYear ${input.fromYear}`,
            FailureType.InvalidImportInput,
          );
        }
        await deps.runs.start({
          runId: input.runId,
          source: input.source,
          kind: 'import',
          workflowId: input.workflowId,
          workflowRunId: input.workflowRunId,
        });
        const { record, resumed } = await store.begin({
          newImportId: input.newImportId,
          source: input.source,
          fromYear: input.fromYear,
          toYear,
          datasets: input.datasets,
          options: input.options,
          workflowId: input.workflowId,
          runId: input.runId,
        });
        deps.logger.info(
          { source: input.source, importId: record.importId, resumed, attempt: record.attempts },
          'historical import attempt started',
        );
        return {
          importId: record.importId,
          // A retry of this activity finds the row it created itself: that is not a resumption.
          resumed: resumed && record.importId !== input.newImportId,
          fromYear: record.fromYear,
          toYear: record.toYear,
          datasets: record.datasets,
          sourceMaxConcurrency: source.maxConcurrency,
          administrations: await deps.state.administrations(deps.pool, input.source),
          startWatermark: record.startWatermark,
          totals: await store.totals(record.importId),
        };
      });
    },

    /** Waits (bounded) for a sync that was already running when the import began to end. */
    async importAwaitSyncs(input: AwaitSyncsInput): Promise<AwaitSyncsResult> {
      return withDatabase(async () => {
        const context = Context.current();
        const started = Date.now();
        for (;;) {
          const running = await store.runningSyncs(input.source, SYNC_ORPHAN_AFTER_MS);
          const waited = (Date.now() - started) / 1000;
          if (running === 0 || waited >= input.maxWaitSeconds) {
            if (running > 0)
              deps.logger.warn(
                { source: input.source, importId: input.importId, running },
                'import proceeds while a sync is recorded as running',
              );
            return { waitedSeconds: Math.round(waited), stillRunning: running };
          }
          await store.touch(input.importId);
          context.heartbeat({ waitingForSyncs: running });
          await sleep(1_000, undefined, { signal: context.cancellationSignal });
        }
      });
    },

    /**
     * Plans partitions for administrations not planned yet (a resumed import keeps its plan) and
     * records the start watermark: the changed-days connector's newest `Modified`, else AFAS now.
     */
    async planImport(input: PlanImportInput): Promise<PlanImportResult> {
      return withAfas(input.source, (afas) => planImport(deps, store, afas, input));
    },

    async importPartitionsToRun(input: PartitionsToRunInput): Promise<PartitionsToRunResult> {
      return withDatabase(async () => {
        await store.touch(input.importId);
        return {
          partitions: await store.toRun(input.importId, input.afterSeq, input.limit),
          totals: await store.totals(input.importId),
        };
      });
    },

    /** Imports (a bounded chunk of) one partition from its committed cursor. */
    async importPartition(input: ImportPartitionInput): Promise<ImportPartitionResult> {
      const zero = { rows: 0, pages: 0, inserted: 0, updated: 0, afasCalls: 0, retries: 0 };
      return withAfas(input.source, async (afas) => {
        const { session, heartbeat, signal } = afas;
        const partition = await store.claim(input.importId, input.key);
        if (!partition) throw new ImportNotFoundError(`${input.importId} (partition ${input.key})`);
        if (partition.status === 'done')
          return { key: input.key, done: true, ...zero, totals: await store.totals(input.importId) };
        await store.touch(input.importId);
        const definition = storedDataset(partition.dataset);
        const scope = {
          definition,
          connectorId: connectorIdFor(definition, afas.source),
          administration: partition.administration,
        };
        const resolved = await prepareDataset(datasetContext(afas, input.runId), scope);
        heartbeat({ partition: input.key, pages: partition.pages, cursor: partition.cursor });
        try {
          const outcome = await runPartitionChunk(
            {
              pool: deps.pool,
              schema: deps.schema,
              store,
              runs: deps.runs,
              session,
              pacer: new Pacer(store, input.importId, input.options.requestsPerMinute, signal, () =>
                heartbeat(),
              ),
              signal,
              source: input.source,
              importId: input.importId,
              runId: input.runId,
              onPage: (details) => heartbeat(details),
              onRows: (counts) => deps.metrics?.recordRows(partition.dataset, counts),
            },
            resolved,
            partition,
            input.options,
          );
          // Two independent round trips, side by side: the next partition waits for this answer.
          const [, totals] = await Promise.all([store.touch(input.importId), store.totals(input.importId)]);
          return {
            key: input.key,
            done: outcome.done,
            rows: outcome.rows,
            pages: outcome.pages,
            inserted: outcome.inserted,
            updated: outcome.updated,
            afasCalls: session.calls,
            retries: session.retries,
            totals,
          };
        } catch (error) {
          if (!signal.aborted) await recordPartitionError(input, failureOf(error));
          throw error;
        }
      });
    },

    /** The workflow gave up on a partition (non-retryable error): failed, with the reason. */
    async importPartitionFailed(input: PartitionFailedInput): Promise<void> {
      return withDatabase(() =>
        store.recordError(
          input.importId,
          input.key,
          {
            message: input.message,
            errorClass: input.errorClass,
            profitLogReference: input.profitLogReference,
          },
          { fail: true },
        ),
      );
    },

    /**
     * Closes the attempt. A completed import moves the journal-line watermark of every fully
     * imported administration to the start watermark (never forward past one already there), so
     * the next incremental sync re-reads everything changed while the import ran.
     */
    async finishImport(input: FinishImportInput): Promise<FinishImportResult> {
      return withDatabase(() => finishImport(deps, store, input));
    },
  };

  /** Notes the error on the partition (still retryable: the workflow decides whether it fails). */
  async function recordPartitionError(input: ImportPartitionInput, failure: Error): Promise<void> {
    const errorClass =
      failure instanceof ApplicationFailure ? (failure.type ?? FailureType.Unexpected) : failure.name;
    await store
      .recordError(
        input.importId,
        input.key,
        { message: failure.message, errorClass, profitLogReference: profitLogReference(failure) },
        { fail: false },
      )
      .catch((error: unknown) =>
        deps.logger.warn(
          {
            importId: input.importId,
            partition: input.key,
            error: error instanceof Error ? error.message : String(error),
          },
          'could not record the partition error',
        ),
      );
  }
}

function profitLogReference(failure: Error): string | null {
  if (!(failure instanceof ApplicationFailure)) return null;
  const details: unknown = failure.details?.[0];
  if (typeof details !== 'object' || details === null || !('profitLogReference' in details)) return null;
  return typeof details.profitLogReference === 'string' ? details.profitLogReference : null;
}

export type ImportActivities = ReturnType<typeof createImportActivities>;
