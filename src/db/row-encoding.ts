import type { ColumnSpec, ResolvedDataset } from './dataset-schema.js';

/** A raw AFAS row as the client yields it. */
export type RawRow = Readonly<Record<string, string | number | boolean | null | undefined>>;

/** Bad data in one row: names connector, field and the row's key, so the customer can find it. */
export class RowDataError extends Error {
  constructor(
    readonly connectorId: string,
    readonly field: string,
    readonly rowKey: string,
    problem: string,
    readonly page?: number,
  ) {
    super(`connector ${connectorId}, row ${rowKey}, field '${field}': ${problem}`);
    this.name = 'RowDataError';
  }
}

const NULL = '\\N';
const INTEGER = /^-?\d{1,30}$/;
/** PostgreSQL `bigint` bounds: a value outside fails here, naming the field, not as a bare SQL error. */
const BIGINT_MIN = -(2n ** 63n);
const BIGINT_MAX = 2n ** 63n - 1n;
/** Longest rendering of one key value in an error message (a key may be megabytes of text). */
const KEY_VALUE_CHARS = 80;
const DECIMAL = /^-?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d{1,4})?$/;
const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d{1,6})?Z?$/;
const DAYS_IN_MONTH = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** COPY text format: backslash, tab, newline and carriage return are escaped. */
export function copyEscape(text: string): string {
  if (!/[\\\t\n\r]/.test(text)) return text;
  return text.replace(/[\\\t\n\r]/g, (char) =>
    char === '\\' ? '\\\\' : char === '\t' ? '\\t' : char === '\n' ? '\\n' : '\\r',
  );
}

function describe(raw: unknown): string {
  if (typeof raw === 'string')
    return `${JSON.stringify(raw.length > 60 ? `${raw.slice(0, 60)}…` : raw)} (string)`;
  if (raw !== null && typeof raw === 'object') {
    const json = JSON.stringify(raw);
    return `${json.length > 60 ? `${json.slice(0, 60)}…` : json} (${Array.isArray(raw) ? 'array' : 'object'})`;
  }
  return `${String(raw)} (${raw === null ? 'null' : typeof raw})`;
}

/** An integer's decimal text when it fits `bigint`, else undefined. */
function bigintText(raw: number | string): string | undefined {
  const value = BigInt(raw);
  return value >= BIGINT_MIN && value <= BIGINT_MAX ? value.toString() : undefined;
}

/** The value of `count` ASCII digits at `from`, or -1 when one of them is not a digit. */
function digitsAt(text: string, from: number, count: number): number {
  let value = 0;
  for (let i = from; i < from + count; i++) {
    const c = text.charCodeAt(i) - 48;
    if (c < 0 || c > 9) return -1;
    value = value * 10 + c;
  }
  return value;
}

/** Same calendar and clock checks as wallTime(), on numbers. */
function validWallTime(year: number, month: number, day: number, h: number, mi: number, s: number): boolean {
  if (year < 1 || month < 1 || month > 12 || day < 1) return false;
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  if (day > (month === 2 && !leap ? 28 : (DAYS_IN_MONTH[month - 1] ?? 0))) return false;
  return h <= 23 && mi <= 59 && s <= 59;
}

/** Validates an AFAS wall-clock timestamp; returns `YYYY-MM-DD HH:MM:SS[.ffffff]` or undefined. */
export function wallTime(raw: string): string | undefined {
  // Fast path for the usual `YYYY-MM-DDTHH:MM:SS[Z]` (no fraction): the same checks as DATE_TIME
  // and below, without a regex match array per value (three date fields on every journal line).
  const length = raw.length;
  if (
    (length === 19 || (length === 20 && raw.charCodeAt(19) === 90)) &&
    raw.charCodeAt(4) === 45 &&
    raw.charCodeAt(7) === 45 &&
    raw.charCodeAt(10) === 84 &&
    raw.charCodeAt(13) === 58 &&
    raw.charCodeAt(16) === 58
  ) {
    const year = digitsAt(raw, 0, 4);
    const month = digitsAt(raw, 5, 2);
    const day = digitsAt(raw, 8, 2);
    const h = digitsAt(raw, 11, 2);
    const mi = digitsAt(raw, 14, 2);
    const s = digitsAt(raw, 17, 2);
    if (year < 0 || month < 0 || day < 0 || h < 0 || mi < 0 || s < 0) return undefined;
    if (!validWallTime(year, month, day, h, mi, s)) return undefined;
    return `${raw.slice(0, 10)} ${raw.slice(11, 19)}`;
  }
  const match = DATE_TIME.exec(raw);
  if (!match) return undefined;
  const [, y, mo, d, h, mi, s, frac] = match as unknown as [
    string,
    string,
    string,
    string,
    string,
    string,
    string,
    string?,
  ];
  if (!validWallTime(Number(y), Number(mo), Number(d), Number(h), Number(mi), Number(s))) return undefined;
  return `${y}-${mo}-${d} ${h}:${mi}:${s}${frac ?? ''}`;
}

