// COPY lines from parsed rows: the path for a page the scanner refused (escapes, whitespace,
// nested values) and for rows the scanned encoder sends back because a value needs converting.
import type { ResolvedDataset } from '../db/dataset-schema.js';
import {
  describe,
  emptyRowError,
  encodeValue,
  fieldValue,
  NULL,
  RowDataError,
  rowKeyText,
  rowPosition,
  wallTime,
  type RawRow,
} from './cells.js';
import { columnKind, KIND_DATE, KIND_INT, KIND_NUMBER, KIND_STRING } from './column-kinds.js';
import type { LineFrame, RowContext } from './lines.js';

/**
 * Replaces lone surrogates (in values and in property names) so the raw row is valid jsonb;
 * rejects NUL characters, which neither text nor jsonb can hold.
 */
function cleanRaw(row: RawRow, fail: (field: string, problem: string) => never): RawRow {
  let dirty = false;
  // Object.keys + index: the same fields in the same order as Object.entries, without a pair array per field.
  const fields = Object.keys(row);
  for (let i = 0; i < fields.length; i++) {
    const field = fields[i] as string;
    const value = row[field];
    if (typeof value === 'string' && value.includes('\u0000'))
      fail(field, 'contains a NUL character, which PostgreSQL text cannot hold');
    if (field.includes('\u0000')) fail(field, 'the field name contains a NUL character');
    if (!field.isWellFormed() || (typeof value === 'string' && !value.isWellFormed())) dirty = true;
  }
  if (!dirty) return row;
  // fromEntries defines own properties, so even a field named `__proto__` stays data.
  return Object.fromEntries(
    Object.entries(row).map(([field, value]) => [
      field.toWellFormed(),
      typeof value === 'string' ? value.toWellFormed() : value,
    ]),
  );
}

/** Thrown by encodeValue() inside encodeRowChunks(), turned into a RowDataError for the current field. */
class CellProblem extends Error {
  constructor(readonly problem: string) {
    super(problem);
  }
}

function cellProblem(problem: string): never {
  throw new CellProblem(problem);
}

/** Whether `row` is an object without a single field of its own (`{}`). */
function isEmptyObject(row: unknown): boolean {
  if (row === null || typeof row !== 'object' || Array.isArray(row)) return false;
  for (const field in row) if (Object.hasOwn(row, field)) return false;
  return true;
}

/** COPY text of a JSON text: JSON.stringify escapes every control character, so only `\` needs escaping. */
function copyEscapeJson(json: string): string {
  return json.includes('\\') ? json.replaceAll('\\', '\\\\') : json;
}

/**
 * Turns parsed rows into COPY text, one line per row:
 * `<frame.before>_administration, <columns…>, _raw[, _entry_day]<frame.after>`, in chunks of
 * `chunkRows` lines. Every row is validated before this returns (nothing reaches COPY when one is
 * bad): throws RowDataError naming connector, field and row key on the first bad value, or on the
 * first empty row (`{}`) before any row is encoded (as encodeScannedRows() does).
 */
export function encodeRowChunks(
  dataset: ResolvedDataset,
  rows: readonly RawRow[],
  context: RowContext,
  chunkRows: number,
  frame: LineFrame,
): string[] {
  const empty = rows.findIndex(isEmptyObject);
  if (empty >= 0) throw emptyRowError(dataset, empty, context.page);
  const chunks: string[] = [];
  const columns = dataset.columns;
  const keys = new Set(dataset.keyFields);
  const isKey = columns.map((column) => keys.has(column.field));
  const fields = columns.map((column) => column.field);
  const kinds = columns.map(columnKind);
  const plain = context.plain === true;
  const administrationField = dataset.administrationField;
  const entryDateField = dataset.entryDateField;
  // A chunk's pieces, joined into one flat string when the chunk is full. Building lines with `+=`
  // instead leaves a tree of ~40 cons-string nodes per row that lives until COPY sends the chunk:
  // the garbage collector copied those trees again and again (most of the worker's GC time).
  const parts: string[] = [];
  let inChunk = 0;
  for (let index = 0; index < rows.length; index++) {
    const original = rows[index] as RawRow;
    const failAt = (field: string, problem: string): never => {
      throw new RowDataError(
        dataset.connectorId,
        field,
        rowKeyText(dataset, original),
        problem,
        context.page,
      );
    };
    if (original === null || typeof original !== 'object' || Array.isArray(original)) {
      failAt('(row)', `row ${index} is not a JSON object`);
    }
    const row = plain ? original : cleanRaw(original, failAt);
    let administration = 0;
    if (administrationField) {
      const value = fieldValue(row, administrationField);
      if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > 2_147_483_647) {
        failAt(administrationField, `expected an administration number, got ${describe(value)}`);
      }
      administration = value as number;
      if (context.administration !== undefined && administration !== context.administration) {
        failAt(
          administrationField,
          `row belongs to administration ${administration}, but administration ${context.administration} was asked for`,
        );
      }
    }
    parts.push(frame.before, String(administration));
    for (let c = 0; c < columns.length; c++) {
      const raw = fieldValue(row, fields[c] as string);
      let cell: string | undefined;
      if (raw === null || raw === undefined) {
        if (isKey[c]) failAt(fields[c] as string, `key field is empty (${rowPosition(index, context.page)})`);
        cell = NULL;
      } else {
        // The common shapes inline; every other value (and every bad one) through encodeValue().
        switch (kinds[c]) {
          case KIND_STRING:
            if (plain && typeof raw === 'string') cell = raw;
            break;
          case KIND_INT:
            if (typeof raw === 'number' && Number.isSafeInteger(raw)) cell = String(raw);
            break;
          case KIND_NUMBER:
            if (typeof raw === 'number' && Number.isFinite(raw)) cell = String(raw);
            break;
          case KIND_DATE:
            if (typeof raw === 'string') cell = wallTime(raw);
            break;
        }
        if (cell === undefined) {
          try {
            cell = encodeValue(dataset.columns[c] as (typeof columns)[number], raw, cellProblem);
          } catch (error) {
            if (error instanceof CellProblem) failAt(fields[c] as string, error.problem);
            throw error;
          }
        }
      }
      parts.push('\t', cell);
    }
    const json = JSON.stringify(row);
    parts.push('\t', plain ? json : copyEscapeJson(json));
    if (entryDateField) {
      const day = fieldValue(row, entryDateField);
      parts.push('\t', typeof day === 'string' ? day.slice(0, 10) : NULL);
    }
    parts.push(frame.after, '\n');
    if (++inChunk === chunkRows) {
      chunks.push(parts.join(''));
      parts.length = 0;
      inChunk = 0;
    }
  }
  if (inChunk > 0) chunks.push(parts.join(''));
  return chunks;
}
