import type { FieldSpec } from '../connectors/types.js';
import type { Table } from '../store/table.js';
import { cellJsonFormatter } from './cell-format.js';

/** Compiles the JSON text of one row: every field, in connector order, `null` when empty. */
export function compileRowSerializer(fields: readonly FieldSpec[], table: Table): (row: number) => string {
  const columns = fields.map((field, index) => ({
    prefix: `${index === 0 ? '{' : ','}${JSON.stringify(field.id)}:`,
    read: table.reader(field.id),
    format: cellJsonFormatter(field),
  }));
  return (row) => {
    let text = '';
    for (const column of columns) text += column.prefix + column.format(column.read(row));
    return `${text}}`;
  };
}

const BATCH_ROWS = 500;

/**
 * The GetConnector body `{"skip":…,"take":…,"rows":[…]}` as chunks of about 500 rows, produced
 * lazily so large pages are never held as one string.
 */
export function* pageChunks(
  skip: number,
  take: number,
  count: number,
  rowAt: (index: number) => number,
  serialize: (row: number) => string,
): Generator<string> {
  let chunk = `{"skip":${skip},"take":${take},"rows":[`;
  for (let index = 0; index < count; index++) {
    if (index > 0) chunk += ',';
    chunk += serialize(rowAt(index));
    if ((index + 1) % BATCH_ROWS === 0) {
      yield chunk;
      chunk = '';
    }
  }
  yield `${chunk}]}`;
}
