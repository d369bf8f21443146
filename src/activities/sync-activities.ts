// Activities of the sync saga. Each fetches from AFAS and writes to PostgreSQL in one step and
// returns counts only; rows never travel through Temporal.
import { ApplicationFailure } from '@temporalio/common';
import {
  administrationsDataset,
  connectorIdFor,
  dataset as datasetByName,
  requiredConnectorIds,
  type DatasetDefinition,
  type DatasetName,
} from '../catalog/index.js';
import { inTransaction } from '../db/pool.js';
import { attentionMessage } from '../db/source-status.js';
import type { SourceRecord } from '../db/sources.js';
import { FailureType } from '../temporal/failure-types.js';
import { createActivityScope } from './activity-scope.js';
import { prepareDataset, replaceScope, type DatasetScope } from './dataset-sync.js';
import type { ActivityDeps } from './deps.js';
import { planChangedDays, replaceChangedDays } from './sync/changed-days.js';
import { planDayBatches } from './sync/day-plan.js';
import { syncModified } from './sync/watermark.js';
import type {
  AdvanceWatermarkInput,
  BeginRunInput,
  ChangedDaysPlan,
  CheckSourceResult,
  DatasetCounts,
  DayBatchCounts,
  DayBatchInput,
  DayBatchPlan,
  DatasetFailureInput,
  DiscoverInput,
  DiscoverResult,
  FinishRunInput,
  MasterDataTask,
  PlanChangedDaysInput,
  ReplaceDaysInput,
  RunRef,
  SourceSettings,
} from './types.js';

/** A workflow asked an activity for a dataset of the wrong strategy: a bug, not an AFAS fault. */
function wrongStrategy(dataset: DatasetName, activity: string): ApplicationFailure {
  return ApplicationFailure.nonRetryable(
    `dataset ${dataset} is not synced by ${activity}`,
    FailureType.AfasClientBug,
  );
}

