// The second half of the one write path (codec/encode-page.ts is the first): encoded pages go
// straight into the table when every key is new, else into a stage that is merged in one
// statement. Syncs and imports use the same functions.
import type pg from 'pg';
import { keyValueText, type EncodedPage } from '../codec/index.js';
import { copyPage, stageColumnsSql, targetValue, type CopyLines } from './copy-lines.js';
import type { ResolvedDataset } from './dataset-schema.js';
import { checkMassDelete, type MassDeleteGuard } from './mass-delete.js';
import { ident } from './pool.js';
import { holdsRowOf, inScope, scopeIsEmpty, type StageScopeFilter } from './scope-rows.js';
import { CARDINALITY_VIOLATION, DuplicateKeyError, sqlState, UNIQUE_VIOLATION } from './write-errors.js';

export interface MergeCounts {
  inserted: number;
  updated: number;
}

/** A written page: its counts, and whether it went straight into the table (see appendNew()). */
export interface PageWrite extends MergeCounts {
  appended: boolean;
}

/**
 * Writes one dataset's rows inside the caller's transaction: a page appended straight into the
 * table when all its keys are new, else merged from a stage with one `INSERT … SELECT … ON
 * CONFLICT DO UPDATE … WHERE … IS DISTINCT FROM` (unchanged rows produce no new tuples), and for a
 * replaced scope one UPDATE that marks rows missing from the stage as deleted. Never row by row.
 */
export class DatasetWriter {
  private readonly target: string;
  /** The transaction's own stage for writePage() (dropped at commit). */
  private readonly pageStage = 'afas_stage';
  private pageStageCreated = false;

  constructor(
    private readonly client: pg.ClientBase,
    schema: string,
    private readonly dataset: ResolvedDataset,
    private readonly context: { source: string; runId: string },
    /** `rewrite`: a row is rewritten when any stored column differs from the stage, not only `_raw` (a repair). */
    private readonly options: { rewrite?: boolean } = {},
  ) {
    this.target = `${ident(schema)}.${ident(dataset.table)}`;
  }

  /**
   * Appends a page whose keys are all new with one COPY straight into the table: no stage, no
   * merge, about a third less PostgreSQL work than staging and merging (a historical import's
   * pages are nearly always new). The COPY runs under a savepoint; when any key is already in the
   * table, or comes twice in the page, the unique key refuses it, the savepoint undoes it, and this
   * returns null with nothing written: the caller stages and merges instead.
   */
  async appendNew(page: CopyLines): Promise<MergeCounts | null> {
    if (page.rows === 0) return { inserted: 0, updated: 0 };
    await this.client.query('SAVEPOINT afas_append');
    // Dates are Amsterdam wall time: with the transaction's TimeZone set to Amsterdam, COPY reads
    // them exactly as the merge's `AT TIME ZONE 'Europe/Amsterdam'` does (same offset rules in DST
    // gaps and overlaps). Set locally and put back below; a rollback to the savepoint undoes it too.
    const zone = await this.client.query<{ previous: string }>(
      `SELECT current_setting('TimeZone') AS previous, set_config('TimeZone', 'Europe/Amsterdam', true)`,
    );
    try {
      await copyPage(this.client, this.target, this.dataset, page);
    } catch (error) {
      // Any other failure aborts the caller's transaction as staging would have.
      if (sqlState(error) !== UNIQUE_VIOLATION) throw error;
      await this.client.query('ROLLBACK TO SAVEPOINT afas_append; RELEASE SAVEPOINT afas_append');
      return null;
    }
    await this.client.query(`RELEASE SAVEPOINT afas_append`);
    await this.client.query(`SELECT set_config('TimeZone', $1, true)`, [zone.rows[0]?.previous ?? 'UTC']);
    return { inserted: page.rows, updated: 0 };
  }

  /**
   * Writes one page: appended directly when `tryAppend` and every key is new, else staged in the
   * transaction's own stage and merged. `appended` tells the caller whether appending is worth
   * trying for its next page.
   */
  async writePage(page: EncodedPage, tryAppend: boolean): Promise<PageWrite> {
    const appended = tryAppend ? await this.appendNew(page) : null;
    if (appended !== null) return { ...appended, appended: true };
    await this.stageInTransaction(page);
    return { ...(await this.merge(this.pageStage, page.rows)), appended: false };
  }

