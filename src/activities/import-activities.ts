// Activities of the historical import. Each fetches from AFAS and writes to PostgreSQL in one
// step and returns counts only; the partition state lives in `imports` / `import_partitions`.
import { setTimeout as sleep } from 'node:timers/promises';
import { Context } from '@temporalio/activity';
import { ApplicationFailure, CancelledFailure } from '@temporalio/common';
import { classifyAfasError } from '../afas/classify.js';
import {
  changedDaysConnectorId,
  connectorIdFor,
  dataset as datasetByName,
  DATASETS,
  type DatasetName,
} from '../catalog/index.js';
import { ImportNotFoundError, ImportStore, PartitionConflictError } from '../db/import-state.js';
import { ident, inTransaction } from '../db/pool.js';
import type { SourceRecord } from '../db/sources.js';
import { AfasSession } from './afas-session.js';
import { datasetSyncContext, prepareDataset, type DatasetSyncContext } from './dataset-sync.js';
import type { ActivityDeps } from './deps.js';
import { toApplicationFailure } from './failures.js';
import { Pacer } from './import/pacer.js';
import { runPartitionChunk } from './import/partition-runner.js';
import { planPartitions } from './import/partitions.js';
import { latestChange, listPeriods } from './import/planning.js';
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

/** Datasets a historical import can load: administration-scoped, with year/period partition fields. */
export function importableDatasets(): DatasetName[] {
  return DATASETS.filter(
    (definition) => definition.historyPartition && definition.scope === 'administration',
  ).map((d) => d.name);
}

/** Europe/Amsterdam wall time of the database clock, `YYYY-MM-DDTHH:MM:SS`: the stand-in for AFAS's "now". */
async function amsterdamNow(deps: ActivityDeps): Promise<string> {
  const result = await deps.pool.query<{ now: string }>(
    `SELECT to_char(now() AT TIME ZONE 'Europe/Amsterdam', 'YYYY-MM-DD"T"HH24:MI:SS') AS now`,
  );
  return (result.rows[0] as { now: string }).now;
}