export function createSyncActivities(deps: ActivityDeps) {
  const { withAfas, withDatabase, datasetContext } = createActivityScope(deps);

  function scopeOf(
    source: SourceRecord,
    definition: DatasetDefinition,
    administration: number,
  ): DatasetScope {
    return { definition, connectorId: connectorIdFor(definition, source), administration };
  }

  function countRows(counts: DatasetCounts, dataset: string) {
    deps.metrics?.recordRows(dataset, counts);
    return counts;
  }

  return {
    async sourceSettings({ source }: RunRef): Promise<SourceSettings> {
      return withDatabase(async () => {
        const record = await deps.sources.get(source);
        return {
          maxConcurrency: record.maxConcurrency,
          status: record.status,
          syncIntervalSeconds: record.syncIntervalSeconds,
          attention: attentionMessage(record),
        };
      });
    },

    async beginRun(input: BeginRunInput): Promise<void> {
      return withDatabase(() => deps.runs.start(input));
    },

    /** The "Confirm" step: token accepted, every required GetConnector in the App connector. */
    async checkSource({ source }: RunRef): Promise<CheckSourceResult> {
      return withAfas(source, async ({ session, source: record }) => {
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

    /** Reloads the administrations dataset and returns the administrations the customer exposes. */
    async discoverAdministrations({
      source,
      runId,
      allowMassDelete,
    }: DiscoverInput): Promise<DiscoverResult> {
      return withAfas(source, async (afas) => {
        const ctx = datasetContext(afas, runId, { allowMassDelete: allowMassDelete === true });
        const definition = administrationsDataset();
        const scope = scopeOf(afas.source, definition, 0);
        const resolved = await prepareDataset(ctx, scope);
        // The administrations dataset is keyed by the administration id alone.
        const [idField] = resolved.keyFields;
        const outcome = await replaceScope(ctx, scope, resolved, idField ? { collectKey: idField } : {});
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
        return { administrations: ids, counts: countRows(outcome.counts, definition.name) };
      });
    },

    /** Master data: full reload, or modified-since-watermark with a whole read when due (or forced). */
    async syncDataset(task: MasterDataTask): Promise<DatasetCounts> {
      return withAfas(task.source, async (afas) => {
        const ctx = datasetContext(afas, task.runId, { allowMassDelete: task.allowMassDelete === true });
        const scope = scopeOf(afas.source, datasetByName(task.dataset), task.administration);
        const resolved = await prepareDataset(ctx, scope);
        switch (resolved.strategy) {
          case 'full-reload':
            return countRows((await replaceScope(ctx, scope, resolved)).counts, task.dataset);
          case 'modified-watermark': {
            const policy = {
              fullReloadMaxRows: afas.source.fullReloadMaxRows,
              reconcileIntervalSeconds: afas.source.reconcileIntervalSeconds,
              forced: task.full === true,
            };
            return countRows(await syncModified(deps, ctx, scope, resolved, policy), task.dataset);
          }
          case 'changed-days':
            throw wrongStrategy(task.dataset, 'syncDataset');
        }
      });
    },

    /** Reads the changed booking days and decides, per administration, which days to replace. */
    async planChangedDays(input: PlanChangedDaysInput): Promise<ChangedDaysPlan> {
      return withAfas(input.source, async (afas) => {
        const definition = datasetByName(input.dataset);
        if (definition.strategy !== 'changed-days') throw wrongStrategy(input.dataset, 'planChangedDays');
        return planChangedDays(deps, afas, definition, input);
      });
    },

    /** Like planChangedDays, but the batches stay in PostgreSQL; the result has counts only. */
    async planDayBatches(input: PlanChangedDaysInput): Promise<DayBatchPlan> {
      return withAfas(input.source, async (afas) => {
        const definition = datasetByName(input.dataset);
        if (definition.strategy !== 'changed-days') throw wrongStrategy(input.dataset, 'planDayBatches');
        return planDayBatches(deps, afas, definition, input);
      });
    },

    /** Replaces one planned batch (read from changed_day_plans by number) in one transaction. */
    async replaceDayBatch(input: DayBatchInput): Promise<DayBatchCounts> {
      return withAfas(input.source, async (afas) => {
        const days = await deps.changedDays.planBatch(deps.pool, input);
        if (!days)
          throw ApplicationFailure.nonRetryable(
            `run ${input.runId} planned no batch ${input.batch} of ${input.dataset} in administration ${input.administration}`,
            FailureType.AfasClientBug,
          );
        const ctx = datasetContext(afas, input.runId);
        const scope = scopeOf(afas.source, datasetByName(input.dataset), input.administration);
        const resolved = await prepareDataset(ctx, scope);
        if (resolved.strategy !== 'changed-days') throw wrongStrategy(input.dataset, 'replaceDayBatch');
        const counts = countRows(await replaceChangedDays(deps, ctx, scope, resolved, days), input.dataset);
        return { ...counts, days: days.length };
      });
    },

    /** Re-fetches booking days of one administration and replaces them in one transaction. */
    async replaceDays(input: ReplaceDaysInput): Promise<DatasetCounts> {
      return withAfas(input.source, async (afas) => {
        const ctx = datasetContext(afas, input.runId);
        const scope = scopeOf(afas.source, datasetByName(input.dataset), input.administration);
        const resolved = await prepareDataset(ctx, scope);
        if (resolved.strategy !== 'changed-days') throw wrongStrategy(input.dataset, 'replaceDays');
        return countRows(await replaceChangedDays(deps, ctx, scope, resolved, input.days), input.dataset);
      });
    },

    /** Called once every changed day of an administration is replaced: moves its watermark, closes its entry. */
    async advanceWatermark(input: AdvanceWatermarkInput): Promise<void> {
      return withDatabase(async () => {
        const record = await deps.sources.get(input.source);
        const connectorId = connectorIdFor(datasetByName(input.dataset), record);
        await inTransaction(deps.pool, async (client) => {
          await deps.state.put(client, input, { watermark: input.watermark, runId: input.runId });
          await deps.runs.finishDataset(client, { ...input, connectorId }, { status: 'succeeded' });
          // Every planned day of the administration is replaced: its plan has served.
          await deps.changedDays.clearPlan(client, input);
        });
      });
    },

    async recordDatasetFailure(input: DatasetFailureInput): Promise<void> {
      return withDatabase(async () => {
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
      });
    },

    async finishRun(input: FinishRunInput): Promise<void> {
      return withDatabase(async () => {
        await deps.runs.finish(input.runId, { status: input.status, error: input.error });
        if (input.markSuccess) await deps.sources.markSuccess(input.source, new Date());
        deps.metrics?.recordRunFinished(
          input.source,
          input.status,
          input.markSuccess ? new Date() : undefined,
        );
      });
    },
  };
}

export type SyncActivities = ReturnType<typeof createSyncActivities>;
