// Raw AFAS values → typed JavaScript values, per metainfo data type: the soak's own oracle for
// what a stored column must hold, written independently of the product's converter (src/codec)
// so that a mistake there cannot hide here.
import { parseAfasDateTime } from '../../src/afas/amsterdam-time.js';
import { AfasDataError } from '../../src/afas/errors.js';
import { numberToPlainDecimal, toPlainDecimal } from '../../src/afas/json.js';
import type { AfasDataType } from '../../src/afas/values.js';

/** What each data type converts to (besides null, which stays null). */
export interface AfasTypedValues {
  string: string;
  blob: string;
  /** A number when it is a safe integer, else its exact decimal string. */
  int: number | string;
  /** Exact decimal string in plain notation, e.g. "1806.22", "-0.5", "0". */
  decimal: string;
  /** The real instant (AFAS's wall time is Europe/Amsterdam despite the trailing `Z`). */
  date: Date;
  boolean: boolean;
}

export type AfasValue = AfasTypedValues[AfasDataType] | null;

export interface ValueField<T extends AfasDataType = AfasDataType> {
  readonly id: string;
  readonly dataType: T;
}

export interface ValueContext {
  readonly connector?: string;
  /** The row's key, e.g. "UnitId=1, EntryNo=5"; see formatRowKey. */
  readonly rowKey?: string;
}

const INTEGER = /^[+-]?\d+$/;

function describeRaw(raw: unknown): string {
  let text: string;
  try {
    text = JSON.stringify(raw) ?? String(raw);
  } catch {
    text = String(raw);
  }
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

function fail(field: ValueField, raw: unknown, expected: string, context: ValueContext | undefined): never {
  const connector = context?.connector ?? '(unknown connector)';
  const rowKey = context?.rowKey ?? '(unknown)';
  throw new AfasDataError(
    `AFAS data error in connector ${connector}, field ${field.id} (${field.dataType}), row ${rowKey}: ` +
      `expected ${expected}, got ${describeRaw(raw)}`,
    connector,
    field.id,
    rowKey,
  );
}

function convertInt(field: ValueField, raw: unknown, context?: ValueContext): number | string {
  if (typeof raw === 'number') {
    if (!Number.isInteger(raw)) fail(field, raw, 'an integer', context);
    return Number.isSafeInteger(raw) ? raw + 0 : numberToPlainDecimal(raw);
  }
  if (typeof raw === 'string' && INTEGER.test(raw)) {
    const plain = toPlainDecimal(raw) ?? fail(field, raw, 'an integer', context);
    const n = Number(plain);
    return Number.isSafeInteger(n) ? n + 0 : plain;
  }
  return fail(field, raw, 'an integer', context);
}

function convertDecimal(field: ValueField, raw: unknown, context?: ValueContext): string {
  if (typeof raw === 'number') {
    if (!Number.isFinite(raw)) fail(field, raw, 'a finite decimal', context);
    return numberToPlainDecimal(raw);
  }
  if (typeof raw === 'string') return toPlainDecimal(raw) ?? fail(field, raw, 'a decimal number', context);
  return fail(field, raw, 'a decimal number', context);
}

function convertDate(field: ValueField, raw: unknown, context?: ValueContext): Date {
  if (typeof raw === 'string') {
    const date = parseAfasDateTime(raw);
    if (date !== null) return date;
  }
  return fail(field, raw, 'a valid date-time "YYYY-MM-DDTHH:MM:SSZ"', context);
}

function convertBoolean(field: ValueField, raw: unknown, context?: ValueContext): boolean {
  if (typeof raw === 'boolean') return raw;
  return fail(field, raw, 'true or false', context);
}

function convertString(field: ValueField, raw: unknown, context?: ValueContext): string {
  if (typeof raw === 'string') return raw;
  if (typeof raw === 'number' && Number.isFinite(raw)) return numberToPlainDecimal(raw);
  if (typeof raw === 'boolean') return String(raw);
  return fail(field, raw, 'a string', context);
}

type Converter = (field: ValueField, raw: unknown, context?: ValueContext) => Exclude<AfasValue, null>;

const CONVERTERS: Readonly<Record<string, Converter | undefined>> = {
  string: convertString,
  blob: convertString,
  int: convertInt,
  decimal: convertDecimal,
  date: convertDate,
  boolean: convertBoolean,
} satisfies Record<AfasDataType, Converter>;

/**
 * Converts one raw JSON value according to the field's metainfo data type. null (and a missing
 * value) stays null. Throws AfasDataError naming connector, field and row key on a wrong type or an
 * impossible date.
 */
export function convertValue<T extends AfasDataType>(
  field: ValueField<T>,
  raw: unknown,
  context?: ValueContext,
): AfasTypedValues[T] | null {
  if (raw === null || raw === undefined) return null;
  const converter = CONVERTERS[field.dataType];
  if (converter === undefined) return fail(field, raw, 'a known AFAS data type in the metainfo', context);
  return converter(field, raw, context) as AfasTypedValues[T];
}

/** The row's key as "Field=value, …" for error messages. */
export function formatRowKey(row: Readonly<Record<string, unknown>>, keyFields: readonly string[]): string {
  if (keyFields.length === 0) return '(no key fields)';
  return keyFields.map((k) => `${k}=${describeRaw(row[k])}`).join(', ');
}

export interface RowConverterOptions {
  readonly connector: string;
  readonly fields: readonly ValueField[];
  /** Key fields, used in error messages and required to be present and non-null. */
  readonly keyFields?: readonly string[];
}

export type TypedRow = Record<string, AfasValue>;

/**
 * A converter for whole rows: every metainfo field (missing → null), typed; fields not in the
 * metainfo are dropped. A missing or null key field is an AfasDataError.
 */
export function createRowConverter(
  options: RowConverterOptions,
): (row: Readonly<Record<string, unknown>>) => TypedRow {
  const keyFields = options.keyFields ?? [];
  const compiled = options.fields.map((field) => ({ field, convert: CONVERTERS[field.dataType] }));
  return (row) => {
    // The key text is only built when an error needs it.
    const context: ValueContext = {
      connector: options.connector,
      get rowKey() {
        return formatRowKey(row, keyFields);
      },
    };
    for (const key of keyFields) {
      const value = row[key];
      if (value === null || value === undefined) {
        throw new AfasDataError(
          `AFAS data error in connector ${options.connector}, row ${formatRowKey(row, keyFields)}: ` +
            `key field ${key} is missing or null`,
          options.connector,
          key,
          formatRowKey(row, keyFields),
        );
      }
    }
    const out: TypedRow = {};
    for (const { field, convert } of compiled) {
      const raw = row[field.id];
      if (raw === null || raw === undefined) {
        out[field.id] = null;
      } else if (convert === undefined) {
        fail(field, raw, 'a known AFAS data type in the metainfo', context);
      } else {
        out[field.id] = convert(field, raw, context);
      }
    }
    return out;
  };
}
