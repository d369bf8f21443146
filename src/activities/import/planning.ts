// What an import reads from AFAS before it starts: the newest change stamp (its future
// watermark) and the periods per administration and year (its partitions).
import { AfasDataError } from '../../afas/errors.js';
import { where } from '../../afas/filters.js';
import { MAX_CELLS_PER_PAGE } from '../../afas/pages.js';
import {
  changedDaysConnectorId,
  connectorIdFor,
  periodsDataset,
  storedDataset,
  type DatasetDefinition,
} from '../../catalog/index.js';
import { DatasetSchemaError, resolveDataset, type FieldSpec } from '../../db/dataset-schema.js';
import type { ImportStore } from '../../db/import-state.js';
import type { AfasActivity } from '../activity-scope.js';
import type { AfasSession } from '../afas-session.js';
import { orderFor } from '../dataset-sync.js';
import type { ActivityDeps } from '../deps.js';
import { Pacer } from './pacer.js';
import { planPartitions } from './partitions.js';
import type { PlanImportInput, PlanImportResult } from './types.js';

/** Europe/Amsterdam wall time of the database clock, `YYYY-MM-DDTHH:MM:SS`: the stand-in for AFAS's "now". */
export async function amsterdamNow(deps: Pick<ActivityDeps, 'pool'>): Promise<string> {
  const result = await deps.pool.query<{ now: string }>(
    `SELECT to_char(now() AT TIME ZONE 'Europe/Amsterdam', 'YYYY-MM-DD"T"HH24:MI:SS') AS now`,
  );
  const now = result.rows[0]?.now;
  if (now === undefined) throw new Error('PostgreSQL returned no row for now()');
  return now;
}

/**
 * Plans partitions for administrations not planned yet (a resumed import keeps its plan) and
 * records the start watermark: the changed-days connector's newest `Modified`, else AFAS now.
 */
export async function planImport(
  deps: Pick<ActivityDeps, 'pool'>,
  store: ImportStore,
  afas: AfasActivity,
  input: PlanImportInput,
): Promise<PlanImportResult> {
  const { session, source } = afas;
  const pacer = new Pacer(store, input.importId, input.requestsPerMinute, afas.signal, () =>
    afas.heartbeat(),
  );
  const record = await store.get(input.importId);
  let startWatermark = record.startWatermark;
  if (startWatermark === null) {
    let latest: string | null = null;
    for (const name of record.datasets) {
      const definition = storedDataset(name);
      if (definition.strategy !== 'changed-days') continue;
      const connectorId = changedDaysConnectorId(definition, source);
      latest = await latestChange(session, pacer, connectorId, definition.changedDays.modifiedField);
      break;
    }
    startWatermark = await store.setStartWatermark(input.importId, latest ?? (await amsterdamNow(deps)));
  }
  const planned = new Set(await store.plannedAdministrations(input.importId));
  const todo = input.administrations.filter((administration) => !planned.has(administration));
  let added = 0;
  if (todo.length > 0) {
    const periodsDefinition = periodsDataset();
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
}

/** The newest `Modified` of the changed-booking-days connector (AFAS wall time), or null when it is empty. */
export async function latestChange(
  session: AfasSession,
  pacer: Pacer,
  connectorId: string,
  modifiedField: string,
): Promise<string | null> {
  await pacer.beforeRequest();
  // One row per page: only the newest change is wanted, so the first page is the answer.
  for await (const page of session.pages(connectorId, {
    orderBy: [`-${modifiedField}`],
    columns: MAX_CELLS_PER_PAGE,
  })) {
    const value = page.parse()[0]?.[modifiedField];
    if (value === undefined || value === null) return null;
    if (typeof value !== 'string' || !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}/.test(value)) {
      throw new AfasDataError(
        `connector ${connectorId} returned ${JSON.stringify(value)} as ${modifiedField}; expected a date-time`,
        connectorId,
        modifiedField,
        '(the newest change)',
      );
    }
    return value.slice(0, 19);
  }
  return null;
}

/**
 * Periods per `${administration}/${year}` from the periods connector (one query for every
 * administration). The periods dataset's key fields are (year, period).
 */
export async function listPeriods(
  session: AfasSession,
  pacer: Pacer,
  definition: DatasetDefinition,
  connectorId: string,
  range: { fromYear: number; toYear: number; administrations: readonly number[] },
): Promise<Map<string, number[]>> {
  const meta = await session.describe(connectorId);
  const resolved = resolveDataset(
    definition,
    connectorId,
    meta.fields.map((field): FieldSpec => ({ id: field.id, dataType: field.dataType })),
  );
  const [yearField, periodField] = resolved.keyFields;
  const adminField = resolved.administrationField;
  if (!yearField || !periodField || !adminField) {
    throw new DatasetSchemaError(
      `dataset ${definition.name} must be keyed by (administration, year, period) to list periods`,
    );
  }
  const wanted = new Set(range.administrations);
  const periods = new Map<string, Set<number>>();
  const filter = { groups: [[where.gte(yearField, range.fromYear), where.lte(yearField, range.toYear)]] };
  await pacer.beforeRequest();
  for await (const page of session.pages(connectorId, {
    orderBy: orderFor(resolved),
    columns: resolved.columns.length,
    filter,
  })) {
    for (const row of page.parse()) {
      const administration = row[adminField];
      const year = row[yearField];
      const period = row[periodField];
      if (typeof administration !== 'number' || typeof year !== 'number' || typeof period !== 'number')
        continue;
      if (!wanted.has(administration)) continue;
      const key = `${administration}/${year}`;
      const set = periods.get(key) ?? new Set<number>();
      set.add(period);
      periods.set(key, set);
    }
    if (!page.last) await pacer.beforeRequest();
  }
  return new Map([...periods.entries()].map(([key, set]) => [key, [...set].sort((a, b) => a - b)]));
}
