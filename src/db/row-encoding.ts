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

/** Validates an AFAS wall-clock timestamp; returns `YYYY-MM-DD HH:MM:SS[.ffffff]` or undefined. */
export function wallTime(raw: string): string | undefined {
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
  const year = Number(y);
  const month = Number(mo);
  const day = Number(d);
  if (year < 1 || month < 1 || month > 12 || day < 1) return undefined;
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  if (day > (month === 2 && !leap ? 28 : (DAYS_IN_MONTH[month - 1] ?? 0))) return undefined;
  if (Number(h) > 23 || Number(mi) > 59 || Number(s) > 59) return undefined;
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
  for (const [field, value] of Object.entries(row)) {
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
  const lines: string[] = new Array<string>(rows.length);
  const keys = new Set(dataset.keyFields);
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
    const cells: string[] = [String(administration)];
    for (const column of dataset.columns) {
      const raw = fieldValue(row, column.field);
      if ((raw === null || raw === undefined) && keys.has(column.field))
        failAt(column.field, 'key field is empty');
      cells.push(encodeValue(column, raw, (problem) => failAt(column.field, problem)));
    }
    cells.push(copyEscape(JSON.stringify(row)));
    if (dataset.entryDateField) {
      const day = fieldValue(row, dataset.entryDateField);
      cells.push(typeof day === 'string' ? day.slice(0, 10) : NULL);
    }
    lines[index] = cells.join('\t');
  }
  return lines.length > 0 ? `${lines.join('\n')}\n` : '';
}
