// One activity call's work on one partition: page it from its committed cursor, and commit each
// page's rows together with the cursor after that page, in one transaction.
import { AfasUsageError } from '../../afas/errors.js';
import { CancelledFailure } from '@temporalio/common';
import { MAX_CELLS_PER_PAGE } from '../../afas/pages.js';
import { DatasetSchemaError, type ResolvedDataset } from '../../db/dataset-schema.js';
import { EMPTY_PAGE, encodePage, type EncodedPage } from '../../codec/index.js';
import { DatasetWriter } from '../../db/dataset-writer.js';
import type { ImportStore, PartitionCursor, PartitionRecord } from '../../db/import-state.js';
import { inTransaction, type Pool } from '../../db/pool.js';
import type { DatasetCounts, RunStore } from '../../db/runs.js';
import type { AfasSession } from '../afas-session.js';
import { orderFor } from '../dataset-sync.js';
import type { Pacer } from './pacer.js';
import {
  columnsForPageSize,
  nextCursor,
  partitionConditions,
  segmentFilter,
  type PartitionFields,
} from './partitions.js';
import type { PartitionRunOptions } from './types.js';

export interface PartitionRunContext {
  pool: Pool;
  schema: string;
  store: ImportStore;
  runs: RunStore;
  session: AfasSession;
  pacer: Pacer;
  signal: AbortSignal;
  source: string;
  importId: string;
  runId: string;
  /** Called after every committed page (heartbeat with the new cursor). */
  onPage: (details: { partition: string; pages: number; cursor: PartitionCursor | null }) => void;
  onRows?: (counts: DatasetCounts) => void;
}

export interface ChunkOutcome {
  done: boolean;
  rows: number;
  pages: number;
  inserted: number;
  updated: number;
}

function throwIfCancelled(signal: AbortSignal): void {
  if (!signal.aborted) return;
  throw signal.reason instanceof CancelledFailure
    ? signal.reason
    : new CancelledFailure('activity cancelled');
}

/** The metainfo-resolved fields a partition filter needs; fails clearly when the connector lacks them. */
export function partitionFields(resolved: ResolvedDataset): PartitionFields {
  const history = resolved.definition.historyPartition;
  if (!history || !resolved.administrationField) {
    throw new DatasetSchemaError(
      `dataset ${resolved.definition.name} cannot be imported by history partitions`,
    );
  }
  const columns = new Map(resolved.columns.map((column) => [column.field, column.dataType]));
  for (const field of [history.yearField, history.periodField]) {
    if (columns.get(field) !== 'int') {
      throw new DatasetSchemaError(
        `connector ${resolved.connectorId} needs an int field '${field}' to partition dataset ${resolved.definition.name} by year and period`,
      );
    }
  }
  return {
    administration: resolved.administrationField,
    year: history.yearField,
    period: history.periodField,
    keys: resolved.keyFields,
  };
}

/**
 * Pages one partition from its committed cursor until it is complete or `maxPagesPerActivity`
 * pages are committed. Every page is one transaction: stage + merge its rows, move the cursor
 * (compare-and-set on the page count, so two executions can never both count a page), add the
 * counts to the run log. Rows never leave this function.
 */
