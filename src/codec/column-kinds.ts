import type { ColumnSpec } from '../db/dataset-schema.js';

// Column kinds with a fast path in both encoders; anything else goes through encodeValue().
export const KIND_OTHER = 0;
export const KIND_STRING = 1;
export const KIND_NUMBER = 2;
export const KIND_INT = 3;
export const KIND_DATE = 4;
export const KIND_BOOLEAN = 5;

export function columnKind(column: ColumnSpec): number {
  switch (column.dataType) {
    case 'string':
      return KIND_STRING;
    case 'decimal':
      return KIND_NUMBER;
    case 'int':
      return KIND_INT;
    case 'date':
      return KIND_DATE;
    case 'boolean':
      return KIND_BOOLEAN;
    default:
      return KIND_OTHER;
  }
}
