// Is a dataset's table equal to what AFAS serves? Raw rows one by one, plus a checksum over the
// typed columns (AFAS values converted by the client's own rules vs. what PostgreSQL stored).
// Shared by the soak run and the integration tests (test/helpers/compare.ts).
import { createHash } from 'node:crypto';
import { isDeepStrictEqual } from 'node:util';
import type pg from 'pg';
import type { AfasDataType } from '../../src/afas/index.js';
import { convertValue } from './typed-values.js';
import { connectorIdFor, dataset, type DatasetName } from '../../src/catalog/index.js';
import { ident } from '../../src/db/pool.js';

/** How many differences a report spells out; the count says how many there were. */
const MAX_LISTED = 5;

export interface MetaField {
  readonly id: string;
  readonly dataType: AfasDataType;
}

export interface DatasetVerification {
  dataset: DatasetName;
  connectorId: string;
  /** Rows AFAS serves (within the administrations asked for). */
  rows: number;
  checksum: string;
  /** Human-readable differences; empty when the table equals AFAS. */
  mismatches: string[];
}

function canonicalDecimal(text: string): string {
  let [int, frac = ''] = text.replace(/^\+/, '').split('.') as [string, string?];
  const negative = int.startsWith('-');
  int = int.replace(/^-/, '').replace(/^0+(?=\d)/, '');
  frac = frac.replace(/0+$/, '');
  const body = frac ? `${int}.${frac}` : int;
  return negative && body !== '0' ? `-${body}` : body;
}

/** One typed value as a canonical string, the same whether it came from PostgreSQL or AFAS. */
export function canonicalValue(type: AfasDataType, value: unknown): string {
  if (value === null || value === undefined) return '∅';
  if (value instanceof Date) return value.toISOString();
  if (Buffer.isBuffer(value)) return value.toString('utf8');
  if (
    typeof value !== 'string' &&
    typeof value !== 'number' &&
    typeof value !== 'boolean' &&
    typeof value !== 'bigint'
  ) {
    return JSON.stringify(value);
  }
  const text = String(value);
  return type === 'int' || type === 'decimal' ? canonicalDecimal(text) : text;
}

function digest(lines: string[]): string {
  return createHash('sha256').update(lines.sort().join('\n')).digest('hex');
}

function excerpt(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 240 ? `${text.slice(0, 240)}…` : text;
}

export interface CompareInput {
  name: DatasetName;
  connectorId: string;
  fields: readonly MetaField[];
  /** Every row AFAS serves, as the GetConnector serializes them. */
  expected: readonly Record<string, unknown>[];
  /** The table's live rows for the source (all columns, `_raw` included). */
  actual: readonly Record<string, unknown>[];
  /** Only these administrations (administration-scoped datasets). */
  administrations?: readonly number[] | undefined;
}

