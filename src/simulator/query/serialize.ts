import type { FieldSpec } from '../connectors/types.js';
import type { Table } from '../store/table.js';
import { cellJsonFormatter } from './cell-format.js';

/** Compiles the JSON text of one row: every field, in connector order, `null` when empty. */
export function compileRowSerializer(fields: readonly FieldSpec[], table: Table): (row: number) => string {
  const columns = fields.map((field, index) => ({
    prefix: `${index === 0 ? '{' : ','}${JSON.stringify(field.id)}:`,
    text: cellWriter(field, table),
  }));
  return (row) => {
    let text = '';
    for (const column of columns) text += column.prefix + column.text(row);
    return `${text}}`;
  };
}

/** The JSON text of one column per row; dictionary-encoded columns reuse the text per code. */
function cellWriter(field: FieldSpec, table: Table): (row: number) => string {
  const format = cellJsonFormatter(field);
  const dictionary = table.dictionary?.(field.id);
  if (dictionary === undefined) {
    const read = table.reader(field.id);
    return (row) => format(read(row));
  }
  const texts: (string | undefined)[] = [];
  return (row) => {
    const code = dictionary.codeOf(row);
    let text = texts[code];
    if (text === undefined) {
      text = format(dictionary.valueAt(code));
      texts[code] = text;
    }
    return text;
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
