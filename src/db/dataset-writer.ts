import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import type pg from 'pg';
import type { ScannedPage } from '../afas/page-scan.js';
import { from as copyFrom } from 'pg-copy-streams';
import type { ColumnSpec, ResolvedDataset } from './dataset-schema.js';
import { pageBuffers } from './page-buffers.js';
import { ident } from './pool.js';
import {
  copyEscape,
  encodeRowChunks,
  encodeScannedRows,
  COPY_CHUNK_ROWS,
  type LineFrame,
  type RawRow,
  type RowContext,
  type StagedKeys,
} from './row-encoding.js';

export interface MergeCounts {
  inserted: number;
  updated: number;
}

/** Stage columns hold dates as Amsterdam wall time (`timestamp`); the merge converts them. */
function stageType(column: ColumnSpec): string {
  return column.sqlType === 'timestamptz' ? 'timestamp' : column.sqlType;
}

function targetValue(column: ColumnSpec, alias: string): string {
  const ref = `${alias}.${ident(column.column)}`;
  return column.sqlType === 'timestamptz' ? `(${ref} AT TIME ZONE 'Europe/Amsterdam')` : ref;
}

/** The one-line duplicate check error: AFAS returned two different rows under one key. */
export class DuplicateKeyError extends Error {
  constructor(connectorId: string, key: string) {
    super(`connector ${connectorId} returned different rows with the same key ${key}`);
    this.name = 'DuplicateKeyError';
  }
}

/** Longest rendering of one key value in a duplicate-key message. */
const KEY_VALUE_CHARS = 80;

/** PostgreSQL's SQLSTATE for a unique-constraint violation. */
const UNIQUE_VIOLATION = '23505';

/** Where the rows of a page came from, for error messages and the administration check. */
export type PageContext = RowContext;

/** A written page: its counts, and whether it went straight into the table (see appendNew()). */
export interface PageWrite extends MergeCounts {
  appended: boolean;
}

/** Who writes: stored in every row's `_source` and `_run_id`. */
export interface WriterContext {
  source: string;
  runId: string;
}

/**
 * A page's rows as validated COPY lines (see encodePage()). Lines have the same columns for the
 * stage and for the table: `_source, _administration, <columns…>, _raw[, _entry_day], _run_id`.
 */
export interface EncodedPage {
  readonly rows: number;
  /** COPY text, or its UTF-8 bytes when encoded from a scanned page. */
  readonly chunks: readonly (string | Buffer)[];
  /**
   * Gives the buffer the chunks are views of back to its pool (see page-buffers.ts). Call it once
   * the page's transaction committed, and never read the chunks after; a page that was not
   * committed is left to the garbage collector.
   */
  readonly release?: () => void;
}

/** The COPY text around every line: the columns a row does not hold. */
function lineFrame(context: WriterContext): LineFrame {
  return { before: `${copyEscape(context.source)}\t`, after: `\t${copyEscape(context.runId)}` };
}

/** A page's rows for encodePage(): parsed, or scanned in its JSON bytes (parsed only when needed). */
export interface PageRows {
  readonly rows: readonly RawRow[];
  /** The page's JSON bytes with the position of every row and value (see afas/page-scan). */
  readonly scanned?: ScannedPage | null;
  /** The JSON text held no backslash (see RowContext.plain). */
  readonly plain?: boolean;
}

/**
 * Validates and encodes a page's rows for appendNew() or writePage(). Call it as soon as the page
 * arrives and let go of the row objects: the text is a fraction of their size, and rows that die
 * before the next await never reach V8's old generation (at 1M rows that was most of the worker's
 * garbage-collection work). A scanned page is encoded from its bytes without parsing its rows,
 * unless a value needs more than copying. Throws RowDataError on the first bad value, before
 * anything is written.
 */
export function encodePage(
  dataset: ResolvedDataset,
  context: WriterContext,
  source: PageRows,
  page: PageContext,
): EncodedPage {
  const frame = lineFrame(context);
  const scanned = source.scanned ?? null;
  if (scanned !== null) {
    const encoded = encodeScannedRows(dataset, scanned, page, frame, COPY_CHUNK_ROWS, pageBuffers);
    if (encoded !== null) {
      const { chunks, buffer } = encoded;
      let released = buffer === null;
      const release = () => {
        if (released) return;
        released = true;
        pageBuffers.release(buffer as Buffer);
      };
      return { rows: scanned.rowCount, chunks, release };
    }
  }
  // A scanned page's text has no backslash at all: its parsed rows are plain.
  const rowContext = { ...page, plain: scanned !== null || source.plain === true };
  return {
    rows: source.rows.length,
    chunks: encodeRowChunks(dataset, source.rows, rowContext, COPY_CHUNK_ROWS, undefined, frame),
  };
}

