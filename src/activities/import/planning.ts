// What an import reads from AFAS before it starts: the newest change stamp (its future
// watermark) and the periods per administration and year (its partitions).
import { where } from '../../afas/filters.js';
import { MAX_CELLS_PER_PAGE } from '../../afas/pages.js';
import type { DatasetDefinition } from '../../catalog/index.js';
import { resolveDataset, type FieldSpec } from '../../db/dataset-schema.js';
import type { AfasSession } from '../afas-session.js';
import { orderFor } from '../dataset-sync.js';
import type { Pacer } from './pacer.js';

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
      throw new Error(
        `connector ${connectorId} returned ${JSON.stringify(value)} as ${modifiedField}; expected a date-time`,
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
    throw new Error(
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
