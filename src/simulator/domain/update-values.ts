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

export function readInt(fields: Fields, id: string, label: LocalizedText, mandatory: true): number;
export function readInt(
  fields: Fields,
  id: string,
  label: LocalizedText,
  mandatory: boolean,
): number | undefined;
export function readInt(
  fields: Fields,
  id: string,
  label: LocalizedText,
  mandatory: boolean,
): number | undefined {
  const value = require(fields, id, label, mandatory);
  if (value === undefined) return undefined;
  const number =
    typeof value === 'number'
      ? value
      : typeof value === 'string' && /^\s*-?\d+\s*$/.test(value)
        ? Number(value)
        : NaN;
  if (!Number.isSafeInteger(number)) throw profitErrors.typeMismatch(label, display(value));
  return number;
}

export function readString(fields: Fields, id: string, label: LocalizedText, mandatory: true): string;
export function readString(
  fields: Fields,
  id: string,
  label: LocalizedText,
  mandatory: boolean,
): string | undefined;
export function readString(
  fields: Fields,
  id: string,
  label: LocalizedText,
  mandatory: boolean,
): string | undefined {
  const value = require(fields, id, label, mandatory);
  if (value === undefined) return undefined;
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  throw profitErrors.typeMismatch(label, display(value));
}

/** A date field as the wall seconds of its day (midnight). */
export function readDate(fields: Fields, id: string, label: LocalizedText, mandatory: true): number;
export function readDate(
  fields: Fields,
  id: string,
  label: LocalizedText,
  mandatory: boolean,
): number | undefined;
export function readDate(
  fields: Fields,
  id: string,
  label: LocalizedText,
  mandatory: boolean,
): number | undefined {
  const value = require(fields, id, label, mandatory);
  if (value === undefined) return undefined;
  const parsed = typeof value === 'string' ? parseWallDateTime(value) : undefined;
  if (parsed === undefined) throw profitErrors.typeMismatch(label, display(value));
  return startOfWallDay(Math.floor(parsed));
}

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