/**
 * Writes one dataset's rows through a temporary stage table, inside the caller's transaction:
 * COPY the page into the stage, then one `INSERT … SELECT … ON CONFLICT DO UPDATE … WHERE … IS
 * DISTINCT FROM` (unchanged rows produce no new tuples), and for replaced partitions one UPDATE that
 * marks rows missing from the stage as deleted. Never row by row.
 */
export class DatasetWriter {
  private readonly target: string;
  private readonly stage = 'afas_stage';
  private created = false;
  /** The stage has an index on the row key (kept across TRUNCATE). */
  private keyIndexed = false;
  /** Keys staged since the stage was last emptied (see merge()). */
  private stagedKeys: StagedKeys = { seen: new Set(), repeated: false };
  /** Every row staged since the stage was last emptied had its key noted in stagedKeys. */
  private keysNoted = true;
  /**
   * Key columns whose COPY text is canonical (int, text, boolean): equal text ⇔ equal key in
   * PostgreSQL, so the staged key texts tell for certain whether a key came twice. Decimal and
   * date keys ("1.5" = "1.50") always take the merge that checks in SQL.
   */
  private readonly keysCanonical: boolean;
  /** The stage still holds merged rows; emptied before its next use (never when the transaction just ends: ON COMMIT DROP). */
  private merged = false;

  constructor(
    private readonly client: pg.ClientBase,
    schema: string,
    private readonly dataset: ResolvedDataset,
    private readonly context: WriterContext,
  ) {
    this.target = `${ident(schema)}.${ident(dataset.table)}`;
    const keyFields = new Set(dataset.keyFields);
    this.keysCanonical = dataset.columns
      .filter((column) => keyFields.has(column.field))
      .every((column) => ['int', 'string', 'boolean'].includes(column.dataType));
  }

  /** The columns of every COPY line, in the stage and in the table (see EncodedPage). */
  private copyColumns(): string[] {
    return [
      '_source',
      '_administration',
      ...this.dataset.columns.map((column) => ident(column.column)),
      '_raw',
      ...(this.dataset.entryDateField ? ['_entry_day'] : []),
      '_run_id',
    ];
  }

  /** Creates the stage for this transaction (dropped at commit), or empties it after a merge. */
  private async ensureStage(): Promise<void> {
    if (this.merged) {
      await this.client.query(`TRUNCATE ${this.stage}`);
      this.merged = false;
      this.stagedKeys = { seen: new Set(), repeated: false };
      this.keysNoted = true;
    }
    if (this.created) return;
    const columns = this.dataset.columns.map((column) => `${ident(column.column)} ${stageType(column)}`);
    await this.client.query(
      `CREATE TEMP TABLE ${this.stage} (
         _source text NOT NULL,
         _administration integer NOT NULL,
         ${columns.join(',\n         ')}${columns.length ? ',' : ''}
         _raw jsonb NOT NULL,
         ${this.dataset.entryDateField ? '_entry_day date,' : ''}
         _run_id text NOT NULL
       ) ON COMMIT DROP`,
    );
    this.created = true;
  }

  /** Validates and COPYs rows into the stage. Returns how many were staged. */
  async stageRows(rows: readonly RawRow[], context: PageContext = {}): Promise<number> {
    await this.ensureStage();
    if (rows.length === 0) return 0;
    // Encoded (and so validated) in full before COPY starts, but as ~500-row chunks: no page-sized
    // string, and no second copy of it when the lines are joined.
    const frame = lineFrame(this.context);
    const chunks = encodeRowChunks(this.dataset, rows, context, COPY_CHUNK_ROWS, this.stagedKeys, frame);
    await this.copy(this.stage, drain(chunks));
    return rows.length;
  }

  /** COPYs an encoded page into the stage (its keys were not noted: the merge checks them in SQL). */
  private async stagePage(page: EncodedPage): Promise<void> {
    await this.ensureStage();
    if (page.rows === 0) return;
    this.keysNoted = false;
    await this.copy(this.stage, page.chunks);
  }

