// Journal lines stay current through the changed-booking-days connector: read which days
// changed since the watermark, then replace each (administration, booking day) in one
// transaction. This is also how hard deletes in AFAS reach us.
import { ApplicationFailure } from '@temporalio/common';
import { where, type FilterCondition } from '../../afas/filters.js';
import { changedDaysConnectorId, type ChangedDaysDataset } from '../../catalog/index.js';
import type { ResolvedDataset } from '../../db/dataset-schema.js';
import type { DatasetCounts } from '../../db/runs.js';
import { FailureType } from '../../temporal/failure-types.js';
import type { AfasActivity } from '../activity-scope.js';
import { orderFor, replaceScope, type DatasetScope, type DatasetSyncContext } from '../dataset-sync.js';
import type { ActivityDeps } from '../deps.js';
import type { ChangedDay, ChangedDaysPlan, PlanChangedDaysInput } from '../types.js';
import { wallMinus } from './watermark.js';
import { isBeyondCap, ModifiedWatch, nextWatermark } from './watermark-cap.js';
import { recordWatermarkWarnings } from './watermark-warnings.js';

const DAY_MS = 86_400_000;
/** A booking day and a change stamp as AFAS writes them; anything else would poison the watermark. */
const DATE = /^\d{4}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12]\d|3[01])/;
const DATE_TIME = /^\d{4}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12]\d|3[01])T(?:[01]\d|2[0-3]):[0-5]\d:[0-5]\d/;

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
  const range = denseRange(days);
  if (range) {
    return [
      [
        where.eq(adminField, administration),
        where.gte(entryField, `${range.first}T00:00:00`),
        where.lte(entryField, `${range.last}T00:00:00`),
      ],
    ];
  }
  return days
    .map((entry) => entry.day)
    .sort()
    .map((day) => [where.eq(adminField, administration), where.eq(entryField, `${day}T00:00:00`)]);
}

/** First and last day when more than two days cover at least half the days between them. */
function denseRange(days: readonly ChangedDay[]): { first: string; last: string } | undefined {
  if (days.length <= 2) return undefined;
  const sorted = days.map((entry) => entry.day).sort();
  const first = sorted[0] as string;
  const last = sorted[sorted.length - 1] as string;
  const span = (Date.parse(`${last}T00:00:00Z`) - Date.parse(`${first}T00:00:00Z`)) / DAY_MS + 1;
  return sorted.length / span >= 0.5 ? { first, last } : undefined;
}

function chunk<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let index = 0; index < items.length; index += size) out.push(items.slice(index, index + size));
  return out;
}

/**
 * The latest change stamp per booking day since `from` (minus the overlap), and what the read saw
 * of AFAS's clock and of stamps beyond it.
 */
async function readChangedDays(
  afas: AfasActivity,
  definition: ChangedDaysDataset,
  from: string | null,
  overlapMinutes: number,
): Promise<{ days: ChangedDay[]; watch: ModifiedWatch }> {
  const changed = definition.changedDays;
  const connectorId = changedDaysConnectorId(definition, afas.source);
  const filter = from
    ? { groups: [[where.gte(changed.modifiedField, wallMinus(from, overlapMinutes))]] }
    : undefined;
  const latest = new Map<string, string>();
  const watch = new ModifiedWatch(changed.modifiedField, [changed.dayField], overlapMinutes);
  for await (const page of afas.session.pages(connectorId, {
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
        !DATE.test(day) ||
        !DATE_TIME.test(modified)
      ) {
        throw ApplicationFailure.nonRetryable(
          `connector ${connectorId} returned a row without a valid ${changed.dayField}/${changed.modifiedField}: ${JSON.stringify(row).slice(0, 200)}`,
          FailureType.AfasData,
        );
      }
      const key = day.slice(0, 10);
      const stamp = modified.slice(0, 19);
      if ((latest.get(key) ?? '') < stamp) latest.set(key, stamp);
    }
    watch.page(page);
    afas.heartbeat({ skip: page.skip + page.rowCount });
  }
  const days = [...latest.entries()]
    .map(([day, modified]) => ({ day, modified }))
    .sort((a, b) => (a.day < b.day ? -1 : 1));
  return { days, watch };
}

/** Per administration, the booking days a run must replace (see planChangedDayLists). */
export interface ChangedDayLists {
  administrations: { administration: number; days: ChangedDay[] }[];
  newWatermark: string | null;
}

/**
 * Reads the changed booking days once for every administration (from the oldest watermark) and
 * decides, per administration, which days still need replacing: changed since its own
 * watermark, and not already replaced at that stamp (a retried run skips what it did).
 */
