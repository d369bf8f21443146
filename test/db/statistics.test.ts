// The planner's statistics after a bulk write (src/db/statistics.ts): a table never analysed, or
// one that grew by more than a fifth, is analysed for the columns asked; a fresh one is left alone.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { refreshStatistics } from '../../src/db/statistics.js';
import { createTestDatabase, type TestDatabase } from '../helpers/database.js';

describe('refreshStatistics', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase({ migrate: false, schema: 'stats' });
    await db.pool.query(
      `CREATE SCHEMA stats; CREATE TABLE stats.lines (id int PRIMARY KEY, "Year" int, note text)`,
    );
  });
  afterAll(() => db?.drop());

  /** Inserts rows and makes this session's counters visible to pg_stat_user_tables at once. */
  const insert = async (from: number, count: number) => {
    const client = await db.pool.connect();
    try {
      await client.query(
        `INSERT INTO stats.lines SELECT i, 2020 + i % 5, 'x' FROM generate_series($1::int, $2::int) i`,
        [from, from + count - 1],
      );
      await client.query('SELECT pg_stat_force_next_flush()');
      await client.query('SELECT 1');
    } finally {
      client.release();
    }
  };
  const analysed = async () =>
    (
      await db.pool.query<{ attname: string }>(
        `SELECT attname FROM pg_stats WHERE schemaname = 'stats' AND tablename = 'lines' ORDER BY 1`,
      )
    ).rows.map((row) => row.attname);

  it('analyses a table never analysed, only the columns asked, and then leaves it alone', async () => {
    await insert(1, 10_000);
    expect(await refreshStatistics(db.pool, 'stats', 'lines', ['id', 'Year'])).toBe(true);
    expect(await analysed()).toEqual(['Year', 'id']);
    expect(await refreshStatistics(db.pool, 'stats', 'lines', ['id', 'Year'])).toBe(false);
    // A column without statistics yet is a reason of its own.
    expect(await refreshStatistics(db.pool, 'stats', 'lines', ['id', 'note'])).toBe(true);
    expect(await analysed()).toEqual(['Year', 'id', 'note']);
  });

  it('analyses again once the table grew by more than a fifth, not before', async () => {
    await insert(10_001, 1_500);
    expect(await refreshStatistics(db.pool, 'stats', 'lines', ['id', 'Year'])).toBe(false);
    await insert(11_501, 1_500);
    expect(await refreshStatistics(db.pool, 'stats', 'lines', ['id', 'Year'])).toBe(true);
    const tuples = await db.pool.query<{ reltuples: number }>(
      `SELECT reltuples FROM pg_class WHERE oid = 'stats.lines'::regclass`,
    );
    expect(Number(tuples.rows[0]?.reltuples)).toBe(13_000);
  });

  it('says nothing of a table that does not exist', async () => {
    expect(await refreshStatistics(db.pool, 'stats', 'nosuch', ['id'])).toBe(false);
  });
});
