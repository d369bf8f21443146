import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import { classifyAfasError } from '../afas/classify.js';
import { AfasUsageError } from '../afas/errors.js';
import { where, type FilterCondition } from '../afas/filters.js';
import {
  changedDaysConnectorId,
  connectorIdFor,
  dataset as datasetByName,
  requiredConnectorIds,
  type DatasetName,
} from '../catalog/index.js';
import type { ResolvedDataset } from '../db/dataset-schema.js';
import { inTransaction } from '../db/pool.js';
import type { SourceRecord } from '../db/sources.js';
import { TokenCryptoError } from '../db/token-crypto.js';
import { latestWallTime } from '../codec/index.js';
import { AfasSession } from './afas-session.js';
import {
  type DatasetScope,
  orderFor,
  prepareDataset,
  replaceScope,
  datasetSyncContext,
  type DatasetSyncContext,
} from './dataset-sync.js';
import { toApplicationFailure } from './failures.js';
import type { ActivityDeps } from './deps.js';
import type {
  AdvanceWatermarkInput,
  BeginRunInput,
  ChangedDay,
  ChangedDaysPlan,
  CheckSourceResult,
  DatasetCounts,
  DatasetFailureInput,
  DatasetTask,
  DiscoverResult,
  FinishRunInput,
  PlanChangedDaysInput,
  ReplaceDaysInput,
  RunRef,
  SourceSettings,
} from './types.js';

const DAY_MS = 86_400_000;

/**
 * The filter that reads a batch of booking days of one administration: one date range when the
 * days are dense (fewer, cheaper requests; rows of unlisted days in between are current data and
 * are upserted like any other), else one OR group per day.
 */
export function dayFilterGroups(
  adminField: string,
  entryField: string,
  administration: number,
  days: readonly ChangedDay[],
): FilterCondition[][] {
  const sorted = days.map((entry) => entry.day).sort();
  const first = sorted[0];
  const last = sorted[sorted.length - 1];
  if (first !== undefined && last !== undefined && sorted.length > 2) {
    const span = (Date.parse(`${last}T00:00:00Z`) - Date.parse(`${first}T00:00:00Z`)) / DAY_MS + 1;
    if (sorted.length / span >= 0.5) {
      return [
        [
          where.eq(adminField, administration),
          where.gte(entryField, `${first}T00:00:00`),
          where.lte(entryField, `${last}T00:00:00`),
        ],
      ];
    }
  }
  return sorted.map((day) => [where.eq(adminField, administration), where.eq(entryField, `${day}T00:00:00`)]);
}

/** Subtracts minutes from an AFAS wall-clock string (naive wall arithmetic: an overlap, not an instant). */
export function wallMinus(wall: string, minutes: number): string {
  const ms = Date.parse(`${wall.slice(0, 19)}Z`) - minutes * 60_000;
  return new Date(ms).toISOString().slice(0, 19);
}

function chunk<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let index = 0; index < items.length; index += size) out.push(items.slice(index, index + size));
  return out;
}

/**
 * The sync saga's activities. Each fetches from AFAS and writes to PostgreSQL in one step and
 * returns counts only; rows never travel through Temporal.
 */