  /** COPYs lines into the transaction's own stage (created on first use, emptied on later ones). */
  private async stageInTransaction(lines: CopyLines): Promise<void> {
    if (this.pageStageCreated) {
      await this.client.query(`TRUNCATE ${this.pageStage}`);
    } else {
      await this.client.query(
        `CREATE TEMP TABLE ${this.pageStage} (\n  ${stageColumnsSql(this.dataset)}\n) ON COMMIT DROP`,
      );
      this.pageStageCreated = true;
    }
    await copyPage(this.client, this.pageStage, this.dataset, lines);
  }

  private keyColumns(): string[] {
    return ['_administration', ...this.dataset.keyColumns.map(ident)];
  }

  /**
   * Upserts a stage (a table with the COPY line's columns, holding `stagedRows` rows) into the
   * target. Keys are nearly always distinct, so the plain upsert runs first, under a savepoint:
   * when a key came twice and both rows would be written, PostgreSQL refuses (a row cannot be
   * affected twice); when fewer rows were written than staged, a repeated key may hide among the
   * unchanged ones, and the stage is checked. Either way the merge then runs with the duplicate
   * check: identical rows are taken once, different rows under one key are a DuplicateKeyError.
   */
  async merge(stage: string, stagedRows: number): Promise<MergeCounts> {
    await this.client.query('SAVEPOINT afas_merge');
    try {
      const counts = await this.upsert(stage, false);
      const repeated =
        counts.inserted + counts.updated < stagedRows &&
        (
          await this.client.query(
            `SELECT 1 FROM ${stage} GROUP BY ${this.keyColumns().join(', ')} HAVING count(*) > 1 LIMIT 1`,
          )
        ).rowCount !== 0;
      if (!repeated) {
        await this.client.query('RELEASE SAVEPOINT afas_merge');
        return counts;
      }
    } catch (error) {
      if (sqlState(error) !== CARDINALITY_VIOLATION) throw error;
    }
    await this.client.query('ROLLBACK TO SAVEPOINT afas_merge; RELEASE SAVEPOINT afas_merge');
    return this.upsert(stage, true);
  }

