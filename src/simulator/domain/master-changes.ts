import type { Clock } from '../clock.js';
import { ControlError } from '../errors.js';
import type { RowTable } from '../store/row-table.js';
import type { CellValue } from '../store/table.js';
import { cellFromInput } from '../values.js';

export interface MasterChangeRequest {
  readonly upsert?: readonly Readonly<Record<string, unknown>>[] | undefined;
  readonly delete?: readonly (Readonly<Record<string, unknown>> | readonly unknown[])[] | undefined;
}

export interface MasterChangeResult {
  inserted: number;
  updated: number;
  deleted: number;
  notFound: number;
}

/** Tables whose rows carry CreateDate/ModifiedDate stamps that move when a row changes. */
const STAMPED = new Set(['debtors', 'creditors']);

function keyFrom(
  table: RowTable,
  input: Readonly<Record<string, unknown>> | readonly unknown[],
  where: string,
): CellValue[] {
  const { keyFields, fields } = table.schema;
  const raw = Array.isArray(input)
    ? input
    : keyFields.map((id) => (input as Readonly<Record<string, unknown>>)[id]);
  if (raw.length !== keyFields.length) {
    throw new ControlError(
      400,
      `${where}: a key needs ${keyFields.length} value(s): ${keyFields.join(', ')}`,
    );
  }
  return keyFields.map((id, i) => {
    const field = fields.find((f) => f.id === id);
    if (field === undefined) throw new Error(`${table.name}: key field ${id} missing from schema`);
    const value = cellFromInput(field, raw[i]);
    if (value === null) throw new ControlError(400, `${where}: key field '${id}' is required`);
    return value;
  });
}

/**
 * Upserts and deletes rows of a master table. Upserts merge into an existing row with the same
 * key (only the given fields change) or insert a new row (missing fields empty). Debtors and
 * creditors get CreateDate (insert) and ModifiedDate (always) set to the current Amsterdam time
 * (ModifiedDate: `modifiedAt` when given, wall seconds).
 * Everything is validated before anything changes.
 */
export function applyMasterChanges(
  table: RowTable,
  request: MasterChangeRequest,
  clock: Clock,
  options: { modifiedAt?: number } = {},
): MasterChangeResult {
  const fieldsById = new Map(table.schema.fields.map((field) => [field.id, field]));
  const now = clock.nowWall();
  const stamped = STAMPED.has(table.name);
  if (options.modifiedAt !== undefined && !stamped) {
    throw new ControlError(
      400,
      `${table.name} rows carry no ModifiedDate; 'modified' applies to debtors and creditors`,
    );
  }
  const upserts = (request.upsert ?? []).map((input, index) => {
    const where = `upsert ${index + 1}`;
    const values: Record<string, CellValue> = {};
    for (const [id, raw] of Object.entries(input)) {
      const field = fieldsById.get(id);
      if (field === undefined) throw new ControlError(400, `${where}: ${table.name} has no field '${id}'`);
      values[id] = cellFromInput(field, raw);
    }
    return { key: keyFrom(table, input, where), values };
  });
  const deletes = (request.delete ?? []).map((input, index) => keyFrom(table, input, `delete ${index + 1}`));

  const result: MasterChangeResult = { inserted: 0, updated: 0, deleted: 0, notFound: 0 };
  for (const { key, values } of upserts) {
    const existing = table.get(key);
    const base: Record<string, CellValue> = {};
    for (const field of table.schema.fields) base[field.id] = existing?.[field.id] ?? null;
    const row: Record<string, CellValue> = { ...base, ...values };
    if (stamped) {
      row['ModifiedDate'] = options.modifiedAt ?? now;
      row['CreateDate'] = existing === undefined ? now : (existing['CreateDate'] ?? now);
    }
    if (table.put(row) === 'inserted') result.inserted++;
    else result.updated++;
  }
  for (const key of deletes) {
    if (table.delete(key)) result.deleted++;
    else result.notFound++;
  }
  return result;
}