  private async copy(table: string, chunks: Iterable<string | Buffer>): Promise<void> {
    const stream = this.client.query(copyFrom(`COPY ${table} (${this.copyColumns().join(', ')}) FROM STDIN`));
    await pipeline(Readable.from(chunks), stream);
  }

  /**
   * Appends a page whose keys are all new with one COPY straight into the table: no stage, no
   * merge, about a third less PostgreSQL work than staging and merging (a historical import's
   * pages are nearly always new). The COPY runs under a savepoint; when any key is already in the
   * table, or comes twice in the page, the unique key refuses it, the savepoint undoes it, and this
   * returns null with nothing written: the caller stages and merges instead.
   */
  async appendNew(page: EncodedPage): Promise<MergeCounts | null> {
    if (page.rows === 0) return { inserted: 0, updated: 0 };
    await this.client.query('SAVEPOINT afas_append');
    // Dates are Amsterdam wall time: with the transaction's TimeZone set to Amsterdam, COPY reads
    // them exactly as the merge's `AT TIME ZONE 'Europe/Amsterdam'` does (same offset rules in DST
    // gaps and overlaps). Set locally and put back below; a rollback to the savepoint undoes it too.
    const zone = await this.client.query<{ previous: string }>(
      `SELECT current_setting('TimeZone') AS previous, set_config('TimeZone', 'Europe/Amsterdam', true)`,
    );
    try {
      // Not drained: a refused page is staged from the same chunks.
      await this.copy(this.target, page.chunks);
    } catch (error) {
      // Any other failure aborts the caller's transaction as staging would have.
      if ((error as { code?: unknown }).code !== UNIQUE_VIOLATION) throw error;
      await this.client.query('ROLLBACK TO SAVEPOINT afas_append; RELEASE SAVEPOINT afas_append');
      return null;
    }
    await this.client.query(`RELEASE SAVEPOINT afas_append`);
    await this.client.query(`SELECT set_config('TimeZone', $1, true)`, [zone.rows[0]?.previous ?? 'UTC']);
    return { inserted: page.rows, updated: 0 };
  }

  /**
   * Writes one page: appended directly when `tryAppend` and every key is new, else staged and
   * merged. `appended` tells the caller whether appending is worth trying for its next page.
   */
  async writePage(page: EncodedPage, tryAppend: boolean): Promise<PageWrite> {
    const appended = tryAppend ? await this.appendNew(page) : null;
    if (appended !== null) return { ...appended, appended: true };
    await this.stagePage(page);
    return { ...(await this.merge()), appended: false };
  }

  private keyColumns(): string[] {
    return ['_administration', ...this.dataset.keyColumns.map(ident)];
  }

  /**
   * The duplicate check as a CTE of the merge statement (one round trip per page instead of two):
   * a key staged with different raw rows. When there is one, the merge inserts nothing.
   */
  private duplicateCte(): string {
    const keys = this.keyColumns().join(', ');
    return `duplicate AS (
         SELECT json_build_array(${keys}) AS key
           FROM ${this.stage} GROUP BY ${keys} HAVING count(DISTINCT _raw) > 1 LIMIT 1)`;
  }

  private duplicateKeyError(values: unknown[]): DuplicateKeyError {
    // Named like a row key in RowDataError: the administration field (if any), then the key fields.
    const [administration, ...keyValues] = values;
    const parts = [
      ...(this.dataset.administrationField ? [[this.dataset.administrationField, administration]] : []),
      ...this.dataset.keyFields.map((field, index) => [field, keyValues[index]]),
    ].map(([field, value]) => {
      const text = JSON.stringify(value ?? null);
      return `${String(field)}=${text.length > KEY_VALUE_CHARS ? `${text.slice(0, KEY_VALUE_CHARS)}…` : text}`;
    });
    return new DuplicateKeyError(this.dataset.connectorId, `(${parts.join(', ')})`);
  }

