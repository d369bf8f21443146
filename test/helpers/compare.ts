import { createHash } from 'node:crypto';
import type pg from 'pg';
import { expect } from 'vitest';
import { AfasClient, convertValue, type AfasDataType } from '../../src/afas/index.js';
import { connectorIdFor, dataset, type DatasetName } from '../../src/catalog/index.js';
import type { SimControl } from './simulator.js';

function canonicalDecimal(text: string): string {
  let [int, frac = ''] = text.replace(/^\+/, '').split('.') as [string, string?];
  const negative = int.startsWith('-');
  int = int.replace(/^-/, '').replace(/^0+(?=\d)/, '');
  frac = frac.replace(/0+$/, '');
  const body = frac ? `${int}.${frac}` : int;
  return negative && body !== '0' ? `-${body}` : body;
}

/** One typed value as a canonical string, the same whether it came from PostgreSQL or AFAS. */
function canonical(type: AfasDataType, value: unknown): string {
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

export interface TableCheck {
  rows: number;
  checksum: string;
}

/**
 * Asserts a dataset's live rows for a source equal what the simulator serves: the raw rows
 * exactly, and a checksum over the typed columns (AFAS values converted by the client's own
 * rules vs. what PostgreSQL stored).
 */
export async function expectTableEqualsSimulator(
  pool: pg.Pool,
  sim: SimControl,
  afas: AfasClient,
  options: { source: string; name: DatasetName; prefix?: string; administrations?: readonly number[] },
): Promise<TableCheck> {
  const definition = dataset(options.name);
  const connectorId = connectorIdFor(definition, {
    connectorPrefix: options.prefix ?? 'Profit_',
    connectorMap: {},
  });
  const meta = await afas.describeGetConnector(connectorId);
  const adminField = meta.fields.find((f) => f.id === definition.administrationField)?.id;
  let expected = await sim.export(connectorId);
  if (adminField && options.administrations) {
    expected = expected.filter((row) => options.administrations?.includes(row[adminField] as number));
  }
  const actual = await pool.query<Record<string, unknown>>(
    `SELECT * FROM afas.${options.name} WHERE _source = $1 AND _deleted_at IS NULL`,
    [options.source],
  );
  const present = new Set(meta.fields.map((f) => f.id));
  const keyFields = definition.keyFields.map(
    (key) =>
      [key, ...(definition.fieldAliases?.[key] ?? [])].find((candidate) => present.has(candidate)) ?? key,
  );
  const keyOf = (row: Record<string, unknown>) =>
    JSON.stringify([...(adminField ? [row[adminField]] : []), ...keyFields.map((k) => row[k])]);
  const rawActual = new Map(actual.rows.map((row) => [keyOf(row._raw as Record<string, unknown>), row._raw]));
  const rawExpected = new Map(expected.map((row) => [keyOf(row), row]));
  expect(rawActual.size, `${options.name}: live row count`).toBe(rawExpected.size);
  for (const [key, row] of rawExpected) {
    expect(rawActual.get(key), `${options.name} row ${key}`).toEqual(row);
  }
  const digest = (lines: string[]) => createHash('sha256').update(lines.sort().join('\n')).digest('hex');
  const typedExpected = expected.map((row) =>
    meta.fields
      .map((field) =>
        canonical(
          field.dataType,
          convertValue(field, row[field.id] ?? null, { connector: connectorId, rowKey: keyOf(row) }),
        ),
      )
      .join('|'),
  );
  // Columns are named after the fields, except keys found under an alias (stored under the catalog name).
  const columnOf = new Map(keyFields.map((field, index) => [field, definition.keyFields[index] as string]));
  const typedActual = actual.rows.map((row) =>
    meta.fields.map((field) => canonical(field.dataType, row[columnOf.get(field.id) ?? field.id])).join('|'),
  );
  const checksum = digest(typedExpected);
  expect(digest(typedActual), `${options.name}: typed-column checksum`).toBe(checksum);
  return { rows: expected.length, checksum };
}
