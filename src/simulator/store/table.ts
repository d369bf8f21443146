/**
 * The read interface the query engine needs from a data source. Rows are addressed by a slot
 * number; deleted rows may keep their slot (tombstones) and report `isLive(row) === false`.
 *
 * Cell values use one canonical representation per data type:
 * - int: number; decimal: integer scaled by 10^decimals (cents for amounts);
 * - date: Amsterdam wall seconds (see amsterdam-time.ts); boolean; string; null when empty.
 */

export type CellValue = string | number | boolean | null;

export type CellReader = (row: number) => CellValue;

/** A dictionary-encoded string column: rows hold small integer codes. */
export interface DictionaryView {
  codeOf(row: number): number;
  size(): number;
  valueAt(code: number): string | null;
}

export interface Table {
  readonly name: string;
  /** Changes whenever any row changes; cached query results are keyed by it. */
  version(): number;
  slotCount(): number;
  isLive(row: number): boolean;
  reader(fieldId: string): CellReader;
  /** Optional fast path: a numeric key per row that sorts like the column (nulls lowest). */
  numericSortKey?(fieldId: string): ((row: number) => number) | undefined;
  /** Optional fast path for filters on dictionary-encoded string columns. */
  dictionary?(fieldId: string): DictionaryView | undefined;
}

/** SQL Server style case-insensitive text order, ties broken by ordinal order for determinism. */
export function compareText(a: string, b: string): number {
  const la = a.toLowerCase();
  const lb = b.toLowerCase();
  if (la !== lb) return la < lb ? -1 : 1;
  if (a === b) return 0;
  return a < b ? -1 : 1;
}

/** Orders cells of one column: null first, then by value. */
export function compareCells(a: CellValue, b: CellValue): number {
  if (a === b) return 0;
  if (a === null) return -1;
  if (b === null) return 1;
  if (typeof a === 'string' && typeof b === 'string') return compareText(a, b);
  const na = typeof a === 'boolean' ? Number(a) : Number(a);
  const nb = typeof b === 'boolean' ? Number(b) : Number(b);
  return na < nb ? -1 : na > nb ? 1 : 0;
}