function safeText(value: string, fail: (problem: string) => never): string {
  if (value.includes('\u0000')) fail('contains a NUL character, which PostgreSQL text cannot hold');
  return value.isWellFormed() ? value : value.toWellFormed();
}

/** Encodes one raw value for the COPY stage (dates stay Amsterdam wall time; SQL converts them). */
export function encodeValue(column: ColumnSpec, raw: unknown, fail: (problem: string) => never): string {
  if (raw === null || raw === undefined) return NULL;
  switch (column.dataType) {
    case 'string':
      if (typeof raw === 'string') return copyEscape(safeText(raw, fail));
      if (typeof raw === 'number' || typeof raw === 'boolean') return String(raw);
      return fail(`expected a string, got ${describe(raw)}`);
    case 'int': {
      // A safe integer prints the same as its BigInt (and fits bigint): skip the BigInt round trip.
      if (typeof raw === 'number' && Number.isSafeInteger(raw)) return String(raw);
      const integer =
        (typeof raw === 'number' && Number.isInteger(raw)) || (typeof raw === 'string' && INTEGER.test(raw));
      if (!integer) return fail(`expected an integer, got ${describe(raw)}`);
      return (
        bigintText(raw) ??
        fail(`integer ${BigInt(raw).toString()} is outside the 64-bit range of a bigint column`)
      );
    }
    case 'decimal':
      if (typeof raw === 'number' && Number.isFinite(raw)) return String(raw);
      if (typeof raw === 'string' && DECIMAL.test(raw)) return raw;
      return fail(`expected a decimal number, got ${describe(raw)}`);
    case 'boolean':
      if (typeof raw === 'boolean') return raw ? 't' : 'f';
      return fail(`expected true or false, got ${describe(raw)}`);
    case 'date': {
      const wall = typeof raw === 'string' ? wallTime(raw) : undefined;
      if (wall === undefined) return fail(`expected a date like 2024-03-31T00:00:00Z, got ${describe(raw)}`);
      return wall;
    }
    case 'blob':
      if (typeof raw === 'string') return `\\\\x${Buffer.from(safeText(raw, fail), 'utf8').toString('hex')}`;
      return fail(`expected text for a blob field, got ${describe(raw)}`);
  }
}

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

/** A row's own value for a field: `constructor` or `__proto__` must not resolve to Object.prototype's. */
export function fieldValue(row: Readonly<Record<string, unknown>>, field: string): unknown {
  return Object.hasOwn(row, field) ? row[field] : undefined;
}

function keyValueText(value: unknown): string {
  const text = JSON.stringify(value ?? null) ?? String(value);
  return text.length > KEY_VALUE_CHARS ? `${text.slice(0, KEY_VALUE_CHARS)}…` : text;
}

