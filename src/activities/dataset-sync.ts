// The generic sync path: one implementation, driven by the dataset catalog, for every dataset.
import { where, type FilterCondition } from '../afas/filters.js';
import { MAX_CELLS_PER_PAGE, type AfasPage } from '../afas/pages.js';
import { encodePage } from '../codec/index.js';
import type { DatasetDefinition } from '../catalog/index.js';
import {
  ensureDatasetTable,
  resolveDataset,
  type FieldSpec,
  type ResolvedDataset,
} from '../db/dataset-schema.js';
import { DatasetWriter } from '../db/dataset-writer.js';
import { scopeIsEmpty } from '../db/scope-rows.js';
import { DEFAULT_MASS_DELETE_PERCENT } from '../db/sources.js';
import { MASS_DELETE_MIN_LIVE_ROWS, type MassDeleteGuard } from '../db/mass-delete.js';
import { ident, inTransaction, type Pool, type PoolClient } from '../db/pool.js';
import { ScopeStage } from '../db/scope-stage.js';
import type { DatasetCounts, RunStore } from '../db/runs.js';
import type { SyncStateStore } from '../db/sync-state.js';
import type { AfasSession } from './afas-session.js';
import { columnsForPageSize } from './import/partitions.js';

export interface DatasetSyncContext {
  pool: Pool;
  schema: string;
  runs: RunStore;
  state: SyncStateStore;
  session: AfasSession;
  source: string;
  runId: string;
  heartbeat: (details: Record<string, unknown>) => void;
  /**
   * How much of a scope a whole read may mark deleted; null: anything (`sync --allow-mass-delete`
   * for this run). Unset: the default guard.
   */
  massDelete?: MassDeleteGuard | null;
}

/** The guard of a source whose setting is `maxPercent`. */
export function massDeleteGuard(maxPercent: number): MassDeleteGuard {
  return { maxPercent, minLiveRows: MASS_DELETE_MIN_LIVE_ROWS };
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

interface LoadOutcome {
  counts: DatasetCounts;
  /** Rows AFAS returned for the scope. */
  rows: number;
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
  massDelete: MassDeleteGuard | null,
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
    massDelete,
  };
}

export interface ReplaceOptions {
  /** The AFAS filter groups of the scope; default: the scope's administration (or everything). */
  groups?: FilterCondition[][];
  /** Extra conditions AND-ed to the administration filter (ignored when `groups` is given). */
  extraFilter?: FilterCondition[];
  /** Sort fields; default: administration field then key fields. */
  orderBy?: string[];
  /**
   * Mark rows of this scope that AFAS no longer returns as deleted; `false` for partial reads. A
   * whole scope (no `entryDays`) is guarded against mass deletes (ctx.massDelete) and its
   * reconcile recorded in the sync state; replaced booking days are neither.
   */
  markDeleted?: false | { entryDays?: readonly string[] };
  collectKey?: string;
  /** Sees every page as it arrives, before it is staged (the watermark's clock and future stamps). */
  onPage?: (page: AfasPage) => void;
  /** Runs in the same transaction before commit (watermarks, done days). */
  onCommit?: (client: PoolClient, outcome: LoadOutcome) => Promise<void>;
  /** Close the run-log entry as succeeded in this transaction (default true). */
  finishEntry?: boolean;
  /** COPY bytes held in memory before the scope spills to a stage file or table (see ScopeStage). */
  heldBytes?: number;
  /** Rewrite rows whose stored columns differ from AFAS's even when `_raw` is the same (a ledger repair). */
  rewrite?: boolean;
}

/** The guard for a whole read: the context's, or the default one when the context says nothing. */
function guardOf(ctx: DatasetSyncContext): MassDeleteGuard | undefined {
  if (ctx.massDelete === null) return undefined;
  return ctx.massDelete ?? massDeleteGuard(DEFAULT_MASS_DELETE_PERCENT);
}

