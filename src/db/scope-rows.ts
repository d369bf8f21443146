// Which rows of a dataset's table a replaced scope covers, and whether the table holds any: what
// decides between writing a scope straight into the table and staging and merging it.
import type pg from 'pg';

/** A replaced scope: administrations, and for changed days the booking days. */
export interface StageScopeFilter {
  administrations: readonly number[];
  entryDays?: readonly string[];
}

/** The rows of a scope in `target` (as `t`), live and deleted, as SQL and its parameters. */
export function inScope(source: string, scope: StageScopeFilter): { sql: string; params: unknown[] } {
  return {
    sql: `t._source = $1 AND t._administration = ANY($2::int[])${scope.entryDays ? ' AND t._entry_day = ANY($3::date[])' : ''}`,
    params: [source, scope.administrations, ...(scope.entryDays ? [scope.entryDays] : [])],
  };
}

/**
 * Whether `target` holds a row of the scope (`live`: one not marked deleted), as one query. Booking
 * days are probed one by one (each an equality on the by-day index): a single `_entry_day =
 * ANY(days)` under LIMIT 1 is planned as a scan of the administration's key index that stops at
 * the first match, and reads all of it when, as in a first sync, there is none.
 */
export async function holdsRowOf(
  db: Pick<pg.ClientBase, 'query'>,
  target: string,
  source: string,
  scope: StageScopeFilter,
  live: boolean,
): Promise<boolean> {
  const liveOnly = live ? ' AND t._deleted_at IS NULL' : '';
  if (!scope.entryDays) {
    const { sql, params } = inScope(source, scope);
    const found = await db.query(`SELECT 1 FROM ${target} t WHERE ${sql}${liveOnly} LIMIT 1`, params);
    return found.rowCount !== 0;
  }
  const found = await db.query(
    `SELECT 1 FROM unnest($3::date[]) AS d(day) CROSS JOIN LATERAL (
       SELECT 1 FROM ${target} t
        WHERE t._source = $1 AND t._administration = ANY($2::int[]) AND t._entry_day = d.day${liveOnly}
        LIMIT 1) AS hit
      LIMIT 1`,
    [source, scope.administrations, scope.entryDays],
  );
  return found.rowCount !== 0;
}

/** Whether `target` (schema-qualified, quoted) holds no row of the scope, live or deleted. */
export async function scopeIsEmpty(
  db: Pick<pg.ClientBase, 'query'>,
  target: string,
  source: string,
  scope: StageScopeFilter,
): Promise<boolean> {
  return !(await holdsRowOf(db, target, source, scope, false));
}