  /** The target's columns an insert writes, and the stage (`s`) expressions for them. */
  private insertList(): { columns: string[]; values: string[] } {
    const columns = this.dataset.columns;
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
      's._raw::jsonb',
      ...(this.dataset.entryDateField ? ['s._entry_day'] : []),
      'now()',
      's._run_id',
      'NULL::timestamptz',
    ];
    return { columns: insertColumns, values: selectValues };
  }

  private async upsert(stage: string, checkDuplicates: boolean): Promise<MergeCounts> {
    const keyColumns = this.keyColumns();
    const keyList = ['_source', ...keyColumns].join(', ');
    const { columns: insertColumns, values: selectValues } = this.insertList();
    const keyIdents = new Set(['_source', '_administration', ...this.dataset.keyColumns.map(ident)]);
    const updates = insertColumns
      .filter((column) => !keyIdents.has(column))
      .map((column) => `${column} = EXCLUDED.${column}`);
    const upsert = (from: string) => `INSERT INTO ${this.target} AS t (${insertColumns.join(', ')})
         ${from}
         ON CONFLICT (${keyList}) DO UPDATE SET ${updates.join(', ')}
         WHERE ${this.changed(insertColumns)} OR t._deleted_at IS NOT NULL
         RETURNING (xmax = 0) AS inserted`;
    const counted = `SELECT count(*) FILTER (WHERE inserted) AS inserted,
              count(*) FILTER (WHERE NOT inserted) AS updated FROM merged`;
    const keys = keyColumns.join(', ');
    const sql = checkDuplicates
      ? `WITH duplicate AS (
           SELECT json_build_array(${keys}) AS key
             FROM ${stage} GROUP BY ${keys} HAVING count(DISTINCT _raw::jsonb) > 1 LIMIT 1),
         merged AS (${upsert(`SELECT DISTINCT ON (${keyColumns.map((column) => `s.${column}`).join(', ')})
             ${selectValues.join(', ')} FROM ${stage} s WHERE NOT EXISTS (SELECT 1 FROM duplicate)`)})
         SELECT (SELECT key FROM duplicate) AS duplicate, counted.* FROM (${counted}) counted`
      : `WITH merged AS (${upsert(`SELECT ${selectValues.join(', ')} FROM ${stage} s`)})
         SELECT NULL AS duplicate, counted.* FROM (${counted}) counted`;
    const result = await this.client.query<{
      duplicate: unknown[] | null;
      inserted: string;
      updated: string;
    }>(sql);
    const row = result.rows[0];
    if (row?.duplicate) throw this.duplicateKeyError(row.duplicate);
    return { inserted: Number(row?.inserted ?? 0), updated: Number(row?.updated ?? 0) };
  }

  /** When a conflicting row counts as changed: its `_raw` differs, or with `rewrite` any column written. */
  private changed(columns: readonly string[]): string {
    if (!this.options.rewrite) return 't._raw IS DISTINCT FROM EXCLUDED._raw';
    const compared = columns.filter((column) => !['_synced_at', '_run_id', '_deleted_at'].includes(column));
    return `ROW(${compared.map((c) => `t.${c}`).join(', ')}) IS DISTINCT FROM ROW(${compared.map((c) => `EXCLUDED.${c}`).join(', ')})`;
  }

  private duplicateKeyError(values: unknown[]): DuplicateKeyError {
    // Named like a row key in RowDataError: the administration field (if any), then the key fields.
    const [administration, ...keyValues] = values;
    const parts = [
      ...(this.dataset.administrationField ? [[this.dataset.administrationField, administration]] : []),
      ...this.dataset.keyFields.map((field, index) => [field, keyValues[index]]),
    ].map(([field, value]) => `${String(field)}=${keyValueText(value)}`);
    return new DuplicateKeyError(this.dataset.connectorId, `(${parts.join(', ')})`);
  }

  /**
   * Makes the scope equal to a stage holding all of it (`stagedRows` rows): rows missing from the
   * stage are marked deleted (when `markDeleted`; a `guard` refuses marking most of the scope,
   * see MassDeleteError), the rest merged. A scope the table holds no row
   * of (a first sync) is filled with one plain INSERT under a savepoint instead: no anti-join, no
   * conflict checks; a key the table has elsewhere or a key staged twice makes the unique index
   * refuse it, and the scope is merged after all.
   */
  async replace(
    stage: string,
    stagedRows: number,
    scope: StageScopeFilter,
    markDeleted: boolean,
    guard?: MassDeleteGuard,
  ): Promise<MergeCounts & { deleted: number }> {
    if (await this.scopeIsEmpty(scope)) {
      const inserted = await this.insertNew(stage);
      if (inserted !== null) return { inserted, updated: 0, deleted: 0 };
    }
    return this.mergeScope(stage, stagedRows, scope, markDeleted, guard);
  }

  /**
   * replace() for a scope whose pages were held in memory rather than staged: a scope the table
   * holds no row of goes in with one COPY straight into the table (the import's appendNew(), so a
   * first sync writes each row once); otherwise the lines are staged in this transaction and
   * replace the scope as a stage table would.
   */
  async replaceWith(
    lines: CopyLines,
    scope: StageScopeFilter,
    markDeleted: boolean,
    guard?: MassDeleteGuard,
  ): Promise<MergeCounts & { deleted: number }> {
    if (await this.scopeIsEmpty(scope)) {
      const appended = await this.appendNew(lines);
      if (appended !== null) return { ...appended, deleted: 0 };
    }
    await this.stageInTransaction(lines);
    return this.mergeScope(this.pageStage, lines.rows, scope, markDeleted, guard);
  }

  /** Makes the scope equal to a stage: what vanished marked deleted (guarded), the rest merged. */
  private async mergeScope(
    stage: string,
    stagedRows: number,
    scope: StageScopeFilter,
    markDeleted: boolean,
    guard: MassDeleteGuard | undefined,
  ): Promise<MergeCounts & { deleted: number }> {
    const deleted = markDeleted ? await this.markDeletedGuarded(stage, stagedRows, scope, guard) : 0;
    return { ...(await this.merge(stage, stagedRows)), deleted };
  }

  /**
   * markMissingDeleted() under a mass-delete guard: the scope's live rows are counted first, and
   * when the marking goes past the guard this throws MassDeleteError, so the caller's transaction
   * rolls back and nothing of the scope changes.
   */
  private async markDeletedGuarded(
    stage: string,
    returned: number,
    scope: StageScopeFilter,
    guard: MassDeleteGuard | undefined,
  ): Promise<number> {
    if (!guard) return this.markMissingDeleted(stage, scope);
    const { sql, params } = this.inScope(scope);
    const counted = await this.client.query<{ live: string }>(
      `SELECT count(*) AS live FROM ${this.target} t WHERE ${sql} AND t._deleted_at IS NULL`,
      params,
    );
    const live = Number(counted.rows[0]?.live ?? 0);
    const missing = await this.markMissingDeleted(stage, scope);
    const administrations = scope.administrations.filter((id) => id !== 0);
    checkMassDelete(
      guard,
      {
        source: this.context.source,
        scope: `${this.dataset.table}${administrations.length ? ` (administration ${administrations.join(', ')})` : ''}`,
      },
      { returned, live, missing },
    );
    return missing;
  }

  private scopeIsEmpty(scope: StageScopeFilter): Promise<boolean> {
    return scopeIsEmpty(this.client, this.target, this.context.source, scope);
  }

  /** One plain INSERT of the whole stage, or null (nothing written) when a key is already there or twice. */
  private async insertNew(stage: string): Promise<number | null> {
    await this.client.query('SAVEPOINT afas_insert');
    try {
      const { columns, values } = this.insertList();
      const result = await this.client.query(
        `INSERT INTO ${this.target} (${columns.join(', ')}) SELECT ${values.join(', ')} FROM ${stage} s`,
      );
      await this.client.query('RELEASE SAVEPOINT afas_insert');
      return result.rowCount ?? 0;
    } catch (error) {
      if (sqlState(error) !== UNIQUE_VIOLATION) throw error;
      await this.client.query('ROLLBACK TO SAVEPOINT afas_insert; RELEASE SAVEPOINT afas_insert');
      return null;
    }
  }

  private inScope(scope: StageScopeFilter): { sql: string; params: unknown[] } {
    return inScope(this.context.source, scope);
  }

  /**
   * Marks rows of a replaced scope that are not in the stage as deleted. Call with the whole
   * scope staged, before merge().
   */
  async markMissingDeleted(stage: string, scope: StageScopeFilter): Promise<number> {
    // A first load has nothing to mark: no index to build, no anti-join to run.
    if (!(await holdsRowOf(this.client, this.target, this.context.source, scope, true))) return 0;
    const { sql, params } = this.inScope(scope);
    const inScope = `${sql} AND t._deleted_at IS NULL`;
    // The stage has no statistics, and right after a bulk load the target may have none either:
    // the planner then estimates one target row and picks a nested loop that scans the stage once
    // per target row (quadratic: 0.6 s for 3,300 rows, seconds for a few days of a busy ledger).
    // With an index on the stage's key every plan it can choose is cheap.
    await this.client.query(`CREATE INDEX ON ${stage} (${this.keyColumns().join(', ')})`);
    const matches = this.keyColumns()
      .map((column) => `s.${column} = t.${column}`)
      .join(' AND ');
    const result = await this.client.query(
      `UPDATE ${this.target} t SET _deleted_at = now(), _synced_at = now(), _run_id = $${params.length + 1}
        WHERE ${inScope} AND NOT EXISTS (SELECT 1 FROM ${stage} s WHERE ${matches})`,
      [...params, this.context.runId],
    );
    return result.rowCount ?? 0;
  }
}
