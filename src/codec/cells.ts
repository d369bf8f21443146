// The one value converter: an AFAS value → its COPY text for a column of a given metainfo type.
// encodeValue() takes a parsed value; the byte checks below (wallTimeLength, printsAsItself) let
// the scanned encoder copy a value straight from the page's bytes exactly when encodeValue() would
// write those same bytes, and both encoders share them, so the rules exist once.
import type { ColumnSpec, ResolvedDataset } from '../db/dataset-schema.js';

/** A raw AFAS row as the client parses it. */
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

/** Where row `index` (0-based) of the page read from skip `page` stands, for error messages. */
export function rowPosition(index: number, page?: number): string {
  return page === undefined ? `row ${index} of the page` : `row ${index} of the page at skip ${page}`;
}

/**
 * An empty row (`{}`): it has no key, so no write path can take it. Both encoders check for one
 * before encoding any row.
 */
export function emptyRowError(dataset: ResolvedDataset, index: number, page?: number): RowDataError {
  return new RowDataError(
    dataset.connectorId,
    dataset.keyFields[0] ?? '(row)',
    rowKeyText(dataset, {}),
    `${rowPosition(index, page)} is empty ({}), so it has no key`,
    page,
  );
}

/** COPY's NULL. */
export const NULL = '\\N';
const INTEGER = /^-?\d{1,30}$/;
/** PostgreSQL `bigint` bounds: a value outside fails here, naming the field, not as a bare SQL error. */
const BIGINT_MIN = -(2n ** 63n);
const BIGINT_MAX = 2n ** 63n - 1n;
/** Longest rendering of one key value in an error message (a key may be megabytes of text). */
const KEY_VALUE_CHARS = 80;
const DECIMAL = /^-?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d{1,4})?$/;
const DAYS_IN_MONTH = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** COPY text format: backslash, tab, newline and carriage return are escaped. */
export function copyEscape(text: string): string {
  if (!/[\\\t\n\r]/.test(text)) return text;
  return text.replace(/[\\\t\n\r]/g, (char) =>
    char === '\\' ? '\\\\' : char === '\t' ? '\\t' : char === '\n' ? '\\n' : '\\r',
  );
}

/** A value as an error message shows it: cut to 60 characters, with its JSON type. */
export function describe(raw: unknown): string {
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
export function digitsIn(bytes: Uint8Array, from: number, count: number): number {
  let value = 0;
  for (let i = from; i < from + count; i++) {
    const c = (bytes[i] ?? 0) - 48;
    if (c < 0 || c > 9) return -1;
    value = value * 10 + c;
  }
  return value;
}

function validWallTime(year: number, month: number, day: number, h: number, mi: number, s: number): boolean {
  if (year < 1 || month < 1 || month > 12 || day < 1) return false;
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  if (day > (month === 2 && !leap ? 28 : (DAYS_IN_MONTH[month - 1] ?? 0))) return false;
  return h <= 23 && mi <= 59 && s <= 59;
}

/**
 * The AFAS wall-clock timestamp `YYYY-MM-DDTHH:MM:SS[.ffffff][Z]` at bytes[from, to): how many of
 * its bytes form the COPY value (all but a final `Z`: ISO 8601 without a zone, which PostgreSQL
 * reads as wall time), or -1 when it is not a real calendar date and clock time.
 */
export function wallTimeLength(bytes: Uint8Array, from: number, to: number): number {
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

/** wallTimeLength() for a parsed value: the COPY value, or undefined. (UTF-8, so no wide character passes for ASCII.) */
export function wallTime(raw: string): string | undefined {
  if (raw.length < 19 || raw.length > 27) return undefined;
  const length = wallTimeLength(Buffer.from(raw, 'utf8'), 0, Buffer.byteLength(raw, 'utf8'));
  return length < 0 ? undefined : raw.slice(0, length);
}

/**
 * Whether bytes[from, to), a valid JSON number literal, prints back unchanged through
 * String(Number(literal)), which is what encodeValue() writes for a number: no exponent, no
 * trailing fraction zero, at most 15 digits (so the double is exact and prints without an
 * exponent), not "-0", and not below 1e-6 (which String() writes with an exponent).
 */
export function printsAsItself(bytes: Uint8Array, from: number, to: number, integer: boolean): boolean {
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

/** Text PostgreSQL can hold: no NUL; lone surrogates replaced. */
export function safeText(value: string, fail: (problem: string) => never): string {
  if (value.includes('\u0000')) fail('contains a NUL character, which PostgreSQL text cannot hold');
  return value.isWellFormed() ? value : value.toWellFormed();
}

/** Encodes one parsed value for COPY (dates stay Amsterdam wall time; SQL converts them). */
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
 * A row's own value for a field: `constructor` or `__proto__` must not resolve to Object.prototype's.
 * Only an object or a function can be inherited from there, so a primitive value needs no
 * Object.hasOwn (this runs for every cell of every row).
 */
export function fieldValue(row: Readonly<Record<string, unknown>>, field: string): unknown {
  const value = row[field];
  if (value === undefined || (typeof value !== 'object' && typeof value !== 'function')) return value;
  return value === null || Object.hasOwn(row, field) ? value : undefined;
}

/** One key value as an error message shows it, cut to KEY_VALUE_CHARS. */
export function keyValueText(value: unknown): string {
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
