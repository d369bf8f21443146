// UpdateConnector bodies, DELETE key paths and response parsing (reference §6).

import { formatAfasFilterDateTime } from './amsterdam-time.js';
import { AfasUsageError } from './errors.js';
import { numberToPlainDecimal, parseAfasJson } from './json.js';
import { pathSegment } from './urls.js';

/**
 * A field value for an UpdateConnector. Dates are sent as Amsterdam wall time `YYYY-MM-DDTHH:MM:SS`
 * (pass a `YYYY-MM-DD` string for a date-only field); bigint as a decimal string.
 */
export type UpdateValue = string | number | boolean | bigint | Date | null;

export interface UpdateElement {
  /** Key attributes of the element, sent as `"@Key": value`. */
  readonly keys?: Readonly<Record<string, UpdateValue>>;
  readonly fields: Readonly<Record<string, UpdateValue>>;
  /** Sub-objects by name (e.g. `{ FiEntries: [...] }`), sent as the `Objects` array. */
  readonly objects?: Readonly<Record<string, UpdateElement | readonly UpdateElement[]>>;
}

/** `{ "<Root>": { "Element": {...} | [...] } }` */
export type UpdateEnvelope = Readonly<Record<string, { readonly Element: unknown }>>;

function wireValue(value: UpdateValue, what: string): string | number | boolean | null {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new AfasUsageError(`${what} is not a finite number`);
    return value;
  }
  if (value instanceof Date) {
    if (Number.isNaN(value.getTime())) throw new AfasUsageError(`${what} is an invalid Date`);
    return formatAfasFilterDateTime(value);
  }
  throw new AfasUsageError(`${what} has an unsupported type`);
}

function wireElement(element: UpdateElement, path: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(element.keys ?? {})) {
    out[`@${key}`] = wireValue(value, `key ${key} of ${path}`);
  }
  const fields: Record<string, unknown> = {};
  for (const [field, value] of Object.entries(element.fields)) {
    fields[field] = wireValue(value, `field ${field} of ${path}`);
  }
  out.Fields = fields;
  const objects = Object.entries(element.objects ?? {});
  if (objects.length > 0) {
    out.Objects = objects.map(([name, sub]) => ({
      [name]: { Element: wireElements(sub, `${path}/${name}`) },
    }));
  }
  return out;
}

function wireElements(element: UpdateElement | readonly UpdateElement[], path: string): unknown {
  return isElementList(element) ? element.map((e) => wireElement(e, path)) : wireElement(element, path);
}

function isElementList(
  element: UpdateElement | readonly UpdateElement[],
): element is readonly UpdateElement[] {
  return Array.isArray(element);
}

/**
 * Builds the documented envelope, e.g. `updateEnvelope('FiEntryPar', { fields: {...}, objects: { FiEntries: [...] } })`.
 * The root is usually the connector id, but not always (FiEntries → FiEntryPar, KnEmployee → AfasEmployee).
 */
export function updateEnvelope(
  root: string,
  element: UpdateElement | readonly UpdateElement[],
): UpdateEnvelope {
  if (root.length === 0) throw new AfasUsageError('UpdateConnector root object name must not be empty');
  return { [root]: { Element: wireElements(element, root) } };
}

/** One level of a DELETE key path: object name and its key fields with values (in order). */
export interface DeleteKeySegment {
  readonly object: string;
  readonly keys: Readonly<Record<string, string | number | bigint>>;
}

const KEY_SEPARATOR = /[,/]/;

function deleteSegment(segment: DeleteKeySegment): string {
  const entries = Object.entries(segment.keys);
  if (entries.length === 0)
    throw new AfasUsageError(`DELETE path segment ${segment.object} needs at least one key`);
  const names: string[] = [];
  const values: string[] = [];
  for (const [name, raw] of entries) {
    if (KEY_SEPARATOR.test(name)) throw new AfasUsageError(`DELETE key name ${name} contains "," or "/"`);
    const value = typeof raw === 'number' ? numberToPlainDecimal(raw) : String(raw);
    if (value.includes(',')) {
      throw new AfasUsageError(
        `DELETE key ${name} of ${segment.object} contains "," which AFAS cannot express in a key path`,
      );
    }
    names.push(`@${pathSegment(name, 'DELETE key name')}`);
    values.push(pathSegment(value, `DELETE key ${name}`));
  }
  return `${pathSegment(segment.object, 'DELETE object name')}/${names.join(',')}/${values.join(',')}`;
}

/**
 * `/connectors/{Connector}/{Object}/@K1,@K2/{v1},{v2}[/{SubObject}/@K/{v}…]`, e.g. FiEntries:
 * `deletePath('FiEntries', [{ object: 'FiEntryPar', keys: { UnId: 1, JoCo: '73' } }, { object: 'FiEntries', keys: { EnNo: 70001 } }])`.
 */
export function deletePath(connector: string, segments: readonly DeleteKeySegment[]): string {
  if (segments.length === 0) throw new AfasUsageError('DELETE needs at least one key path segment');
  return `/connectors/${pathSegment(connector, 'UpdateConnector id')}/${segments.map(deleteSegment).join('/')}`;
}

/** Keys AFAS returned per object, e.g. `{ FiEntryPar: { UnId: "1", EnNo: "48227" } }`. */
export type UpdateResults = Readonly<Record<string, Readonly<Record<string, string>>>>;

export interface AfasUpdateResult {
  readonly status: number;
  /** Parsed from `{ "results": {...} }` or the bare `{ "<Object>": {...} }`; null when the body is empty. */
  readonly results: UpdateResults | null;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Accepts the body with or without the `results` wrapper; key values are returned as strings. */
export function parseUpdateResults(body: unknown): UpdateResults | null {
  if (body === null || body === undefined || body === '') return null;
  if (!isRecord(body)) return null;
  const inner = isRecord(body.results) ? body.results : body;
  const out: Record<string, Record<string, string>> = {};
  for (const [object, keys] of Object.entries(inner)) {
    if (!isRecord(keys)) continue;
    const values: Record<string, string> = {};
    for (const [key, value] of Object.entries(keys)) {
      if (typeof value === 'string') values[key] = value;
      else if (typeof value === 'number' && Number.isFinite(value)) values[key] = numberToPlainDecimal(value);
      else if (typeof value === 'boolean') values[key] = String(value);
    }
    out[object] = values;
  }
  return out;
}

/** Refuses a body that is not one root object `{ "<Root>": { "Element": … } }`. */
export function checkEnvelope(connector: string, envelope: UpdateEnvelope): void {
  if (typeof envelope !== 'object' || envelope === null || Object.keys(envelope).length !== 1) {
    throw new AfasUsageError(
      `UpdateConnector ${connector}: the body must be one root object { "<Root>": { "Element": … } }`,
    );
  }
}

/**
 * The results of an executed update. An unreadable success body must not turn into an error: the
 * update has been executed, and a retry would repeat it.
 */
export function updateResults(body: Buffer): AfasUpdateResult['results'] {
  let parsed: unknown = null;
  const text = body.toString('utf8').trim();
  if (text !== '') {
    try {
      parsed = parseAfasJson(text);
    } catch {
      parsed = null;
    }
  }
  return parseUpdateResults(parsed);
}
