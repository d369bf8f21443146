import type pg from 'pg';
import type {
  ChangedDaysDataset,
  DatasetDefinition,
  FullReloadDataset,
  ModifiedWatermarkDataset,
} from '../catalog/index.js';
import { ident } from './pool.js';

/** AFAS metainfo data types (`GET /metainfo/get/{id}`). */
export type AfasDataType = 'string' | 'int' | 'decimal' | 'date' | 'boolean' | 'blob';

export interface FieldSpec {
  id: string;
  dataType: AfasDataType;
}

const SQL_TYPE: Record<AfasDataType, string> = {
  string: 'text',
  int: 'bigint',
  decimal: 'numeric',
  date: 'timestamptz',
  boolean: 'boolean',
  blob: 'bytea',
};

/** format_type()'s (and information_schema's) name for each SQL type above. */
const INFO_SCHEMA_TYPE: Record<string, string> = {
  text: 'text',
  bigint: 'bigint',
  numeric: 'numeric',
  timestamptz: 'timestamp with time zone',
  boolean: 'boolean',
  bytea: 'bytea',
};

export const METADATA_COLUMNS = [
  '_source',
  '_administration',
  '_raw',
  '_synced_at',
  '_run_id',
  '_deleted_at',
  '_entry_day',
] as const;

/** A dataset's connector did not match what the catalog needs; fails that dataset only. */
export class DatasetSchemaError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DatasetSchemaError';
  }
}

export interface ColumnSpec {
  /** AFAS field id (JSON property in rows). */
  field: string;
  /** SQL column: the field id, except a key found under an alias keeps the catalog's name. */
  column: string;
  dataType: AfasDataType;
  sqlType: string;
}

interface ResolvedFields {
  connectorId: string;
  table: string; // bare table name
  columns: ColumnSpec[];
  /** Key as AFAS field ids (aliases resolved): what requests sort on. */
  keyFields: string[];
  /** Key as SQL columns: stable across connector sets, part of the primary key. */
  keyColumns: string[];
  /** The administration field as the connector names it; set for administration-scoped datasets. */
  administrationField: string | undefined;
}

/**
 * A dataset bound to one connector's metainfo: which columns exist, which are keys, and the
 * connector's names of the fields its strategy needs. `strategy` repeats `definition.strategy`
 * so that checking it narrows the whole value (TypeScript does not narrow on a nested field).
 */
export type ResolvedDataset =
  | (ResolvedFields & {
      strategy: 'full-reload';
      definition: FullReloadDataset;
      modifiedField: undefined;
      entryDateField: undefined;
    })
  | (ResolvedFields & {
      strategy: 'modified-watermark';
      definition: ModifiedWatermarkDataset;
      modifiedField: string;
      entryDateField: undefined;
    })
  | (ResolvedFields & {
      strategy: 'changed-days';
      definition: ChangedDaysDataset;
      administrationField: string;
      modifiedField: undefined;
      entryDateField: string;
    });

function resolveField(
  definition: DatasetDefinition,
  connectorId: string,
  wanted: string,
  fields: ReadonlyMap<string, FieldSpec>,
  role: string,
  expected?: readonly AfasDataType[],
): string {
  const candidates = [wanted, ...(definition.fieldAliases?.[wanted] ?? [])];
  const found = candidates.find((candidate) => fields.has(candidate));
  if (!found) {
    throw new DatasetSchemaError(
      `connector ${connectorId} has no ${role} field '${candidates.join("' or '")}' ` +
        `(dataset ${definition.name}); its fields are: ${[...fields.keys()].slice(0, 40).join(', ')}`,
    );
  }
  const type = fields.get(found)?.dataType;
  if (expected && type && !expected.includes(type)) {
    throw new DatasetSchemaError(
      `connector ${connectorId} field '${found}' (${role} of dataset ${definition.name}) has type ${type}; expected ${expected.join(' or ')}`,
    );
  }
  return found;
}

