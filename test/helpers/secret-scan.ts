// Finds secrets stored in plain: every row of every table in the database, whole, as PostgreSQL
// prints it (`row::text`: text and jsonb as they are, bytea as hex), searched for each needle.
// Generic on purpose, so a column added later is scanned without anyone remembering to.
import type pg from 'pg';
import { ident } from '../../src/db/pool.js';

export interface SecretFinding {
  /** `schema.table` */
  table: string;
  needle: string;
}

/** Every (table, needle) pair where some row of the table contains the needle; [] when clean. */
export async function scanDatabase(pool: pg.Pool, needles: readonly string[]): Promise<SecretFinding[]> {
  const tables = await pool.query<{ schema: string; name: string }>(
    `SELECT table_schema AS schema, table_name AS name FROM information_schema.tables
      WHERE table_type = 'BASE TABLE' AND table_schema NOT IN ('pg_catalog', 'information_schema')
      ORDER BY 1, 2`,
  );
  if (tables.rows.length === 0) throw new Error('the scan found no tables at all');
  const findings: SecretFinding[] = [];
  for (const { schema, name } of tables.rows) {
    const hits = await pool.query<{ needle: string }>(
      `SELECT DISTINCT n.needle FROM ${ident(schema)}.${ident(name)} AS t, unnest($1::text[]) AS n(needle)
        WHERE strpos(t::text, n.needle) > 0 ORDER BY 1`,
      [needles],
    );
    for (const { needle } of hits.rows) findings.push({ table: `${schema}.${name}`, needle });
  }
  return findings;
}
