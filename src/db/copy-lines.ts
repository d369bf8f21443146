// COPY lines on their way into PostgreSQL: their columns, the stage tables that hold them, and
// the one COPY statement that writes them (into a stage or straight into a dataset's table).
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import type { EncodedPage } from '../codec/index.js';
import type { ColumnSpec, ResolvedDataset } from './dataset-schema.js';
import { ident } from './pool.js';

/**
 * COPY lines and how many rows they hold: an encoded page, the pages of a scope held in memory,
 * or a scope's stage file read back (see stage-file.ts).
 */
export interface CopyLines {
  readonly rows: number;
  readonly chunks: EncodedPage['chunks'] | AsyncIterable<Buffer>;
}

/** Stage columns hold dates as Amsterdam wall time (`timestamp`); the merge converts them. */
function stageType(column: ColumnSpec): string {
  return column.sqlType === 'timestamptz' ? 'timestamp' : column.sqlType;
}

export function targetValue(column: ColumnSpec, alias: string): string {
  const ref = `${alias}.${ident(column.column)}`;
  return column.sqlType === 'timestamptz' ? `(${ref} AT TIME ZONE 'Europe/Amsterdam')` : ref;
}

/** The columns of every COPY line, in a stage and in the table (see codec/lines.ts). */
export function copyColumns(dataset: ResolvedDataset): string[] {
  return [
    '_source',
    '_administration',
    ...dataset.columns.map((column) => ident(column.column)),
    '_raw',
    ...(dataset.entryDateField ? ['_entry_day'] : []),
    '_run_id',
  ];
}

/**
 * The column definitions of a stage table for a dataset (the COPY line's columns). `_raw` stays
 * text there and becomes jsonb once, in the merge: staging it as jsonb parsed every row's JSON on
 * the way in and copied the parsed value out again (about 2.5 of 4.3 PostgreSQL seconds per 200k
 * journal lines for stage + upsert; 0.9 + 2.9 with a text stage, the same as one direct COPY).
 */
export function stageColumnsSql(dataset: ResolvedDataset): string {
  return [
    '_source text NOT NULL',
    '_administration integer NOT NULL',
    ...dataset.columns.map((column) => `${ident(column.column)} ${stageType(column)}`),
    '_raw text NOT NULL',
    ...(dataset.entryDateField ? ['_entry_day date'] : []),
    '_run_id text NOT NULL',
  ].join(',\n  ');
}

/** COPYs an encoded page into `table` (qualified and quoted) on `client`. */
export async function copyPage(
  client: pg.ClientBase,
  table: string,
  dataset: ResolvedDataset,
  page: CopyLines,
): Promise<void> {
  if (page.rows === 0) return;
  const stream = client.query(copyFrom(`COPY ${table} (${copyColumns(dataset).join(', ')}) FROM STDIN`));
  await pipeline(Readable.from(page.chunks), stream);
}