/** The row's key as `(Field=value, …)` for messages; long values are cut, a non-object row says so. */
export function rowKeyText(dataset: ResolvedDataset, row: unknown): string {
  if (row === null || typeof row !== 'object' || Array.isArray(row)) return '(not an object)';
  const record = row as Readonly<Record<string, unknown>>;
  const parts = [
    ...(dataset.administrationField ? [dataset.administrationField] : []),
    ...dataset.keyFields,
  ].map((field) => `${field}=${keyValueText(fieldValue(record, field))}`);
  return `(${parts.join(', ')})`;
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

/** COPY text of a JSON text: JSON.stringify escapes every control character, so only `\` needs escaping. */
function copyEscapeJson(json: string): string {
  return json.includes('\\') ? json.replaceAll('\\', '\\\\') : json;
}

/**
 * Rows per COPY text chunk: a few hundred KB, so no page-sized string is ever built. (150-row
 * chunks, below V8's 128 KB large-object size, measured worse: 379 instead of 280 young-generation
 * collections per 1M rows, the same number of full ones.)
 */
export const COPY_CHUNK_ROWS = 500;

/**
 * The row keys a writer has staged, as their encoded COPY text (administration + key columns), to
 * spot a key that comes twice without asking PostgreSQL.
 */
export interface StagedKeys {
  readonly seen: Set<string>;
  /** Set once a key was seen twice. */
  repeated: boolean;
}

/** Fixed COPY text around every line, for columns the rows do not hold (source and run of a direct append). */
export interface LineFrame {
  /** Put before `_administration`, including its tab. */
  readonly before: string;
  /** Put after the last column, including its tab. */
  readonly after: string;
}

/**
 * Turns raw rows into COPY text for the stage table, one line per row:
 * `_administration, <columns…>, _raw, _entry_day`, in chunks of `chunkRows` lines; `frame` adds
 * fixed columns around each line.
 * Every row is validated before this returns (nothing reaches COPY when one is bad).
 * Throws RowDataError on the first bad value. With `stagedKeys`, records each row's key there.
 */
export function encodeRowChunks(
  dataset: ResolvedDataset,
  rows: readonly RawRow[],
  context: { page?: number; administration?: number },
  chunkRows = COPY_CHUNK_ROWS,
  stagedKeys?: StagedKeys,
  frame: LineFrame = { before: '', after: '' },
): string[] {
  const chunks: string[] = [];
  const columns = dataset.columns;
  const keys = new Set(dataset.keyFields);
  const isKey = columns.map((column) => keys.has(column.field));
  // A chunk's pieces, joined into one flat string when the chunk is full. Building it with `+=`
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
    const row = cleanRaw(original, failAt);
    let administration = 0;
    if (dataset.administrationField) {
      const value = fieldValue(row, dataset.administrationField);
      if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > 2_147_483_647) {
        failAt(dataset.administrationField, `expected an administration number, got ${describe(value)}`);
      }
      administration = value as number;
      if (context.administration !== undefined && administration !== context.administration) {
        failAt(
          dataset.administrationField,
          `row belongs to administration ${administration}, but administration ${context.administration} was asked for`,
        );
      }
    }
    let line = frame.before + String(administration);
    let key = stagedKeys ? String(administration) : '';
    for (let c = 0; c < columns.length; c++) {
      const column = columns[c] as ColumnSpec;
      const raw = fieldValue(row, column.field);
      if ((raw === null || raw === undefined) && isKey[c]) failAt(column.field, 'key field is empty');
      try {
        const cell = encodeValue(column, raw, cellProblem);
        line += `\t${cell}`;
        if (stagedKeys && isKey[c]) key += `\t${cell}`;
      } catch (error) {
        if (error instanceof CellProblem) failAt(column.field, error.problem);
        throw error;
      }
    }
    if (stagedKeys) {
      if (stagedKeys.seen.has(key)) stagedKeys.repeated = true;
      else stagedKeys.seen.add(key);
    }
    line += `\t${copyEscapeJson(JSON.stringify(row))}`;
    if (dataset.entryDateField) {
      const day = fieldValue(row, dataset.entryDateField);
      line += `\t${typeof day === 'string' ? day.slice(0, 10) : NULL}`;
    }
    parts.push(line + frame.after);
    if (++inChunk === chunkRows) {
      parts.push(''); // the last line's newline
      chunks.push(parts.join('\n'));
      parts.length = 0;
      inChunk = 0;
    }
  }
  if (inChunk > 0) {
    parts.push('');
    chunks.push(parts.join('\n'));
  }
  return chunks;
}

/**
 * Turns raw rows into COPY text lines for the stage table:
 * `_administration, <columns…>, _raw, _entry_day`.
 * Throws RowDataError on the first bad value.
 */
export function encodeRows(
  dataset: ResolvedDataset,
  rows: readonly RawRow[],
  context: { page?: number; administration?: number },
): string {
  return encodeRowChunks(dataset, rows, context).join('');
}