export function createSyncActivities(deps: ActivityDeps) {
  /** Runs an activity body with an AFAS session; maps errors to the retry matrix. */
  async function withSession<T>(
    sourceName: string,
    work: (session: AfasSession, source: SourceRecord) => Promise<T>,
  ): Promise<T> {
    const context = Context.current();
    const source = await deps.sources.get(sourceName).catch((error: unknown) => {
      throw toApplicationFailure(error, failureContext(context));
    });
    let api;
    try {
      api = await deps.clients.open(source);
    } catch (error) {
      // A token no configured key opens, a token of the wrong shape, a base URL the client
      // refuses: the operator must fix the source; no AFAS call was made and none will help.
      if (error instanceof TokenCryptoError || error instanceof AfasUsageError) {
        await deps.sources.markNeedsAttention(sourceName, error.message);
        deps.logger.warn({ source: sourceName, error: error.message }, 'source needs attention');
      }
      throw toApplicationFailure(error, failureContext(context));
    }
    const session = new AfasSession(api, deps.settings.inlineRetry, context.cancellationSignal, () =>
      context.heartbeat(),
    );
    try {
      return await work(session, source);
    } catch (error) {
      const classification = classifyAfasError(error);
      if (classification.class === 'auth') {
        const message = error instanceof Error ? error.message : 'AFAS refused the token';
        await deps.sources.markNeedsAttention(sourceName, message);
        deps.logger.warn({ source: sourceName, error: message }, 'source needs attention');
      }
      throw toApplicationFailure(error, failureContext(context));
    } finally {
      deps.metrics?.recordAfasCalls(sourceName, session.calls, session.retries);
    }
  }

  function failureContext(context: Context) {
    return {
      attempt: context.info.attempt,
      firstScheduledMs: context.info.scheduledTimestampMs,
      nowMs: Date.now(),
      schedule: deps.settings.retrySchedule,
    };
  }

  function syncContext(session: AfasSession, source: string, runId: string): DatasetSyncContext {
    const context = Context.current();
    return datasetSyncContext(deps, session, source, runId, (details) => context.heartbeat(details));
  }

  function scopeOf(source: SourceRecord, dataset: DatasetName, administration: number): DatasetScope {
    const definition = datasetByName(dataset);
    return { definition, connectorId: connectorIdFor(definition, source), administration };
  }

  function countRows(counts: DatasetCounts, dataset: string) {
    deps.metrics?.recordRows(dataset, counts);
    return counts;
  }

  return {
    async sourceSettings({ source }: RunRef): Promise<SourceSettings> {
      const record = await deps.sources.get(source);
      return {
        maxConcurrency: record.maxConcurrency,
        status: record.status,
        syncIntervalSeconds: record.syncIntervalSeconds,
      };
    },

    async beginRun(input: BeginRunInput): Promise<void> {
      await deps.runs.start(input);
    },

    /** The "Confirm" step: token accepted, every required GetConnector in the App connector. */
    async checkSource({ source }: RunRef): Promise<CheckSourceResult> {
      return withSession(source, async (session, record) => {
        const meta = await session.metainfo();
        const present = new Set(meta.getConnectors.map((connector) => connector.id));
        const missing = requiredConnectorIds(record).filter((id) => !present.has(id));
        const appName = meta.info?.appName ?? null;
        const message = missing.length
          ? `the App connector${appName ? ` "${appName}"` : ''} lacks GetConnector(s) ${missing.join(', ')}; ` +
            'add them in AFAS Profit (General > Management > App connectors > GetConnectors), then run `afas-sync source test ' +
            `${source}\``
          : null;
        await deps.sources.markChecked(source, message ? { ok: false, reason: message } : { ok: true });
        return {
          ok: missing.length === 0,
          environmentName: meta.info?.envid ?? null,
          appName,
          missingConnectors: missing,
          message,
        };
      });
    },

    /** Reloads `<prefix>_Administrations` and returns the administrations the customer exposes. */
    async discoverAdministrations({ source, runId }: RunRef): Promise<DiscoverResult> {
      return withSession(source, async (session, record) => {
        const ctx = syncContext(session, source, runId);
        const scope = scopeOf(record, 'administrations', 0);
        const resolved = await prepareDataset(ctx, scope);
        const keyField = resolved.keyFields[0] as string;
        const outcome = await replaceScope(ctx, scope, resolved, { collectKey: keyField });
        const ids = [
          ...new Set(
            outcome.keys.filter((key): key is number => typeof key === 'number' && Number.isInteger(key)),
          ),
        ].sort((a, b) => a - b);
        await deps.state.setAdministrations(
          deps.pool,
          source,
          ids.map((id) => ({ id, name: null })),
        );
        return { administrations: ids, counts: countRows(outcome.counts, 'administrations') };
      });
    },

    /** Master data: full reload, or modified-since-watermark with a periodic full reconcile. */
    async syncDataset(task: DatasetTask): Promise<DatasetCounts> {
      return withSession(task.source, async (session, record) => {
        const ctx = syncContext(session, task.source, task.runId);
        const scope = scopeOf(record, task.dataset, task.administration);
        const resolved = await prepareDataset(ctx, scope);
        const definition = scope.definition;
        if (definition.strategy === 'full-reload') {
          return countRows((await replaceScope(ctx, scope, resolved)).counts, task.dataset);
        }
        if (definition.strategy !== 'modified-watermark' || !resolved.modifiedField) {
          throw ApplicationFailure.nonRetryable(
            `dataset ${task.dataset} is not synced by syncDataset`,
            'AfasClientBug',
          );
        }
        return countRows(await syncModified(ctx, scope, resolved, resolved.modifiedField), task.dataset);
      });
    },

    /** Reads the changed booking days and decides, per administration, which days to replace. */
    async planChangedDays(input: PlanChangedDaysInput): Promise<ChangedDaysPlan> {
      return withSession(input.source, async (session, record) => {
        const definition = datasetByName(input.dataset);
        const changed = definition.changedDays;
        const connectorId = changedDaysConnectorId(definition, record);
        if (!changed || !connectorId)
          throw ApplicationFailure.nonRetryable(
            `dataset ${input.dataset} has no changed-days connector`,
            'AfasClientBug',
          );
        const states = await deps.state.all(deps.pool, input.source, input.dataset);
        const watermarks = input.administrations.map((admin) => states.get(admin)?.watermark ?? null);
        const overlap = deps.settings.watermarkOverlapMinutes;
        const from = watermarks.includes(null)
          ? null
          : (watermarks as string[]).reduce((a, b) => (a < b ? a : b));
        const filter = from
          ? { groups: [[where.gte(changed.modifiedField, wallMinus(from, overlap))]] }
          : undefined;
        const latest = new Map<string, string>();
        let newWatermark: string | null = null;
        for await (const page of session.pages(connectorId, {
          orderBy: [changed.dayField],
          columns: 2,
          ...(filter ? { filter } : {}),
        })) {
          for (const row of page.parse()) {
            const day = row[changed.dayField];
            const modified = row[changed.modifiedField];
            if (
              typeof day !== 'string' ||
              typeof modified !== 'string' ||
              day.length < 10 ||
              modified.length < 19
            ) {
              throw ApplicationFailure.nonRetryable(
                `connector ${connectorId} returned a row without a valid ${changed.dayField}/${changed.modifiedField}: ${JSON.stringify(row).slice(0, 200)}`,
                'AfasData',
              );
            }
            const key = day.slice(0, 10);
            const stamp = modified.slice(0, 19);
            if ((latest.get(key) ?? '') < stamp) latest.set(key, stamp);
          }
          newWatermark = latestWallTime(page, changed.modifiedField, newWatermark);
          Context.current().heartbeat({ skip: page.skip + page.rowCount });
        }
        const days = [...latest.entries()]
          .map(([day, modified]) => ({ day, modified }))
          .sort((a, b) => (a.day < b.day ? -1 : 1));
        const administrations: ChangedDaysPlan['administrations'] = [];
        for (const [index, administration] of input.administrations.entries()) {
          const watermark = watermarks[index] ?? null;
          const since = watermark ? wallMinus(watermark, overlap) : null;
          const candidates = since ? days.filter((entry) => entry.modified >= since) : days;
          const done = await deps.changedDays.done(
            deps.pool,
            input.source,
            input.dataset,
            administration,
            candidates.map((entry) => entry.day),
          );
          const todo = candidates.filter((entry) => done.get(entry.day) !== entry.modified);
          administrations.push({
            administration,
            // A long list (a first sync, a big backlog) is mostly contiguous days: bigger batches,
            // each read as one date range.
            batches: chunk(
              todo,
              todo.length > 200 ? deps.settings.daysPerBatch * 3 : deps.settings.daysPerBatch,
            ),
            dayCount: todo.length,
          });
        }
        return { administrations, newWatermark: newWatermark ?? from, afasCalls: session.calls };
      });
    },

    /** Re-fetches booking days of one administration and replaces them in one transaction. */
    async replaceDays(input: ReplaceDaysInput): Promise<DatasetCounts> {
      return withSession(input.source, async (session, record) => {
        const ctx = syncContext(session, input.source, input.runId);
        const scope = scopeOf(record, input.dataset, input.administration);
        const resolved = await prepareDataset(ctx, scope);
        return countRows(await replaceDays(ctx, scope, resolved, input.days), input.dataset);
      });
    },

    /** Called once every changed day of an administration is replaced: moves its watermark, closes its entry. */
    async advanceWatermark(input: AdvanceWatermarkInput): Promise<void> {
      const record = await deps.sources.get(input.source);
      const connectorId = connectorIdFor(datasetByName(input.dataset), record);
      await inTransaction(deps.pool, async (client) => {
        await deps.state.put(client, input, { watermark: input.watermark, runId: input.runId });
        await deps.runs.finishDataset(client, { ...input, connectorId }, { status: 'succeeded' });
      });
    },

    async recordDatasetFailure(input: DatasetFailureInput): Promise<void> {
      const record = await deps.sources.find(input.source);
      const definition = datasetByName(input.dataset);
      await deps.runs.finishDataset(
        deps.pool,
        {
          runId: input.runId,
          dataset: input.dataset,
          administration: input.administration,
          connectorId: record ? connectorIdFor(definition, record) : definition.connector,
        },
        {
          status: 'failed',
          error: input.message,
          errorClass: input.errorClass,
          profitLogReference: input.profitLogReference,
        },
      );
    },

    async finishRun(input: FinishRunInput): Promise<void> {
      await deps.runs.finish(input.runId, { status: input.status, error: input.error });
      if (input.markSuccess) await deps.sources.markSuccess(input.source, new Date());
      deps.metrics?.recordRunFinished(input.source, input.status, input.markSuccess ? new Date() : undefined);
    },
  };

  async function syncModified(
    ctx: DatasetSyncContext,
    scope: DatasetScope,
    resolved: ResolvedDataset,
    modifiedField: string,
  ): Promise<DatasetCounts> {
    const key = { source: ctx.source, dataset: scope.definition.name, administration: scope.administration };
    const state = await deps.state.get(deps.pool, ctx.source, scope.definition.name, scope.administration);
    const every = scope.definition.reconcileEveryRuns ?? 1;
    const reconcile = state.watermark === null || state.runsSinceReconcile + 1 >= every;
    const extraFilter: FilterCondition[] = reconcile
      ? []
      : [
          where.gte(
            modifiedField,
            wallMinus(state.watermark as string, deps.settings.watermarkOverlapMinutes),
          ),
        ];
    const outcome = await replaceScope(ctx, scope, resolved, {
      extraFilter,
      markDeleted: reconcile ? {} : false,
      onCommit: async (client, result) => {
        const watermark =
          [state.watermark, result.latestModified]
            .filter((w): w is string => w !== null)
            .sort()
            .pop() ?? null;
        await deps.state.put(client, key, {
          watermark,
          runsSinceReconcile: reconcile ? 0 : state.runsSinceReconcile + 1,
          runId: ctx.runId,
        });
      },
    });
    return outcome.counts;
  }

  async function replaceDays(
    ctx: DatasetSyncContext,
    scope: DatasetScope,
    resolved: ResolvedDataset,
    days: readonly ChangedDay[],
  ): Promise<DatasetCounts> {
    const entryField = resolved.entryDateField as string;
    const adminField = resolved.administrationField as string;
    const outcome = await replaceScope(ctx, scope, resolved, {
      groups: dayFilterGroups(adminField, entryField, scope.administration, days),
      orderBy: [entryField, ...orderFor(resolved)],
      markDeleted: { entryDays: days.map((d) => d.day) },
      // The administration's entry stays open until its watermark moves (advanceWatermark).
      finishEntry: false,
      onCommit: (client) =>
        deps.changedDays.record(
          client,
          { source: ctx.source, dataset: scope.definition.name, administration: scope.administration },
          days,
        ),
    });
    return outcome.counts;
  }
}

export type SyncActivities = ReturnType<typeof createSyncActivities>;
