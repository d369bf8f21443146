// The planner's statistics of a dataset table, refreshed when a bulk write left them missing or
// stale. Without them PostgreSQL plans a freshly loaded million-line table as a few rows: the
// ledger proof's aggregate then sorts on disk (2.4 s at 1M lines instead of 0.8 s) and the syncs'
// day lookups can go just as wrong. Autovacuum gets there too, but up to a minute or more later.
import type pg from 'pg';
import { ident } from './pool.js';

/** The table moved this share of its rows since the last ANALYZE: its statistics are stale. */
const STALE_SHARE = 0.2;
/** Below this many rows of change a table is never called stale (small tables churn freely). */
const STALE_MIN_ROWS = 1_000;

/**
 * ANALYZEs the columns given when the table was never analysed, one of them has no statistics,
 * or its live row count moved by a fifth since. A column list costs a third of a full ANALYZE at
 * 1M journal lines (the raw jsonb is the costly part). Resolves to whether it analysed.
 */
export async function refreshStatistics(
  db: pg.Pool | pg.ClientBase,
  schema: string,
  table: string,
  columns: readonly string[],
): Promise<boolean> {
  const state = await db.query<{ reltuples: number; live: string; analysed: string }>(
    `SELECT c.reltuples, coalesce(s.n_live_tup, 0) AS live,
            (SELECT count(DISTINCT p.attname) FROM pg_stats p
              WHERE p.schemaname = $1 AND p.tablename = $2 AND p.attname = ANY($3::text[])) AS analysed
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
       LEFT JOIN pg_stat_user_tables s ON s.relid = c.oid
      WHERE n.nspname = $1 AND c.relname = $2`,
    [schema, table, [...columns]],
  );
  const row = state.rows[0];
  if (!row) return false;
  const tuples = Number(row.reltuples);
  const moved = Math.abs(Number(row.live) - tuples);
  const stale =
    tuples < 0 ||
    Number(row.analysed) < new Set(columns).size ||
    moved > Math.max(STALE_MIN_ROWS, STALE_SHARE * tuples);
  if (!stale) return false;
  await db.query(`ANALYZE ${ident(schema)}.${ident(table)} (${[...new Set(columns)].map(ident).join(', ')})`);
  return true;
}