/** Binds a catalog entry to a connector's metainfo fields. */
export function resolveDataset(
  definition: DatasetDefinition,
  connectorId: string,
  metaFields: readonly FieldSpec[],
): ResolvedDataset {
  const fields = new Map<string, FieldSpec>();
  for (const field of metaFields) {
    if (!(field.dataType in SQL_TYPE)) {
      throw new DatasetSchemaError(
        `connector ${connectorId} field '${field.id}' has unknown data type '${field.dataType}'`,
      );
    }
    if (field.id.includes('\u0000') || !field.id.isWellFormed()) {
      throw new DatasetSchemaError(
        `connector ${connectorId} field id ${JSON.stringify(field.id.slice(0, 80))} contains a NUL character or a lone surrogate, which PostgreSQL identifiers cannot hold`,
      );
    }
    if (Buffer.byteLength(field.id, 'utf8') > 63) {
      throw new DatasetSchemaError(
        `connector ${connectorId} field id '${field.id.slice(0, 80)}' is longer than PostgreSQL's 63-byte identifier limit`,
      );
    }
    if ((METADATA_COLUMNS as readonly string[]).includes(field.id)) {
      throw new DatasetSchemaError(
        `connector ${connectorId} field '${field.id}' collides with a metadata column`,
      );
    }
    if (fields.has(field.id))
      throw new DatasetSchemaError(`connector ${connectorId} lists field '${field.id}' twice`);
    fields.set(field.id, field);
  }
  const keyFields = definition.keyFields.map((key) =>
    resolveField(definition, connectorId, key, fields, 'key'),
  );
  // A key found under an alias (Finstack's AdministrationId for AdminId) is stored in the
  // catalog's column, so one table serves every connector set.
  const columnOf = new Map(keyFields.map((field, index) => [field, definition.keyFields[index] ?? field]));
  for (const [field, column] of columnOf) {
    if (field !== column && fields.has(column)) {
      throw new DatasetSchemaError(`connector ${connectorId} has both '${column}' and its alias '${field}'`);
    }
  }
  const resolveAs = (wanted: string, role: string, expected: readonly AfasDataType[]) =>
    resolveField(definition, connectorId, wanted, fields, role, expected);
  const administrationOf = (scoped: DatasetDefinition) =>
    scoped.scope === 'administration'
      ? resolveAs(scoped.administrationField, 'administration', ['int'])
      : undefined;
  const common: Omit<ResolvedFields, 'administrationField'> = {
    connectorId,
    table: definition.name,
    columns: [...fields.values()].map((field) => ({
      field: field.id,
      column: columnOf.get(field.id) ?? field.id,
      dataType: field.dataType,
      sqlType: SQL_TYPE[field.dataType],
    })),
    keyFields,
    keyColumns: keyFields.map((field) => columnOf.get(field) ?? field),
  };
  switch (definition.strategy) {
    case 'full-reload':
      return {
        ...common,
        strategy: definition.strategy,
        definition,
        administrationField: administrationOf(definition),
        modifiedField: undefined,
        entryDateField: undefined,
      };
    case 'modified-watermark':
      return {
        ...common,
        strategy: definition.strategy,
        definition,
        administrationField: administrationOf(definition),
        modifiedField: resolveAs(definition.watermark.modifiedField, 'modified', ['date']),
        entryDateField: undefined,
      };
    case 'changed-days':
      return {
        ...common,
        strategy: definition.strategy,
        definition,
        administrationField: resolveAs(definition.administrationField, 'administration', ['int']),
        modifiedField: undefined,
        entryDateField: resolveAs(definition.entryDateField, 'booking date', ['date']),
      };
  }
}

/** The table's columns and their types (information_schema's names), from the catalog directly. */
async function columnTypes(client: pg.ClientBase, table: string): Promise<Map<string, string>> {
  // pg_attribute rather than information_schema.columns: the same names and types in a fraction
  // of the time, and every import partition and sync dataset asks.
  const result = await client.query<{ column_name: string; data_type: string }>(
    `SELECT attname AS column_name, format_type(atttypid, NULL) AS data_type FROM pg_attribute
      WHERE attrelid = to_regclass($1) AND attnum > 0 AND NOT attisdropped`,
    [table],
  );
  return new Map(result.rows.map((row) => [row.column_name, row.data_type]));
}

/**
 * Creates the dataset's table on first use and adds columns for fields that appeared in
 * metainfo since. A column whose type changed fails the dataset instead of silently mixing types.
 * Serialised per table by an advisory lock, since several activities may race here; when the
 * table already has every column as it should, that is settled without the lock.
 */
export async function ensureDatasetTable(
  client: pg.ClientBase,
  schema: string,
  dataset: ResolvedDataset,
): Promise<{ addedColumns: string[] }> {
  const table = `${ident(schema)}.${ident(dataset.table)}`;
  const settled = (have: ReadonlyMap<string, string>) =>
    have.size > 0 &&
    dataset.columns.every((column) => have.get(column.column) === INFO_SCHEMA_TYPE[column.sqlType]);
  if (settled(await columnTypes(client, table))) return { addedColumns: [] };
  await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`${schema}.${dataset.table}`]);
  const have = await columnTypes(client, table);
  if (have.size === 0) {
    const columns = dataset.columns.map((column) => `${ident(column.column)} ${column.sqlType}`);
    const key = ['_source', '_administration', ...dataset.keyColumns].map(ident).join(', ');
    await client.query(
      `CREATE TABLE ${table} (
         _source text NOT NULL,
         _administration integer NOT NULL,
         ${columns.join(',\n         ')},
         _raw jsonb NOT NULL,
         _entry_day date,
         _synced_at timestamptz NOT NULL DEFAULT now(),
         _run_id text NOT NULL,
         _deleted_at timestamptz,
         PRIMARY KEY (${key}))`,
    );
    if (dataset.entryDateField) {
      await client.query(
        `CREATE INDEX ${ident(`${dataset.table}_by_day`)} ON ${table} (_source, _administration, _entry_day)`,
      );
    }
    return { addedColumns: dataset.columns.map((column) => column.column) };
  }
  const added: string[] = [];
  for (const column of dataset.columns) {
    const current = have.get(column.column);
    if (current === undefined) {
      await client.query(`ALTER TABLE ${table} ADD COLUMN ${ident(column.column)} ${column.sqlType}`);
      added.push(column.column);
    } else if (current !== INFO_SCHEMA_TYPE[column.sqlType]) {
      throw new DatasetSchemaError(
        `connector ${dataset.connectorId} field '${column.field}' is now ${column.dataType} but column ${dataset.table}.${column.column} is ${current}; ` +
          'change the column by hand (or drop the table to reload it)',
      );
    }
  }
  return { addedColumns: added };
}