/**
 * A sync's write of one scope (an administration, the environment, or a batch of booking days):
 * every page is encoded as it arrives (the same encoder as the import) and goes into the scope's
 * stage (memory, a file or a table: see ScopeStage), with no transaction open while AFAS is paged;
 * then one short transaction makes the table equal to the stage: upsert what is there, mark what
 * vanished as deleted, record counts and state. Nothing is visible until that commit, so a crash
 * or cancellation leaves the previous state intact (a stage table is dropped by the next attempt).
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
  await ctx.runs.startDataset(ctx.pool, entry);
  const writerContext = { source: ctx.source, runId: ctx.runId };
  const scopeFilter = {
    administrations: [scope.administration],
    ...(options.markDeleted !== false && options.markDeleted?.entryDays
      ? { entryDays: options.markDeleted.entryDays }
      : {}),
  };
  const stage = await ScopeStage.create(
    ctx.pool,
    ctx.schema,
    resolved,
    {
      source: ctx.source,
      runId: ctx.runId,
      dataset: scope.definition.name,
      administration: scope.administration,
      // Batches of booking days of one administration run side by side: their filters tell them apart.
      part: JSON.stringify(groups),
    },
    {
      ...(options.heldBytes !== undefined ? { heldBytes: options.heldBytes } : {}),
      spillToFile: () =>
        scopeIsEmpty(ctx.pool, `${ident(ctx.schema)}.${ident(resolved.table)}`, ctx.source, scopeFilter),
    },
  );
  try {
    const callsBefore = ctx.session.calls;
    const retriesBefore = ctx.session.retries;
    let pages = 0;
    const keys: unknown[] = [];
    for await (const page of ctx.session.pages(scope.connectorId, {
      orderBy: options.orderBy ?? orderFor(resolved),
      // The import's page size: the same bytes per page in flight, whichever path reads them.
      columns: columnsForPageSize(resolved.columns.length, null, MAX_CELLS_PER_PAGE),
      ...(filter ? { filter } : {}),
    })) {
      const encoded = encodePage(resolved, writerContext, page, {
        page: page.skip,
        ...(resolved.administrationField ? { administration: scope.administration } : {}),
      });
      if (options.collectKey) for (const row of page.parse()) keys.push(row[options.collectKey]);
      options.onPage?.(page);
      await stage.add(encoded);
      // COPYd and so no longer read: its buffer serves the next page.
      encoded.release();
      pages += 1;
      ctx.heartbeat({
        dataset: scope.definition.name,
        administration: scope.administration,
        skip: page.skip + page.rowCount,
      });
    }
    return await inTransaction(ctx.pool, async (client) => {
      const writer = new DatasetWriter(client, ctx.schema, resolved, writerContext, {
        rewrite: options.rewrite === true,
      });
      const markDeleted = options.markDeleted !== false;
      const wholeScope = markDeleted && scopeFilter.entryDays === undefined;
      const guard = wholeScope ? guardOf(ctx) : undefined;
      const merged = stage.table
        ? await writer.replace(stage.table, stage.rows, scopeFilter, markDeleted, guard)
        : await writer.replaceWith(stage.lines, scopeFilter, markDeleted, guard);
      if (wholeScope) {
        const key = {
          source: ctx.source,
          dataset: scope.definition.name,
          administration: scope.administration,
        };
        await ctx.state.put(client, key, { reconciledRows: stage.rows, runId: ctx.runId });
      }
      const counts: DatasetCounts = {
        inserted: merged.inserted,
        updated: merged.updated,
        deleted: merged.deleted,
        pages,
        afasCalls: ctx.session.calls - callsBefore,
        retries: ctx.session.retries - retriesBefore,
      };
      await ctx.runs.addProgress(client, entry, counts);
      const outcome = { counts, rows: stage.rows, keys };
      await options.onCommit?.(client, outcome);
      if (options.finishEntry !== false) await ctx.runs.finishDataset(client, entry, { status: 'succeeded' });
      await stage.drop(client);
      return outcome;
    });
  } catch (error) {
    await stage.drop().catch(() => undefined);
    throw error;
  }
}