export async function runPartitionChunk(
  ctx: PartitionRunContext,
  resolved: ResolvedDataset,
  partition: PartitionRecord,
  options: PartitionRunOptions,
): Promise<ChunkOutcome> {
  const fields = partitionFields(resolved);
  const base = partitionConditions(fields, partition);
  const columns = columnsForPageSize(resolved.columns.length, options.pageSize, MAX_CELLS_PER_PAGE);
  const entry = {
    runId: ctx.runId,
    dataset: partition.dataset,
    administration: partition.administration,
    connectorId: resolved.connectorId,
  };
  const outcome: ChunkOutcome = { done: false, rows: 0, pages: 0, inserted: 0, updated: 0 };
  let cursor: PartitionCursor = partition.cursor ?? { anchor: null, skip: 0 };
  let committedPages = partition.pages;
  let tryAppend = true;

  const writerContext = { source: ctx.source, runId: ctx.runId };
  const commit = async (
    page: EncodedPage,
    next: PartitionCursor | null,
    newSegment: boolean,
    calls: number,
    retries: number,
  ) => {
    const merged = await inTransaction(ctx.pool, async (client) => {
      await ctx.store.lockForCommit(client, ctx.importId, partition.key, committedPages);
      let counts = { inserted: 0, updated: 0 };
      if (page.rows > 0) {
        const writer = new DatasetWriter(client, ctx.schema, resolved, writerContext);
        const written = await writer.writePage(page, tryAppend);
        counts = { inserted: written.inserted, updated: written.updated };
        // Once a page held a key the table already had (a re-import, or rows a sync wrote), the
        // rest of this call merges: a refused append costs a wasted COPY.
        tryAppend = written.appended;
      }
      await ctx.store.commitPage(client, ctx.importId, partition.key, {
        next,
        newSegment,
        rows: page.rows,
        inserted: counts.inserted,
        updated: counts.updated,
        afasCalls: calls,
        retries,
      });
      await ctx.runs.addProgress(client, entry, {
        inserted: counts.inserted,
        updated: counts.updated,
        pages: 1,
        afasCalls: calls,
        retries,
      });
      return counts;
    });
    committedPages += 1;
    outcome.pages += 1;
    outcome.rows += page.rows;
    outcome.inserted += merged.inserted;
    outcome.updated += merged.updated;
    ctx.onRows?.({
      inserted: merged.inserted,
      updated: merged.updated,
      deleted: 0,
      pages: 1,
      afasCalls: calls,
      retries,
    });
    ctx.onPage({ partition: partition.key, pages: committedPages, cursor: next });
  };

  let callsSeen = ctx.session.calls;
  let retriesSeen = ctx.session.retries;
  const spent = () => {
    const calls = ctx.session.calls - callsSeen;
    const retries = ctx.session.retries - retriesSeen;
    callsSeen = ctx.session.calls;
    retriesSeen = ctx.session.retries;
    return { calls, retries };
  };

  while (outcome.pages < options.maxPagesPerActivity) {
    throwIfCancelled(ctx.signal);
    // One query per key range: a new range (anchor) needs a new filter, so a new iteration.
    const pages = ctx.session.pages(resolved.connectorId, {
      orderBy: orderFor(resolved),
      columns,
      filter: segmentFilter(base, fields.keys, cursor.anchor),
      ...(cursor.skip > 0 ? { skip: cursor.skip } : {}),
    });
    const iterator = pages[Symbol.asyncIterator]();
    try {
      for (;;) {
        await ctx.pacer.beforeRequest();
        const step = await iterator.next();
        if (step.done) {
          // No part to page at all: the partition is empty.
          const { calls, retries } = spent();
          await commit(EMPTY_PAGE, null, false, calls, retries);
          outcome.done = true;
          return outcome;
        }
        const page = step.value;
        if (page.parts !== 1) {
          throw new AfasUsageError(
            `connector ${resolved.connectorId}: the filter of partition ${partition.key} needs ${page.parts} requests; expected one`,
          );
        }
        const { cursor: next, newSegment } = nextCursor(
          cursor,
          page,
          fields.keys,
          options.partitionRowLimit,
          resolved.connectorId,
        );
        const encoded = encodePage(resolved, writerContext, page, {
          page: page.skip,
          administration: partition.administration,
        });
        const { calls, retries } = spent();
        await commit(encoded, next, newSegment, calls, retries);
        // Committed: the COPY data is no longer read, and its buffer serves the next page.
        encoded.release();
        if (next === null) {
          outcome.done = true;
          return outcome;
        }
        cursor = next;
        throwIfCancelled(ctx.signal);
        if (newSegment || outcome.pages >= options.maxPagesPerActivity) break;
      }
    } finally {
      await iterator.return?.(undefined);
    }
  }
  return outcome;
}
