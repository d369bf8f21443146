// The generic sync path: one implementation, driven by the dataset catalog, for every dataset.
import { where, type FilterCondition } from '../afas/filters.js';
import type { AfasRow } from '../afas/values.js';
import type { DatasetDefinition } from '../catalog/index.js';
import {
  ensureDatasetTable,
  resolveDataset,
  type FieldSpec,
  type ResolvedDataset,
} from '../db/dataset-schema.js';
import { DatasetWriter } from '../db/dataset-writer.js';
import { inTransaction, type Pool, type PoolClient } from '../db/pool.js';
import type { DatasetCounts, RunStore } from '../db/runs.js';
import type { SyncStateStore } from '../db/sync-state.js';
import type { AfasSession } from './afas-session.js';

export interface DatasetSyncContext {
  pool: Pool;
  schema: string;
  runs: RunStore;
  state: SyncStateStore;
  session: AfasSession;
  source: string;
  runId: string;
  heartbeat: (details: Record<string, unknown>) => void;
}

export interface DatasetScope {
  definition: DatasetDefinition;
  connectorId: string;
  /** 0 for environment-wide datasets. */
  administration: number;
}

/** Reads metainfo and makes sure the table has a column for every field. */
export async function prepareDataset(ctx: DatasetSyncContext, scope: DatasetScope): Promise<ResolvedDataset> {
  const meta = await ctx.session.describe(scope.connectorId);
  const resolved = resolveDataset(
    scope.definition,
    scope.connectorId,
    meta.fields.map((field): FieldSpec => ({ id: field.id, dataType: field.dataType })),
  );
  await inTransaction(ctx.pool, (client) => ensureDatasetTable(client, ctx.schema, resolved));
  return resolved;
}

export function orderFor(resolved: ResolvedDataset): string[] {
  return [...(resolved.administrationField ? [resolved.administrationField] : []), ...resolved.keyFields];
}

export function administrationFilter(resolved: ResolvedDataset, administration: number): FilterCondition[] {
  return resolved.administrationField ? [where.eq(resolved.administrationField, administration)] : [];
}

/** Latest AFAS wall-clock value of a field over rows (`YYYY-MM-DDTHH:MM:SS`), string order = time order. */
export function latestWallTime(
  rows: readonly AfasRow[],
  field: string,
  current: string | null,
): string | null {
  let latest = current;
  for (const row of rows) {
    const value = row[field];
    if (typeof value !== 'string' || value.length < 19) continue;
    const wall = value.slice(0, 19);
    if (latest === null || wall > latest) latest = wall;
  }
  return latest;
}

interface LoadOutcome {
  counts: DatasetCounts;
  /** Latest modified value seen (for watermark datasets). */
  latestModified: string | null;
  /** Values of `collectKey` in the rows (for the administrations dataset). */
  keys: unknown[];
}

/** Builds the context the generic path runs in, from the activity's dependencies. */
export function datasetSyncContext(
  deps: Pick<DatasetSyncContext, 'pool' | 'schema' | 'runs' | 'state'>,
  session: AfasSession,
  source: string,
  runId: string,
  heartbeat: (details: Record<string, unknown>) => void,
): DatasetSyncContext {
  return {
    pool: deps.pool,
    schema: deps.schema,
    runs: deps.runs,
    state: deps.state,
    session,
    source,
    runId,
    heartbeat,
  };
}

export interface ReplaceOptions {
  /** The AFAS filter groups of the scope; default: the scope's administration (or everything). */
  groups?: FilterCondition[][];
  /** Extra conditions AND-ed to the administration filter (ignored when `groups` is given). */
  extraFilter?: FilterCondition[];
  /** Sort fields; default: administration field then key fields. */
  orderBy?: string[];
  /** Mark rows of this scope that AFAS no longer returns as deleted; `false` for partial reads. */
  markDeleted?: false | { entryDays?: readonly string[] };
  collectKey?: string;
  /** Runs in the same transaction before commit (watermarks, done days). */
  onCommit?: (client: PoolClient, outcome: LoadOutcome) => Promise<void>;
  /** Close the run-log entry as succeeded in this transaction (default true). */
  finishEntry?: boolean;
}

/**
 * The one write path of the sync: reads every page of a scope (an administration, the
 * environment, or a batch of booking days) and makes the table equal to it in one transaction:
 * upsert what is there, mark what vanished as deleted, record counts and state. Nothing is
 * visible until the commit, so a crash or cancellation leaves the previous state intact.
 */
export async function replaceScope(
  ctx: DatasetSyncContext,
  scope: DatasetScope,
  resolved: ResolvedDataset,
  options: ReplaceOptions = {},
): Promise<LoadOutcome> {
  const entry = {
    runId: ctx.runId,
    dataset: scope.definition.name,
    administration: scope.administration,
    connectorId: scope.connectorId,
  };
  const groups = options.groups ?? [
    [...administrationFilter(resolved, scope.administration), ...(options.extraFilter ?? [])],
  ];
  const filter = groups.length === 1 && groups[0]?.length === 0 ? undefined : { groups };
  return inTransaction(ctx.pool, async (client) => {
    await ctx.runs.startDataset(client, entry);
    const writer = new DatasetWriter(client, ctx.schema, resolved, { source: ctx.source, runId: ctx.runId });
    const callsBefore = ctx.session.calls;
    const retriesBefore = ctx.session.retries;
    let pages = 0;
    let latestModified: string | null = null;
    const keys: unknown[] = [];
    for await (const page of ctx.session.pages(scope.connectorId, {
      orderBy: options.orderBy ?? orderFor(resolved),
      columns: resolved.columns.length,
      ...(filter ? { filter } : {}),
    })) {
      await writer.stageRows(page.rows, {
        page: page.skip,
        ...(resolved.administrationField ? { administration: scope.administration } : {}),
      });
      pages += 1;
      if (resolved.modifiedField)
        latestModified = latestWallTime(page.rows, resolved.modifiedField, latestModified);
      if (options.collectKey) for (const row of page.rows) keys.push(row[options.collectKey]);
      ctx.heartbeat({
        dataset: scope.definition.name,
        administration: scope.administration,
        skip: page.skip + page.rows.length,
      });
    }
    const deleted =
      options.markDeleted === false
        ? 0
        : await writer.markMissingDeleted({
            administrations: [scope.administration],
            ...(options.markDeleted?.entryDays ? { entryDays: options.markDeleted.entryDays } : {}),
          });
    const merged = await writer.merge();
    const counts: DatasetCounts = {
      inserted: merged.inserted,
      updated: merged.updated,
      deleted,
      pages,
      afasCalls: ctx.session.calls - callsBefore,
      retries: ctx.session.retries - retriesBefore,
    };
    await ctx.runs.addProgress(client, entry, counts);
    const outcome = { counts, latestModified, keys };
    await options.onCommit?.(client, outcome);
    if (options.finishEntry !== false) await ctx.runs.finishDataset(client, entry, { status: 'succeeded' });
    return outcome;
  });
}
