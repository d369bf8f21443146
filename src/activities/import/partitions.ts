// Pure partition logic of the historical import: which partitions exist, what AFAS filter reads
// one, and where the next page of one starts.
import { AfasBadResponseError, AfasDataError, AfasUsageError } from '../../afas/errors.js';
import { where, type AfasFilter, type FilterCondition, type FilterValue } from '../../afas/filters.js';
import type { AfasPageCursor } from '../../afas/pages.js';
import type { AfasRow } from '../../afas/values.js';
import type { AnchorValue, PartitionCursor, PartitionSpec } from '../../db/import-state.js';

/** Periods every year is cut into even when the periods connector lists none. */
export const STANDARD_PERIODS: readonly number[] = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12];

export function partitionKey(
  dataset: string,
  administration: number,
  year: number,
  period: number | null,
): string {
  return `${dataset}/${administration}/${year}/${period === null ? 'other' : String(period).padStart(2, '0')}`;
}

/**
 * Every partition of an import: per dataset × administration × year, one per period (1..12 plus
 * any other period the periods connector lists), and one "other periods" partition for rows in
 * a period nobody listed, so nothing is missed. Most recent years first.
 */
export function planPartitions(input: {
  datasets: readonly string[];
  administrations: readonly number[];
  fromYear: number;
  toYear: number;
  /** Periods known for (administration, year). */
  periodsOf: (administration: number, year: number) => readonly number[];
}): PartitionSpec[] {
  const specs: PartitionSpec[] = [];
  const administrations = [...new Set(input.administrations)].sort((a, b) => a - b);
  for (let year = input.toYear; year >= input.fromYear; year--) {
    for (const dataset of input.datasets) {
      for (const administration of administrations) {
        const periods = [...new Set([...STANDARD_PERIODS, ...input.periodsOf(administration, year)])]
          .filter((period) => Number.isInteger(period) && period >= 0 && period <= 999)
          .sort((a, b) => a - b);
        for (const period of periods) {
          specs.push({
            key: partitionKey(dataset, administration, year, period),
            seq: specs.length,
            dataset,
            administration,
            year,
            period,
            excludedPeriods: null,
          });
        }
        specs.push({
          key: partitionKey(dataset, administration, year, null),
          seq: specs.length,
          dataset,
          administration,
          year,
          period: null,
          excludedPeriods: periods,
        });
      }
    }
  }
  return specs;
}

/** Field ids a partition filter uses (metainfo-resolved). */
export interface PartitionFields {
  administration: string;
  year: string;
  period: string;
  /** Key fields within the administration, in sort order. */
  keys: readonly string[];
}

/** administration = a AND year = y AND (period = p | period ≠ each listed period). */
export function partitionConditions(
  fields: PartitionFields,
  spec: Pick<PartitionSpec, 'administration' | 'year' | 'period' | 'excludedPeriods'>,
): FilterCondition[] {
  const conditions = [where.eq(fields.administration, spec.administration), where.eq(fields.year, spec.year)];
  if (spec.period !== null) return [...conditions, where.eq(fields.period, spec.period)];
  return [...conditions, ...(spec.excludedPeriods ?? []).map((period) => where.ne(fields.period, period))];
}

/** AFAS date-times end in `Z`; filter values must not. */
function filterValue(value: AnchorValue): FilterValue {
  if (typeof value === 'string' && /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?Z$/.test(value))
    return value.slice(0, -1);
  return value;
}

/**
 * The rows of a partition whose key is greater than `anchor` (lexicographic over the key
 * fields): (k1 > a1) OR (k1 = a1 AND k2 > a2) OR …, each group AND-ed with the partition.
 */
export function segmentFilter(
  base: readonly FilterCondition[],
  keys: readonly string[],
  anchor: Readonly<Record<string, AnchorValue>> | null,
): AfasFilter {
  if (anchor === null) return { groups: [[...base]] };
  return {
    groups: keys.map((key, index) => {
      const equal = keys
        .slice(0, index)
        .map((previous) => where.eq(previous, filterValue(anchorValue(anchor, previous))));
      return [...base, ...equal, where.gt(key, filterValue(anchorValue(anchor, key)))];
    }),
  };
}

function anchorValue(anchor: Readonly<Record<string, AnchorValue>>, key: string): AnchorValue {
  const value = anchor[key];
  if (value === undefined)
    throw new AfasUsageError(`partition cursor anchor has no value for key field ${key}`);
  return value;
}

/** The key of a row as a cursor anchor. */
export function anchorOf(
  row: AfasRow,
  keys: readonly string[],
  connectorId: string,
): Record<string, AnchorValue> {
  const anchor: Record<string, AnchorValue> = {};
  for (const key of keys) {
    const value = row[key];
    if (value === null || value === undefined) {
      throw new AfasDataError(
        `connector ${connectorId} returned a row without key field ${key}; cannot continue the partition after it`,
        connectorId,
        key,
        '(unknown)',
      );
    }
    anchor[key] = value;
  }
  return anchor;
}

/**
 * Where the partition continues after a committed page. The client's `next` (skip mode) is kept
 * while it stays under the row limit; once skip would reach the limit, the partition continues as
 * a new key range after the page's last row, from skip 0 — AFAS gets slow past skip ~100k.
 */
export function nextCursor(
  current: PartitionCursor,
  page: { lastRow: () => AfasRow | undefined; next: AfasPageCursor | null },
  keys: readonly string[],
  rowLimit: number,
  connectorId: string,
): { cursor: PartitionCursor | null; newSegment: boolean } {
  if (page.next === null) return { cursor: null, newSegment: false };
  if (!('skip' in page.next) || page.next.part !== 0) {
    throw new AfasUsageError(
      `connector ${connectorId}: unexpected page cursor ${JSON.stringify(page.next)} (a partition is one query part in skip mode)`,
    );
  }
  if (page.next.skip < rowLimit)
    return { cursor: { anchor: current.anchor, skip: page.next.skip }, newSegment: false };
  const last = page.lastRow();
  if (last === undefined)
    throw new AfasBadResponseError(`connector ${connectorId}: an empty page announced more rows`);
  return { cursor: { anchor: anchorOf(last, keys, connectorId), skip: 0 }, newSegment: true };
}

/**
 * Rows per import page unless the import says otherwise. Below AFAS's cell budget (8,333 rows of
 * an 18-field journal line): a page then stays well inside AFAS's "good request" second, and the
 * worker holds a third less per concurrent page (peak RSS at 1M rows 500 → under 300 MB, with the
 * heap growth setting) at the same throughput (see the performance notes in the README).
 */
export const DEFAULT_IMPORT_PAGE_ROWS = 4_000;

/**
 * The `columns` value that makes the client page at most `pageSize` rows (default
 * DEFAULT_IMPORT_PAGE_ROWS); never more than the cell budget allows (columns × take ≤ 150,000).
 */
export function columnsForPageSize(
  actualColumns: number,
  pageSize: number | null,
  maxCellsPerPage: number,
): number {
  return Math.max(actualColumns, Math.ceil(maxCellsPerPage / (pageSize ?? DEFAULT_IMPORT_PAGE_ROWS)));
}
