import type { FieldSpec } from '../connectors/types.js';
import type { Table } from '../store/table.js';
import type { FilterGroups } from './filters.js';
import type { OrderKey } from './order.js';
import { slotsWithValue } from './equality-index.js';
import { compileFilters, pinnedValues } from './predicate.js';
import type { ResultCache } from './result-cache.js';
import { sortRows } from './sort.js';

export interface SelectionRequest {
  readonly table: Table;
  readonly fields: ReadonlyMap<string, FieldSpec>;
  readonly filters: readonly FilterGroups[];
  readonly order: readonly OrderKey[];
}

/** The live slots matching the filters, sorted when an order is given (storage order otherwise). */
export function selectRows(request: SelectionRequest, cache: ResultCache): Int32Array {
  const { table, filters, order } = request;
  const key = `${table.name}@${table.version()}|${JSON.stringify(filters)}|${JSON.stringify(order)}`;
  const cached = cache.get(key);
  if (cached !== undefined) return cached;

  const predicate = filters.length === 0 ? undefined : compileFilters(filters, table, request.fields);
  // The full predicate still decides; a pinned value only limits which rows it looks at.
  let candidates: Int32Array | undefined;
  for (const { fieldId, value } of pinnedValues(filters, request.fields)) {
    const slots = slotsWithValue(table, fieldId, value);
    if (candidates === undefined || slots.length < candidates.length) candidates = slots;
  }
  const matches = new Int32Array(candidates?.length ?? table.slotCount());
  let count = 0;
  if (candidates !== undefined) {
    for (const row of candidates) {
      if (table.isLive(row) && (predicate === undefined || predicate(row))) matches[count++] = row;
    }
  } else {
    const slots = table.slotCount();
    for (let row = 0; row < slots; row++) {
      if (table.isLive(row) && (predicate === undefined || predicate(row))) matches[count++] = row;
    }
  }
  const rows = sortRows(matches.slice(0, count), table, order);
  cache.set(key, rows);
  return rows;
}
