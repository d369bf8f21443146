import { parseWallDateTime } from '../amsterdam-time.js';
import type { DataType, FieldSpec, LocalizedText } from '../connectors/types.js';
import { parseScaled } from '../decimal.js';
import type { CellValue, CellReader, Table } from './table.js';

/** A GetConnector registered through the control API: its own metainfo and rows served verbatim. */
export interface CustomConnector {
  readonly id: string;
  readonly description: LocalizedText;
  readonly fields: readonly FieldSpec[];
  /** Each row's JSON text exactly as the GetConnector sends it. */
  readonly rowTexts: readonly string[];
  /** The same rows parsed, for filtering and sorting only. */
  readonly table: Table;
}

export interface CustomFieldInput {
  readonly id: string;
  readonly dataType: DataType;
  readonly decimals?: number | undefined;
  readonly label?: string | undefined;
}

/**
 * A cell for filters and sorting, in the store's canonical form (see table.ts). Values that do not
 * fit the field's type (hostile rows are the point of custom connectors) read as empty.
 */
function cellOf(field: FieldSpec, value: unknown): CellValue {
  switch (field.dataType) {
    case 'string':
      return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean'
        ? String(value)
        : null;
    case 'int':
    case 'decimal':
      return typeof value === 'number' || typeof value === 'string'
        ? (parseScaled(String(value), field.decimals) ?? null)
        : null;
    case 'date':
      return typeof value === 'string' ? (parseWallDateTime(value.replace(/Z$/, '')) ?? null) : null;
    case 'boolean':
      return typeof value === 'boolean' ? value : null;
  }
}

let versions = 0;

function tableOf(id: string, fields: readonly FieldSpec[], rows: readonly Record<string, unknown>[]): Table {
  const version = ++versions;
  const byId = new Map(fields.map((field) => [field.id, field]));
  return {
    name: `custom:${id}`,
    version: () => version,
    slotCount: () => rows.length,
    isLive: () => true,
    reader(fieldId: string): CellReader {
      const field = byId.get(fieldId);
      if (field === undefined) return () => null;
      return (row) => {
        const record = rows[row];
        return record !== undefined && Object.hasOwn(record, fieldId) ? cellOf(field, record[fieldId]) : null;
      };
    },
  };
}

/** Builds a custom connector; `rows` are JSON object texts (validated by the caller). */
export function customConnector(
  id: string,
  description: string | undefined,
  fieldInputs: readonly CustomFieldInput[],
  rowTexts: readonly string[],
  parsedRows: readonly Record<string, unknown>[],
): CustomConnector {
  const fields = fieldInputs.map((field, index): FieldSpec => ({
    id: field.id,
    fieldId: `U${String(index + 1).padStart(3, '0')}`,
    dataType: field.dataType,
    length: field.dataType === 'string' ? 255 : 18,
    decimals: field.decimals ?? (field.dataType === 'decimal' ? 2 : 0),
    controlType: 1,
    label: { nl: field.label ?? field.id, en: field.label ?? field.id },
  }));
  const text = description ?? id;
  return {
    id,
    description: { nl: text, en: text },
    fields,
    rowTexts,
    table: tableOf(id, fields, parsedRows),
  };
}

/** The custom GetConnectors of one simulator. */
export class CustomConnectorRegistry {
  private readonly connectors = new Map<string, CustomConnector>();

  /** Adds or replaces a connector. */
  set(connector: CustomConnector): void {
    this.connectors.set(connector.id, connector);
  }

  get(id: string): CustomConnector | undefined {
    return this.connectors.get(id);
  }

  list(): CustomConnector[] {
    return [...this.connectors.values()];
  }

  remove(id: string): boolean {
    return this.connectors.delete(id);
  }

  clear(): number {
    const count = this.connectors.size;
    this.connectors.clear();
    return count;
  }
}
