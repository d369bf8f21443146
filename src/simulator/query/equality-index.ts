import type { Table } from '../store/table.js';

/** The slots holding each value of one numeric column, in slot order. */
type ColumnIndex = Map<number, Int32Array>;

const EMPTY = new Int32Array(0);

/**
 * Per table and column, built on first use and rebuilt after the table changes (its version).
 * Keyed weakly by the table object, so a replaced table takes its indexes with it.
 */
const indexes = new WeakMap<Table, Map<string, { version: number; index: ColumnIndex }>>();

function build(table: Table, fieldId: string): ColumnIndex {
  const read = table.reader(fieldId);
  const slots = table.slotCount();
  const counts = new Map<number, number>();
  for (let row = 0; row < slots; row++) {
    const value = read(row);
    if (typeof value === 'number') counts.set(value, (counts.get(value) ?? 0) + 1);
  }
  const index: ColumnIndex = new Map();
  const filled = new Map<number, number>();
  for (const [value, count] of counts) {
    index.set(value, new Int32Array(count));
    filled.set(value, 0);
  }
  for (let row = 0; row < slots; row++) {
    const value = read(row);
    if (typeof value !== 'number') continue;
    const at = filled.get(value) as number;
    (index.get(value) as Int32Array)[at] = row;
    filled.set(value, at + 1);
  }
  return index;
}

/**
 * The slots (live or not, ascending) whose numeric column `fieldId` holds `value`: the candidates
 * for a filter that pins the column to that value, so a partition's query reads its own rows
 * instead of scanning the whole store (an import asks once per partition).
 */
export function slotsWithValue(table: Table, fieldId: string, value: number): Int32Array {
  let columns = indexes.get(table);
  if (columns === undefined) {
    columns = new Map();
    indexes.set(table, columns);
  }
  let entry = columns.get(fieldId);
  if (entry === undefined || entry.version !== table.version()) {
    entry = { version: table.version(), index: build(table, fieldId) };
    columns.set(fieldId, entry);
  }
  return entry.index.get(value) ?? EMPTY;
}
