import {
  FIELD_SLOTS,
  ROW_SLOTS,
  VALUE_FALSE,
  VALUE_NULL,
  VALUE_NUMBER,
  VALUE_STRING,
  VALUE_TRUE,
  type ScannedPage,
} from '../afas/page-scan.js';
import type { ColumnSpec, ResolvedDataset } from './dataset-schema.js';
import type { PageBufferPool } from './page-buffers.js';

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

/**
 * Validates an AFAS wall-clock timestamp; returns it as `YYYY-MM-DDTHH:MM:SS[.ffffff]` (ISO 8601
 * without a zone, which PostgreSQL reads as wall time), or undefined.
 */
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
    return length === 19 ? raw : raw.slice(0, 19);
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
  return `${y}-${mo}-${d}T${h}:${mi}:${s}${frac ?? ''}`;
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

/**
 * A row's own value for a field: `constructor` or `__proto__` must not resolve to Object.prototype's.
 * Only an object or a function can be inherited from there, so a primitive value needs no
 * Object.hasOwn (this runs for every cell of every row).
 */
export function fieldValue(row: Readonly<Record<string, unknown>>, field: string): unknown {
  const value = row[field];
  if (value === undefined || (typeof value !== 'object' && typeof value !== 'function')) return value;
  return value === null || Object.hasOwn(row, field) ? value : undefined;
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

/** Where a page's rows came from, for error messages and the administration check. */
export interface RowContext {
  page?: number;
  administration?: number;
  /**
   * The rows were parsed from JSON text without a single backslash (see AfasPage.plain): then no
   * string in them, name or value, holds a NUL, a lone surrogate, a quote, a backslash or any
   * control character (JSON can only write those escaped), so nothing needs cleaning or escaping.
   */
  plain?: boolean;
}

/**
 * Column kinds with a fast path in encodeRowChunks() and encodeScannedRows(); anything else goes
 * through encodeValue().
 */
const KIND_OTHER = 0;
const KIND_STRING = 1;
const KIND_NUMBER = 2;
const KIND_INT = 3;
const KIND_DATE = 4;
const KIND_BOOLEAN = 5;

function columnKind(column: ColumnSpec): number {
  switch (column.dataType) {
    case 'string':
      return KIND_STRING;
    case 'decimal':
      return KIND_NUMBER;
    case 'int':
      return KIND_INT;
    case 'date':
      return KIND_DATE;
    case 'boolean':
      return KIND_BOOLEAN;
    default:
      return KIND_OTHER;
  }
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
  context: RowContext,
  chunkRows = COPY_CHUNK_ROWS,
  stagedKeys?: StagedKeys,
  frame: LineFrame = { before: '', after: '' },
): string[] {
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
    let key = stagedKeys ? String(administration) : '';
    for (let c = 0; c < columns.length; c++) {
      const raw = fieldValue(row, fields[c] as string);
      let cell: string | undefined;
      if (raw === null || raw === undefined) {
        if (isKey[c]) failAt(fields[c] as string, 'key field is empty');
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
            cell = encodeValue(columns[c] as ColumnSpec, raw, cellProblem);
          } catch (error) {
            if (error instanceof CellProblem) failAt(fields[c] as string, error.problem);
            throw error;
          }
        }
      }
      parts.push('\t', cell);
      if (stagedKeys && isKey[c]) key += `\t${cell}`;
    }
    if (stagedKeys) {
      if (stagedKeys.seen.has(key)) stagedKeys.repeated = true;
      else stagedKeys.seen.add(key);
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

/**
 * Whether bytes[from, to), a valid JSON number literal, prints back unchanged through
 * String(Number(literal)), which is what encodeValue() writes for a number: no exponent, no
 * trailing fraction zero, at most 15 digits (so the double is exact and prints without an
 * exponent), not "-0", and not below 1e-6 (which String() writes with an exponent).
 */
function printsAsItself(bytes: Buffer, from: number, to: number, integer: boolean): boolean {
  const negative = bytes[from] === 45;
  const start = negative ? from + 1 : from;
  let dot = -1;
  for (let i = start; i < to; i++) {
    const c = bytes[i] as number;
    if (c === 46) dot = i;
    else if (c < 48 || c > 57) return false; // e, E, +, -: an exponent
  }
  if (dot < 0) return to - start <= 15 && !(negative && to - start === 1 && bytes[start] === 48);
  if (integer || to - start - 1 > 15 || bytes[to - 1] === 48) return false;
  // "0.000000x" and smaller print with an exponent.
  if (dot !== start + 1 || bytes[start] !== 48) return true;
  for (let i = dot + 1; i < dot + 7; i++) if (bytes[i] !== 48) return true;
  return false;
}

/** The value of `count` ASCII digits at `from`, or -1 when one of them is not a digit. */
function digitsIn(bytes: Buffer, from: number, count: number): number {
  let value = 0;
  for (let i = from; i < from + count; i++) {
    const c = (bytes[i] ?? 0) - 48;
    if (c < 0 || c > 9) return -1;
    value = value * 10 + c;
  }
  return value;
}

/**
 * The AFAS wall-clock timestamp at bytes[from, to) as wallTime() checks it: how many of its
 * bytes form the COPY value (all but a final `Z`), or -1 when it is not one.
 */
function wallTimeBytes(bytes: Buffer, from: number, to: number): number {
  let end = to;
  if (bytes[end - 1] === 90) end--; // Z
  const length = end - from;
  if (length < 19 || length > 26 || (length > 19 && (length === 20 || bytes[from + 19] !== 46))) return -1;
  if (
    bytes[from + 4] !== 45 ||
    bytes[from + 7] !== 45 ||
    bytes[from + 10] !== 84 ||
    bytes[from + 13] !== 58 ||
    bytes[from + 16] !== 58
  )
    return -1;
  for (let i = from + 20; i < end; i++)
    if (!((bytes[i] as number) >= 48 && (bytes[i] as number) <= 57)) return -1;
  const year = digitsIn(bytes, from, 4);
  const month = digitsIn(bytes, from + 5, 2);
  const day = digitsIn(bytes, from + 8, 2);
  const h = digitsIn(bytes, from + 11, 2);
  const mi = digitsIn(bytes, from + 14, 2);
  const s = digitsIn(bytes, from + 17, 2);
  if (year < 0 || month < 0 || day < 0 || h < 0 || mi < 0 || s < 0) return -1;
  return validWallTime(year, month, day, h, mi, s) ? length : -1;
}

/** Copies bytes[from, to) into `out` at `at`; returns the position after it. */
function put(bytes: Buffer, from: number, to: number, out: Buffer, at: number): number {
  if (to - from > 48) return at + bytes.copy(out, at, from, to);
  let position = at;
  for (let i = from; i < to; i++) out[position++] = bytes[i] as number;
  return position;
}

const TAB = 9;
const NEWLINE = 10;
const NULL_BYTES = Buffer.from(NULL);

/**
 * encodeRowChunks() for a page that was scanned instead of parsed (see afas/page-scan): cells and
 * each row's `_raw` are copied from the page's UTF-8 JSON bytes, which hold no escape, straight
 * into COPY bytes. No row object is built, no number printed again, no string encoded for the
 * socket. The lines are the ones encodeRowChunks() writes for the same rows (the `_raw` JSON is
 * AFAS's own text, which jsonb stores the same). Returns null when a row needs more than copying:
 * a value of an unexpected type or form, a missing key, a repeated field, another administration.
 * The caller then encodes the parsed rows with encodeRowChunks(), which also names what is wrong.
 */
export function encodeScannedRows(
  dataset: ResolvedDataset,
  page: ScannedPage,
  context: RowContext,
  frame: LineFrame,
  chunkRows = COPY_CHUNK_ROWS,
  buffers?: PageBufferPool,
): { chunks: Buffer[]; buffer: Buffer | null } | null {
  const { bytes, rowBounds, fields: tokens, rowCount } = page;
  const columns = dataset.columns;
  const keys = new Set(dataset.keyFields);
  // Slots: the columns, then the administration and entry-day fields when they are not columns.
  const names = columns.map((column) => column.field);
  const slotOf = new Map<string, number>();
  names.forEach((name, index) => {
    if (!slotOf.has(name)) slotOf.set(name, index);
  });
  const slotFor = (field: string | null | undefined): number => {
    if (!field) return -1;
    const known = slotOf.get(field);
    if (known !== undefined) return known;
    names.push(field);
    slotOf.set(field, names.length - 1);
    return names.length - 1;
  };
  const administrationSlot = slotFor(dataset.administrationField);
  const entryDaySlot = slotFor(dataset.entryDateField);
  const kinds = columns.map(columnKind);
  const isKey = columns.map((column) => keys.has(column.field));
  const before = Buffer.from(frame.before);
  const after = Buffer.from(frame.after);
  const tokenOf = new Int32Array(names.length);
  // Rows of one page nearly always list their fields in the same order: the field at position j is
  // compared with the name found there in the previous row before it is looked up.
  const guessName: Buffer[] = [];
  const guessSlot: number[] = [];
  // Worst case of a line: every cell and the row's JSON copied from the row, plus a tab and `\N`
  // per column, the frame, the administration, the entry day and the newline.
  const lineExtra = columns.length * 3 + before.length + after.length + 32;
  const chunks: Buffer[] = [];
  if (rowCount === 0) return { chunks, buffer: null };
  // One buffer for the whole page, its chunks views of it (from `buffers` when given): every
  // allocation outside V8's heap adds to the external memory that makes V8 collect early.
  const size =
    2 * ((rowBounds[(rowCount - 1) * ROW_SLOTS + 1] as number) - (rowBounds[0] as number)) +
    rowCount * lineExtra;
  const out = buffers ? buffers.acquire(size) : Buffer.allocUnsafeSlow(size);
  // A row that needs the parsed path gives the buffer back at once.
  const giveUp = (): null => {
    buffers?.release(out);
    return null;
  };
  let at = 0;
  for (let first = 0; first < rowCount; first += chunkRows) {
    const last = Math.min(rowCount, first + chunkRows);
    const chunkStart = at;
    for (let r = first; r < last; r++) {
      const row = r * ROW_SLOTS;
      const firstField = rowBounds[row + 2] as number;
      const fieldCount = rowBounds[row + 3] as number;
      tokenOf.fill(-1);
      for (let j = 0; j < fieldCount; j++) {
        const token = (firstField + j) * FIELD_SLOTS;
        const nameStart = tokens[token] as number;
        const nameEnd = tokens[token + 1] as number;
        const guess = guessName[j];
        let slot: number;
        if (guess !== undefined && sameBytes(bytes, nameStart, nameEnd, guess)) {
          slot = guessSlot[j] as number;
        } else {
          slot = slotOf.get(bytes.toString('utf8', nameStart, nameEnd)) ?? -1;
          guessName[j] = bytes.subarray(nameStart, nameEnd);
          guessSlot[j] = slot;
        }
        if (slot < 0) continue; // a field with no column: it is kept in _raw only
        if (tokenOf[slot] !== -1) return giveUp(); // the same field twice: JSON.parse keeps the last
        tokenOf[slot] = token;
      }
      at = put(before, 0, before.length, out, at);
      if (administrationSlot >= 0) {
        const token = tokenOf[administrationSlot] as number;
        if (token < 0 || tokens[token + 4] !== VALUE_NUMBER) return giveUp();
        const from = tokens[token + 2] as number;
        const to = tokens[token + 3] as number;
        if (bytes[from] === 45 || to - from > 10 || !printsAsItself(bytes, from, to, true)) return giveUp();
        const value = digitsIn(bytes, from, to - from);
        if (value > 2_147_483_647) return giveUp();
        if (context.administration !== undefined && value !== context.administration) return giveUp();
        at = put(bytes, from, to, out, at);
      } else {
        out[at++] = 48; // 0
      }
      for (let c = 0; c < columns.length; c++) {
        out[at++] = TAB;
        const token = tokenOf[c] as number;
        const kind = token < 0 ? VALUE_NULL : (tokens[token + 4] as number);
        if (kind === VALUE_NULL) {
          if (isKey[c]) return giveUp();
          at = put(NULL_BYTES, 0, 2, out, at);
          continue;
        }
        const from = tokens[token + 2] as number;
        let to = tokens[token + 3] as number;
        switch (kinds[c]) {
          case KIND_STRING:
            if (kind !== VALUE_STRING) return giveUp();
            break;
          case KIND_INT:
            if (kind !== VALUE_NUMBER || !printsAsItself(bytes, from, to, true)) return giveUp();
            break;
          case KIND_NUMBER:
            if (kind !== VALUE_NUMBER || !printsAsItself(bytes, from, to, false)) return giveUp();
            break;
          case KIND_DATE: {
            const length = kind === VALUE_STRING ? wallTimeBytes(bytes, from, to) : -1;
            if (length < 0) return giveUp();
            to = from + length;
            break;
          }
          case KIND_BOOLEAN:
            if (kind !== VALUE_TRUE && kind !== VALUE_FALSE) return giveUp();
            out[at++] = kind === VALUE_TRUE ? 116 : 102; // t, f
            continue;
          default:
            return giveUp(); // blob: hex-encoded by encodeValue()
        }
        at = put(bytes, from, to, out, at);
      }
      out[at++] = TAB;
      at = put(bytes, rowBounds[row] as number, rowBounds[row + 1] as number, out, at);
      if (entryDaySlot >= 0) {
        out[at++] = TAB;
        const token = tokenOf[entryDaySlot] as number;
        if (token >= 0 && tokens[token + 4] === VALUE_STRING) {
          const from = tokens[token + 2] as number;
          const to = tokens[token + 3] as number;
          // The first ten characters, as encodeRowChunks() takes them (ASCII in a valid date).
          const dayEnd = dayTextEnd(bytes, from, to);
          if (dayEnd < 0) return giveUp();
          at = put(bytes, from, dayEnd, out, at);
        } else {
          at = put(NULL_BYTES, 0, 2, out, at);
        }
      }
      at = put(after, 0, after.length, out, at);
      out[at++] = NEWLINE;
    }
    chunks.push(out.subarray(chunkStart, at));
  }
  return { chunks, buffer: buffers ? out : null };
}

/** Whether bytes[from, to) equals `name`. */
function sameBytes(bytes: Buffer, from: number, to: number, name: Buffer): boolean {
  if (to - from !== name.length) return false;
  for (let i = 0; i < name.length; i++) if (bytes[from + i] !== name[i]) return false;
  return true;
}

/** End of the first ten characters of bytes[from, to) when they are ASCII (else -1: the parsed path slices characters). */
function dayTextEnd(bytes: Buffer, from: number, to: number): number {
  const end = Math.min(to, from + 10);
  for (let i = from; i < end; i++) if ((bytes[i] as number) >= 0x80) return -1;
  return end;
}

/**
 * Turns raw rows into COPY text lines for the stage table:
 * `_administration, <columns…>, _raw, _entry_day`.
 * Throws RowDataError on the first bad value.
 */
export function encodeRows(dataset: ResolvedDataset, rows: readonly RawRow[], context: RowContext): string {
  return encodeRowChunks(dataset, rows, context).join('');
}