  /**
   * Upserts the stage into the target table (after checking it for conflicting duplicates), then
   * empties the stage (lazily: only if the writer stages again in this transaction).
   */
  async merge(): Promise<MergeCounts> {
    await this.ensureStage();
    const columns = this.dataset.columns;
    const keyList = ['_source', ...this.keyColumns()].join(', ');
    const insertColumns = [
      '_source',
      '_administration',
      ...columns.map((column) => ident(column.column)),
      '_raw',
      ...(this.dataset.entryDateField ? ['_entry_day'] : []),
      '_synced_at',
      '_run_id',
      '_deleted_at',
    ];
    const selectValues = [
      's._source',
      's._administration',
      ...columns.map((column) => targetValue(column, 's')),
      's._raw',
      ...(this.dataset.entryDateField ? ['s._entry_day'] : []),
      'now()',
      's._run_id',
      'NULL::timestamptz',
    ];
    const updates = insertColumns
      .filter(
        (column) =>
          column !== '_source' &&
          column !== '_administration' &&
          !this.dataset.keyColumns.map(ident).includes(column),
      )
      .map((column) => `${column} = EXCLUDED.${column}`);
    const upsert = (from: string) => `INSERT INTO ${this.target} AS t (${insertColumns.join(', ')})
         ${from}
         ON CONFLICT (${keyList}) DO UPDATE SET ${updates.join(', ')}
         WHERE t._raw IS DISTINCT FROM EXCLUDED._raw OR t._deleted_at IS NOT NULL
         RETURNING (xmax = 0) AS inserted`;
    // Every staged key was distinct (checked while encoding): no DISTINCT ON sort and no duplicate
    // scan of the stage, about a sixth of the merge's cost. Otherwise PostgreSQL sorts it out.
    const sql =
      this.keysCanonical && this.keysNoted && !this.stagedKeys.repeated
        ? `WITH merged AS (${upsert(`SELECT ${selectValues.join(', ')} FROM ${this.stage} s`)})
       SELECT NULL AS duplicate,
              count(*) FILTER (WHERE inserted) AS inserted, count(*) FILTER (WHERE NOT inserted) AS updated FROM merged`
        : `WITH ${this.duplicateCte()},
       merged AS (${upsert(`SELECT DISTINCT ON (${this.keyColumns()
         .map((column) => `s.${column}`)
         .join(', ')}) ${selectValues.join(', ')}
           FROM ${this.stage} s
          WHERE NOT EXISTS (SELECT 1 FROM duplicate)`)})
       SELECT (SELECT key FROM duplicate) AS duplicate,
              count(*) FILTER (WHERE inserted) AS inserted, count(*) FILTER (WHERE NOT inserted) AS updated FROM merged`;
    const result = await this.client.query<{
      duplicate: unknown[] | null;
      inserted: string;
      updated: string;
    }>(sql);
    const row = result.rows[0];
    if (row?.duplicate) throw this.duplicateKeyError(row.duplicate);
    this.merged = true;
    return { inserted: Number(row?.inserted ?? 0), updated: Number(row?.updated ?? 0) };
  }

  /**
   * Marks rows of the replaced scope that are not in the stage as deleted. Call after staging the
   * whole scope and before `merge()` (which empties the stage).
   */
  async markMissingDeleted(scope: {
    administrations: readonly number[];
    entryDays?: readonly string[];
  }): Promise<number> {
    await this.ensureStage();
    if (!this.keyIndexed) {
      // The stage has no statistics, and right after a bulk load the target may have none either:
      // the planner then estimates one target row and picks a nested loop that scans the stage once
      // per target row (quadratic: 0.6 s for 3,300 rows, seconds for a few days of a busy ledger).
      // With an index on the stage's key every plan it can choose is cheap.
      await this.client.query(`CREATE INDEX ON ${this.stage} (${this.keyColumns().join(', ')})`);
      this.keyIndexed = true;
    }
    const matches = this.keyColumns()
      .map((column) => `s.${column} = t.${column}`)
      .join(' AND ');
    const dayFilter = scope.entryDays ? 'AND t._entry_day = ANY($4::date[])' : '';
    const result = await this.client.query(
      `UPDATE ${this.target} t SET _deleted_at = now(), _synced_at = now(), _run_id = $2
        WHERE t._source = $1 AND t._administration = ANY($3::int[]) ${dayFilter} AND t._deleted_at IS NULL
          AND NOT EXISTS (SELECT 1 FROM ${this.stage} s WHERE ${matches})`,
      [
        this.context.source,
        this.context.runId,
        scope.administrations,
        ...(scope.entryDays ? [scope.entryDays] : []),
      ],
    );
    return result.rowCount ?? 0;
  }
}

/** Yields the chunks and lets go of each one as it is handed to the COPY stream. */
function* drain(chunks: (string | undefined)[]): Generator<string> {
  for (let index = 0; index < chunks.length; index++) {
    const chunk = chunks[index] as string;
    chunks[index] = undefined;
    yield chunk;
  }
}
