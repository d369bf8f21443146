import { compareCells, type CellValue, type Table } from '../store/table.js';
import type { OrderKey } from './order.js';

interface NumericKeyColumn {
  readonly kind: 'numeric';
  readonly values: Float64Array;
  readonly sign: number;
}

type KeyColumn =
  NumericKeyColumn | { readonly kind: 'cells'; readonly values: CellValue[]; readonly sign: number };

function keyColumn(rows: Int32Array, table: Table, key: OrderKey): KeyColumn {
  const sign = key.descending ? -1 : 1;
  const numeric = table.numericSortKey?.(key.fieldId);
  if (numeric !== undefined) {
    const values = new Float64Array(rows.length);
    for (let i = 0; i < rows.length; i++) values[i] = numeric(rows[i]!);
    return { kind: 'numeric', values, sign };
  }
  const read = table.reader(key.fieldId);
  return { kind: 'cells', values: Array.from(rows, (row) => read(row)), sign };
}

type PositionComparator = (a: number, b: number) => number;

/** Position comparator; all-numeric keys (the journal-line case) get a tight loop over arrays. */
function comparator(columns: readonly KeyColumn[]): PositionComparator {
  const numeric = columns.filter((column): column is NumericKeyColumn => column.kind === 'numeric');
  if (numeric.length === columns.length) {
    const values = numeric.map((column) => column.values);
    const signs = numeric.map((column) => column.sign);
    const count = values.length;
    return (a, b) => {
      for (let k = 0; k < count; k++) {
        const column = values[k]!;
        const x = column[a]!;
        const y = column[b]!;
        if (x !== y) return x < y ? -signs[k]! : signs[k]!;
      }
      return a - b;
    };
  }
  return (a, b) => compareAt(columns, a, b);
}

function compareAt(columns: readonly KeyColumn[], a: number, b: number): number {
  for (const column of columns) {
    let difference: number;
    if (column.kind === 'numeric') {
      const x = column.values[a]!;
      const y = column.values[b]!;
      difference = x < y ? -1 : x > y ? 1 : 0;
    } else {
      difference = compareCells(column.values[a]!, column.values[b]!);
    }
    if (difference !== 0) return difference * column.sign;
  }
  return a - b;
}

/**
 * Sorts row slots by the order keys (nulls first ascending, strings case-insensitive); ties keep
 * storage order, so a sorted result is stable between calls. Input already in order (the common
 * case for key sorts over generated data) is detected in one pass and returned as is.
 */
export function sortRows(rows: Int32Array, table: Table, order: readonly OrderKey[]): Int32Array {
  if (order.length === 0 || rows.length < 2) return rows;
  const compare = comparator(order.map((key) => keyColumn(rows, table, key)));
  let sorted = true;
  for (let i = 1; i < rows.length; i++) {
    if (compare(i - 1, i) > 0) {
      sorted = false;
      break;
    }
  }
  if (sorted) return rows;
  const permutation = new Int32Array(rows.length);
  for (let i = 0; i < permutation.length; i++) permutation[i] = i;
  permutation.sort(compare);
  const result = new Int32Array(rows.length);
  for (let i = 0; i < result.length; i++) result[i] = rows[permutation[i]!]!;
  return result;
}