export async function planChangedDayLists(
  deps: Pick<ActivityDeps, 'pool' | 'state' | 'changedDays' | 'settings' | 'runs' | 'logger'>,
  afas: AfasActivity,
  definition: ChangedDaysDataset,
  input: PlanChangedDaysInput,
): Promise<ChangedDayLists> {
  const states = await deps.state.all(deps.pool, input.source, input.dataset);
  const watermarks = input.administrations.map((admin) => states.get(admin)?.watermark ?? null);
  const overlap = deps.settings.watermarkOverlapMinutes;
  let from: string | null = null;
  for (const watermark of watermarks) {
    // One administration never synced: read every changed day.
    if (watermark === null) {
      from = null;
      break;
    }
    if (from === null || watermark < from) from = watermark;
  }
  let read = await readChangedDays(afas, definition, from, overlap);
  // A watermark beyond AFAS's clock (stored before the cap existed, or AFAS's clock stepped back)
  // read from a frozen point: what changed meanwhile is only found by reading every changed day.
  // The done days skip what was already replaced at its stamp.
  const frozen = watermarks.map(
    (watermark) => watermark !== null && isBeyondCap(watermark, read.watch.capMs()),
  );
  const healed = from !== null && frozen.some(Boolean);
  if (healed) read = await readChangedDays(afas, definition, null, overlap);
  const { days, watch } = read;
  const capMs = watch.capMs();
  const decision = nextWatermark(healed ? null : from, watch.newest, capMs);
  await recordWatermarkWarnings(
    deps.pool,
    deps.runs,
    deps.logger,
    {
      source: input.source,
      runId: input.runId,
      dataset: input.dataset,
      administration: 0,
      field: definition.changedDays.modifiedField,
    },
    decision,
    healed ? (watermarks.find((_, index) => frozen[index]) ?? null) : null,
    watch.future,
  );
  const administrations: ChangedDayLists['administrations'] = [];
  for (const [index, administration] of input.administrations.entries()) {
    const watermark = frozen[index] ? null : (watermarks[index] ?? null);
    const since = watermark ? wallMinus(watermark, overlap) : null;
    const candidates = since ? days.filter((entry) => entry.modified >= since) : days;
    const done = await deps.changedDays.done(
      deps.pool,
      input.source,
      input.dataset,
      administration,
      candidates.map((entry) => entry.day),
    );
    // A day stamped beyond AFAS's clock keeps that stamp while it changes again: it is replaced
    // every run until AFAS's clock passes it, or its later changes would never be read.
    const todo = candidates.filter(
      (entry) => isBeyondCap(entry.modified, capMs) || done.get(entry.day) !== entry.modified,
    );
    administrations.push({ administration, days: todo });
  }
  return { administrations, newWatermark: decision.watermark };
}

/** A list longer than this (a first sync, a big backlog) is cut into bigger batches. */
const LONG_LIST_DAYS = 200;
/**
 * At most this many batches per administration for a long list's dense stretches. Every batch
 * costs the same few Temporal events and a transaction whatever its size, and a dense stretch is
 * one date range read page by page, so bigger batches are cheaper; a crash re-reads at most one
 * twelfth of the administration's history.
 */
const LONG_LIST_BATCHES = 12;

/**
 * An administration's days (sorted by day) in batches, each one AFAS query and one transaction.
 * A long list's batches are longer; a stretch of it that is sparse (one OR group per day in the
 * filter, so the URL grows with it) is cut back to `daysPerBatch × 3` days.
 */
export function dayBatches(days: readonly ChangedDay[], daysPerBatch: number): ChangedDay[][] {
  if (days.length <= LONG_LIST_DAYS) return chunk(days, daysPerBatch);
  const sparseSize = daysPerBatch * 3;
  const denseSize = Math.max(sparseSize, Math.ceil(days.length / LONG_LIST_BATCHES));
  return chunk(days, denseSize).flatMap((batch) => (denseRange(batch) ? [batch] : chunk(batch, sparseSize)));
}

/**
 * The plan as syncs before the `day-plans-in-postgres` patch take it: every day of every
 * administration in the activity result (MBs for a big environment's first sync).
 */
export async function planChangedDays(
  deps: Pick<ActivityDeps, 'pool' | 'state' | 'changedDays' | 'settings' | 'runs' | 'logger'>,
  afas: AfasActivity,
  definition: ChangedDaysDataset,
  input: PlanChangedDaysInput,
): Promise<ChangedDaysPlan> {
  const lists = await planChangedDayLists(deps, afas, definition, input);
  return {
    administrations: lists.administrations.map(({ administration, days }) => ({
      administration,
      batches: dayBatches(days, deps.settings.daysPerBatch),
      dayCount: days.length,
    })),
    newWatermark: lists.newWatermark,
    afasCalls: afas.session.calls,
  };
}

/**
 * Re-reads booking days of one administration and replaces them (rows and deletions) in one
 * transaction. A `repair` (a period the ledger proof found different) rewrites every row whose
 * stored columns differ from AFAS's, and leaves the changed-days bookkeeping alone: it was not
 * asked for by a changed-days stamp, and the run's entry is closed as it ends.
 */
export async function replaceChangedDays(
  deps: Pick<ActivityDeps, 'changedDays'>,
  ctx: DatasetSyncContext,
  scope: DatasetScope,
  resolved: Extract<ResolvedDataset, { strategy: 'changed-days' }>,
  days: readonly ChangedDay[],
  options: { repair?: boolean } = {},
): Promise<DatasetCounts> {
  const entryField = resolved.entryDateField;
  const outcome = await replaceScope(ctx, scope, resolved, {
    groups: dayFilterGroups(resolved.administrationField, entryField, scope.administration, days),
    orderBy: [entryField, ...orderFor(resolved)],
    markDeleted: { entryDays: days.map((day) => day.day) },
    ...(options.repair
      ? { rewrite: true }
      : {
          // The administration's entry stays open until its watermark moves (advanceWatermark).
          finishEntry: false,
          onCommit: (client) =>
            deps.changedDays.record(
              client,
              { source: ctx.source, dataset: resolved.definition.name, administration: scope.administration },
              days,
            ),
        }),
  });
  return outcome.counts;
}