export function createImportActivities(deps: ActivityDeps) {
  const store = new ImportStore(deps.pool, deps.schema);

  function failureContext(context: Context) {
    return {
      attempt: context.info.attempt,
      firstScheduledMs: context.info.scheduledTimestampMs,
      nowMs: Date.now(),
      schedule: deps.settings.retrySchedule,
    };
  }

  /** Maps an activity error to the retry matrix; a cancelled activity reports as cancelled. */
  function toFailure(error: unknown, context: Context): Error {
    if (context.cancellationSignal.aborted) {
      const reason: unknown = context.cancellationSignal.reason;
      return reason instanceof CancelledFailure ? reason : new CancelledFailure('activity cancelled');
    }
    if (error instanceof PartitionConflictError)
      return ApplicationFailure.retryable(error.message, 'ImportPartitionConflict');
    if (error instanceof ImportNotFoundError)
      return ApplicationFailure.nonRetryable(error.message, 'ImportNotFound');
    return toApplicationFailure(error, failureContext(context));
  }

  /**
   * Runs an activity body with an AFAS session for the source, heartbeating in the background
   * (a slow AFAS request must not look like a dead worker) with the latest progress details.
   */
  async function withSession<T>(
    sourceName: string,
    work: (
      session: AfasSession,
      source: SourceRecord,
      heartbeat: (details?: Record<string, unknown>) => void,
    ) => Promise<T>,
  ): Promise<T> {
    const context = Context.current();
    let details: Record<string, unknown> | undefined;
    const heartbeat = (next?: Record<string, unknown>) => {
      if (next) details = next;
      context.heartbeat(details);
    };
    const every = Math.max(200, Math.min(10_000, (context.info.heartbeatTimeoutMs ?? 30_000) / 3));
    const timer = setInterval(() => heartbeat(), every);
    timer.unref();
    let session: AfasSession | undefined;
    try {
      const source = await deps.sources.get(sourceName);
      const api = await deps.clients.open(source);
      session = new AfasSession(api, deps.settings.inlineRetry, context.cancellationSignal, () =>
        heartbeat(),
      );
      return await work(session, source, heartbeat);
    } catch (error) {
      if (!context.cancellationSignal.aborted && classifyAfasError(error).class === 'auth') {
        const message = error instanceof Error ? error.message : 'AFAS refused the token';
        await deps.sources.markNeedsAttention(sourceName, message).catch(() => undefined);
        deps.logger.warn({ source: sourceName, error: message }, 'source needs attention');
      }
      throw toFailure(error, context);
    } finally {
      clearInterval(timer);
      if (session) deps.metrics?.recordAfasCalls(sourceName, session.calls, session.retries);
    }
  }

  /** DB-only activities: errors are retried by the workflow's policy, cancellation reported as such. */
  async function guarded<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      throw toFailure(error, Context.current());
    }
  }

  function syncContext(session: AfasSession, source: string, runId: string): DatasetSyncContext {
    const context = Context.current();
    return datasetSyncContext(deps, session, source, runId, (details) => context.heartbeat(details));
  }

  return {
    /** The sync saga's coordination check: is an import of this source planning or running? */
    async importRunning({ source }: ImportRunningInput): Promise<ImportRunningResult> {
      return guarded(async () => {
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
      return guarded(async () => {
        const importable = importableDatasets();
        const unknown = input.datasets.filter((name) => !(importable as string[]).includes(name));
        if (unknown.length > 0) {
          throw ApplicationFailure.nonRetryable(
            `dataset(s) ${unknown.join(', ')} cannot be imported by history partitions (importable: ${importable.join(', ')})`,
            'InvalidImportInput',
          );
        }
        const source = await deps.sources.get(input.source);
        const toYear = input.toYear ?? Number((await amsterdamNow(deps)).slice(0, 4));
        if (toYear < input.fromYear) {
          throw ApplicationFailure.nonRetryable(
            `toYear ${toYear} is before fromYear ${input.fromYear}`,
            'InvalidImportInput',
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
      return guarded(async () => {
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
      return withSession(input.source, async (session, source, heartbeat) => {
        const context = Context.current();
        const pacer = new Pacer(
          store,
          input.importId,
          input.requestsPerMinute,
          context.cancellationSignal,
          () => heartbeat(),
        );
        const record = await store.get(input.importId);
        let startWatermark = record.startWatermark;
        if (startWatermark === null) {
          const changed = record.datasets
            .map((name) => datasetByName(name as DatasetName))
            .find((definition) => definition.changedDays);
          const connectorId = changed ? changedDaysConnectorId(changed, source) : undefined;
          const latest =
            changed?.changedDays && connectorId
              ? await latestChange(session, pacer, connectorId, changed.changedDays.modifiedField)
              : null;
          startWatermark = await store.setStartWatermark(
            input.importId,
            latest ?? (await amsterdamNow(deps)),
          );
        }
        const planned = new Set(await store.plannedAdministrations(input.importId));
        const todo = input.administrations.filter((administration) => !planned.has(administration));
        let added = 0;
        if (todo.length > 0) {
          const periodsDefinition = datasetByName('periods');
          const periods = await listPeriods(
            session,
            pacer,
            periodsDefinition,
            connectorIdFor(periodsDefinition, source),
            {
              fromYear: record.fromYear,
              toYear: record.toYear,
              administrations: todo,
            },
          );
          const specs = planPartitions({
            datasets: record.datasets,
            administrations: todo,
            fromYear: record.fromYear,
            toYear: record.toYear,
            periodsOf: (administration, year) => periods.get(`${administration}/${year}`) ?? [],
          });
          added = await store.addPartitions(input.importId, specs);
        } else {
          await store.addPartitions(input.importId, []);
        }
        return {
          startWatermark,
          addedPartitions: added,
          administrations: [...new Set([...planned, ...input.administrations])].sort((a, b) => a - b),
          totals: await store.totals(input.importId),
          afasCalls: session.calls,
        };
      });
    },

    async importPartitionsToRun(input: PartitionsToRunInput): Promise<PartitionsToRunResult> {
      return guarded(async () => {
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
      return withSession(input.source, async (session, source, heartbeat) => {
        const context = Context.current();
        const partition = await store.claim(input.importId, input.key);
        if (!partition) throw new ImportNotFoundError(`${input.importId} (partition ${input.key})`);
        if (partition.status === 'done')
          return { key: input.key, done: true, ...zero, totals: await store.totals(input.importId) };
        await store.touch(input.importId);
        const definition = datasetByName(partition.dataset as DatasetName);
        const scope = {
          definition,
          connectorId: connectorIdFor(definition, source),
          administration: partition.administration,
        };
        const resolved = await prepareDataset(syncContext(session, input.source, input.runId), scope);
        heartbeat({ partition: input.key, pages: partition.pages, cursor: partition.cursor });
        try {
          const outcome = await runPartitionChunk(
            {
              pool: deps.pool,
              schema: deps.schema,
              store,
              runs: deps.runs,
              session,
              pacer: new Pacer(
                store,
                input.importId,
                input.options.requestsPerMinute,
                context.cancellationSignal,
                () => heartbeat(),
              ),
              signal: context.cancellationSignal,
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
          if (!context.cancellationSignal.aborted) {
            const failure = toFailure(error, context);
            const classification =
              failure instanceof ApplicationFailure ? (failure.type ?? 'Unexpected') : failure.name;
            await store
              .recordError(
                input.importId,
                input.key,
                {
                  message: failure.message,
                  errorClass: classification,
                  profitLogReference: profitLogReference(failure),
                },
                { fail: false },
              )
              .catch(() => undefined);
          }
          throw error;
        }
      });
    },

    /** The workflow gave up on a partition (non-retryable error): failed, with the reason. */
    async importPartitionFailed(input: PartitionFailedInput): Promise<void> {
      return guarded(() =>
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
      return guarded(async () => {
        const importId = input.importId ?? (await findByRun(input.source, input.runId));
        const empty = { total: 0, pending: 0, running: 0, done: 0, failed: 0, rows: 0, pages: 0 };
        if (importId === null) {
          const status = input.outcome === 'cancelled' ? 'cancelled' : 'failed';
          await deps.runs.finish(input.runId, { status, error: input.error });
          return {
            importId: null,
            status,
            runStatus: status,
            totals: empty,
            watermark: null,
            watermarkAdministrations: [],
          };
        }
        const record = await store.get(importId);
        const source = await deps.sources.get(input.source);
        const totals = await store.totals(importId);
        const outcomes = await store.administrationOutcomes(importId);
        const complete = input.outcome === 'completed' && totals.failed === 0 && totals.done === totals.total;
        const status: FinishImportResult['status'] =
          input.outcome === 'cancelled' ? 'cancelled' : complete ? 'succeeded' : 'failed';
        const watermarkAdministrations: number[] = [];
        let watermark: string | null = null;
        if (input.outcome === 'completed' && record.startWatermark !== null) {
          for (const outcome of outcomes) {
            const definition = datasetByName(outcome.dataset as DatasetName);
            if (!definition.changedDays || outcome.done !== outcome.total) continue;
            const start = record.startWatermark;
            await inTransaction(deps.pool, async (client) => {
              const key = {
                source: input.source,
                dataset: outcome.dataset,
                administration: outcome.administration,
              };
              const current = await deps.state.get(client, key.source, key.dataset, key.administration);
              // An older watermark stays: the sync then re-reads from there, which covers the import's start too.
              const next =
                current.watermark !== null && current.watermark < start ? current.watermark : start;
              await deps.state.put(client, key, { watermark: next, runId: input.runId });
              watermark = next;
            });
            watermarkAdministrations.push(outcome.administration);
          }
        }
        const error = input.error ?? (totals.failed > 0 ? `${totals.failed} partition(s) failed` : null);
        for (const outcome of outcomes) {
          const definition = datasetByName(outcome.dataset as DatasetName);
          const finished = outcome.done === outcome.total;
          await deps.runs.finishDataset(
            deps.pool,
            {
              runId: input.runId,
              dataset: outcome.dataset,
              administration: outcome.administration,
              connectorId: connectorIdFor(definition, source),
            },
            {
              status: finished ? 'succeeded' : input.outcome === 'cancelled' ? 'cancelled' : 'failed',
              error: finished ? null : outcome.failed > 0 ? `${outcome.failed} partition(s) failed` : error,
            },
          );
        }
        const runStatus: FinishImportResult['runStatus'] =
          status === 'succeeded'
            ? 'succeeded'
            : status === 'cancelled'
              ? 'cancelled'
              : totals.done > 0
                ? 'partial'
                : 'failed';
        await deps.runs.finish(input.runId, {
          status: runStatus,
          error: status === 'succeeded' ? null : error,
          details: {
            importId,
            partitions: totals,
            startWatermark: record.startWatermark,
            watermarkAdministrations,
          },
        });
        await store.finish(importId, { status, error: status === 'succeeded' ? null : error });
        if (totals.rows > 0) await analyzeImported(outcomes.map((outcome) => outcome.dataset));
        deps.logger.info(
          { source: input.source, importId, status, rows: totals.rows, partitions: totals },
          'historical import attempt finished',
        );
        return { importId, status, runStatus, totals, watermark, watermarkAdministrations };
      });
    },
  };

  /**
   * Refreshes the planner's statistics of the tables an import filled. Autovacuum gets there
   * eventually, but until it does the planner sees a near-empty table and the next syncs' plans
   * can be badly wrong. Only the columns the syncs' own statements select on: a third of the time
   * of a full ANALYZE at 1M journal lines (0.2 against 0.63 s; the raw jsonb is the costly part),
   * and a column list leaves the table's change counter alone, so autovacuum still analyses all
   * of it for reporting queries. Best effort: the data is committed either way.
   */
  async function analyzeImported(datasets: readonly string[]): Promise<void> {
    for (const dataset of new Set(datasets)) {
      const columns = [
        '_source',
        '_administration',
        '_entry_day',
        '_deleted_at',
        ...datasetByName(dataset as DatasetName).keyFields,
      ];
      try {
        await deps.pool.query(
          `ANALYZE ${ident(deps.schema)}.${ident(dataset)} (${columns.map(ident).join(', ')})`,
        );
      } catch (error) {
        deps.logger.warn(
          { dataset, error: error instanceof Error ? error.message : String(error) },
          'ANALYZE after the historical import failed; autovacuum will refresh the statistics later',
        );
      }
    }
  }

  async function findByRun(source: string, runId: string): Promise<string | null> {
    const found = (await store.list(source, 50)).find((record) => record.currentRunId === runId);
    return found?.importId ?? null;
  }
}

function profitLogReference(failure: Error): string | null {
  if (!(failure instanceof ApplicationFailure)) return null;
  const details = failure.details?.[0] as { profitLogReference?: unknown } | undefined;
  return typeof details?.profitLogReference === 'string' ? details.profitLogReference : null;
}

export type ImportActivities = ReturnType<typeof createImportActivities>;