/** Compares one dataset; pure. */
export function compareDataset(input: CompareInput): DatasetVerification {
  const definition = dataset(input.name);
  const present = new Set(input.fields.map((field) => field.id));
  const adminField =
    definition.administrationField && present.has(definition.administrationField)
      ? definition.administrationField
      : undefined;
  const expected =
    adminField && input.administrations
      ? input.expected.filter((row) => input.administrations?.includes(row[adminField] as number))
      : input.expected;
  const keyFields = definition.keyFields.map(
    (key) =>
      [key, ...(definition.fieldAliases?.[key] ?? [])].find((candidate) => present.has(candidate)) ?? key,
  );
  const keyOf = (row: Record<string, unknown>) =>
    JSON.stringify([...(adminField ? [row[adminField]] : []), ...keyFields.map((key) => row[key])]);
  const mismatches: string[] = [];
  const rawActual = new Map(
    input.actual.map((row) => [
      keyOf(row._raw as Record<string, unknown>),
      row._raw as Record<string, unknown>,
    ]),
  );
  const rawExpected = new Map(expected.map((row) => [keyOf(row), row]));
  if (rawActual.size !== rawExpected.size || input.actual.length !== expected.length) {
    mismatches.push(
      `${input.name}: ${input.actual.length} live rows (${rawActual.size} distinct keys) but AFAS serves ${expected.length}`,
    );
  }
  const differences: string[] = [];
  for (const [key, row] of rawExpected) {
    const stored = rawActual.get(key);
    if (stored === undefined) differences.push(`${input.name} row ${key}: missing`);
    else if (!isDeepStrictEqual(stored, row))
      differences.push(`${input.name} row ${key}: stored ${excerpt(stored)}, AFAS ${excerpt(row)}`);
  }
  for (const key of rawActual.keys()) {
    if (!rawExpected.has(key)) differences.push(`${input.name} row ${key}: stored but gone from AFAS`);
  }
  mismatches.push(...differences.slice(0, MAX_LISTED));
  if (differences.length > MAX_LISTED)
    mismatches.push(`${input.name}: … ${differences.length - MAX_LISTED} more row differences`);

  const typedExpected = expected.map((row) =>
    input.fields
      .map((field) =>
        canonicalValue(
          field.dataType,
          convertValue(field, row[field.id] ?? null, { connector: input.connectorId, rowKey: keyOf(row) }),
        ),
      )
      .join('|'),
  );
  // Columns are named after the fields, except keys found under an alias (stored under the catalog name).
  const columnOf = new Map(keyFields.map((field, index) => [field, definition.keyFields[index] as string]));
  const typedActual = input.actual.map((row) =>
    input.fields
      .map((field) => canonicalValue(field.dataType, row[columnOf.get(field.id) ?? field.id]))
      .join('|'),
  );
  const checksum = digest(typedExpected);
  const stored = digest(typedActual);
  if (stored !== checksum)
    mismatches.push(`${input.name}: typed-column checksum ${stored} ≠ AFAS ${checksum}`);
  return { dataset: input.name, connectorId: input.connectorId, rows: expected.length, checksum, mismatches };
}

/** Where the expected side comes from: AFAS's metainfo and every row of a connector. */
export interface AfasSide {
  describe(connectorId: string): Promise<{ fields: readonly MetaField[] }>;
  exportRows(connectorId: string): Promise<Record<string, unknown>[]>;
}

export interface VerifyOptions {
  source: string;
  name: DatasetName;
  schema?: string;
  connectorPrefix?: string;
  connectorMap?: Readonly<Record<string, string>>;
  administrations?: readonly number[] | undefined;
}

/** Reads both sides of one dataset and compares them; also reports duplicate keys in the table. */
export async function verifyDataset(
  pool: pg.Pool,
  afas: AfasSide,
  options: VerifyOptions,
): Promise<DatasetVerification> {
  const definition = dataset(options.name);
  const connectorId = connectorIdFor(definition, {
    connectorPrefix: options.connectorPrefix ?? 'Profit_',
    connectorMap: options.connectorMap ?? {},
  });
  const table = `${ident(options.schema ?? 'afas')}.${ident(options.name)}`;
  const [meta, expected, actual, duplicates] = await Promise.all([
    afas.describe(connectorId),
    afas.exportRows(connectorId),
    pool.query<Record<string, unknown>>(`SELECT * FROM ${table} WHERE _source = $1 AND _deleted_at IS NULL`, [
      options.source,
    ]),
    pool.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM (SELECT 1 FROM ${table} WHERE _source = $1
         GROUP BY ${['_administration', ...definition.keyFields].map(ident).join(', ')} HAVING count(*) > 1) d`,
      [options.source],
    ),
  ]);
  const result = compareDataset({
    name: options.name,
    connectorId,
    fields: meta.fields,
    expected,
    actual: actual.rows,
    administrations: options.administrations,
  });
  const duplicateKeys = duplicates.rows[0]?.n ?? 0;
  if (duplicateKeys > 0)
    result.mismatches.push(`${options.name}: ${duplicateKeys} keys stored more than once`);
  return result;
}

/** The simulator's `/__sim/export/{connectorId}` as rows. */
export async function simulatorExport(
  simulatorUrl: string,
  connectorId: string,
): Promise<Record<string, unknown>[]> {
  const response = await fetch(`${simulatorUrl}/__sim/export/${encodeURIComponent(connectorId)}`);
  const text = await response.text();
  if (response.status !== 200)
    throw new Error(`export ${connectorId} → ${response.status}: ${text.slice(0, 200)}`);
  return text
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}
