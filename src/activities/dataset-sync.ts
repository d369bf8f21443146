// The generic sync path: one implementation, driven by the dataset catalog, for every dataset.
import { where, type AfasFilter, type FilterCondition } from '../afas/filters.js';
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

function andFilter(conditions: FilterCondition[]): AfasFilter | undefined {
  return conditions.length ? { groups: [conditions] } : undefined;
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
  /** Administration ids in the rows (for the administrations dataset). */
  keys: unknown[];
}

/**
 * Reads a whole scope (an administration or the environment) and makes the table equal to it in
 * one transaction: upsert what is there, mark what vanished as deleted. Nothing is visible until
 * the commit, so a crash or cancellation leaves the previous state intact.
 */
export async function reloadScope(
  ctx: DatasetSyncContext,
  scope: DatasetScope,
  resolved: ResolvedDataset,
  options: {
    collectKey?: string;
    extraFilter?: FilterCondition[];
    markDeleted?: boolean;
    onCommit?: (client: PoolClient, outcome: LoadOutcome) => Promise<void>;
  } = {},
): Promise<LoadOutcome> {
  const entry = {
    runId: ctx.runId,
    dataset: scope.definition.name,
    administration: scope.administration,
    connectorId: scope.connectorId,
  };
  return inTransaction(ctx.pool, async (client) => {
    await ctx.runs.startDataset(client, entry);
    const writer = new DatasetWriter(client, ctx.schema, resolved, { source: ctx.source, runId: ctx.runId });
    const callsBefore = ctx.session.calls;
    const retriesBefore = ctx.session.retries;
    let pages = 0;
    let latestModified: string | null = null;
    const keys: unknown[] = [];
    const filter = andFilter([
      ...administrationFilter(resolved, scope.administration),
      ...(options.extraFilter ?? []),
    ]);
    for await (const page of ctx.session.pages(scope.connectorId, {
      orderBy: orderFor(resolved),
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
        : await writer.markMissingDeleted({ administrations: [scope.administration] });
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
    await ctx.runs.finishDataset(client, entry, { status: 'succeeded' });
    return outcome;
  });
}
