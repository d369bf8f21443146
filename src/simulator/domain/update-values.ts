import { parseWallDateTime, startOfWallDay } from '../amsterdam-time.js';
import type { LocalizedText } from '../connectors/types.js';
import { scaledFromInput } from '../decimal.js';
import { profitErrors } from '../messages.js';

/**
 * Reading UpdateConnector `Fields` values. AFAS accepts strings as well as native JSON numbers and
 * booleans ("Year": "2024" or 2024, "AuNu": "1" or true); `null` and `""` mean "not filled".
 */
export type Fields = Readonly<Record<string, unknown>>;

export function isFilled(value: unknown): boolean {
  return value !== undefined && value !== null && value !== '';
}

function require(fields: Fields, id: string, label: LocalizedText, mandatory: boolean): unknown {
  const value = fields[id];
  if (!isFilled(value)) {
    if (mandatory) throw profitErrors.mandatoryField(label);
    return undefined;
  }
  return value;
}

function display(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/** Reads one field: its value converted, or undefined when it is not filled (unless mandatory). */
interface FieldReader<T> {
  (fields: Fields, id: string, label: LocalizedText, mandatory: true): T;
  (fields: Fields, id: string, label: LocalizedText, mandatory: boolean): T | undefined;
}

/** A reader that converts a filled value with `convert`, which returns undefined for a wrong type. */
function fieldReader<T>(convert: (value: unknown) => T | undefined): FieldReader<T> {
  function read(fields: Fields, id: string, label: LocalizedText, mandatory: true): T;
  function read(fields: Fields, id: string, label: LocalizedText, mandatory: boolean): T | undefined;
  function read(fields: Fields, id: string, label: LocalizedText, mandatory: boolean): T | undefined {
    const value = require(fields, id, label, mandatory);
    if (value === undefined) return undefined;
    const converted = convert(value);
    if (converted === undefined) throw profitErrors.typeMismatch(label, display(value));
    return converted;
  }
  return read;
}

export const readInt = fieldReader<number>((value) => {
  const number =
    typeof value === 'number'
      ? value
      : typeof value === 'string' && /^\s*-?\d+\s*$/.test(value)
        ? Number(value)
        : NaN;
  return Number.isSafeInteger(number) ? number : undefined;
});

export const readString = fieldReader<string>((value) => {
  if (typeof value === 'string') return value;
  return typeof value === 'number' || typeof value === 'boolean' ? String(value) : undefined;
});

/** A date field as the wall seconds of its day (midnight). */
export const readDate = fieldReader<number>((value) => {
  const parsed = typeof value === 'string' ? parseWallDateTime(value) : undefined;
  return parsed === undefined ? undefined : startOfWallDay(Math.floor(parsed));
});

/** A decimal field as an integer scaled by 10^scale (rounded half away from zero); 0 when empty. */
export function readScaled(fields: Fields, id: string, label: LocalizedText, scale: number): number {
  const value = require(fields, id, label, false);
  if (value === undefined) return 0;
  const scaled = scaledFromInput(value, scale);
  if (scaled === undefined) throw profitErrors.typeMismatch(label, display(value));
  return scaled;
}

export function readBoolean(fields: Fields, id: string, label: LocalizedText): boolean {
  const value = require(fields, id, label, false);
  if (value === undefined) return false;
  if (value === true || value === 1 || value === '1' || value === 'true' || value === 'True') return true;
  if (value === false || value === 0 || value === '0' || value === 'false' || value === 'False') return false;
  throw profitErrors.typeMismatch(label, display(value));
}
