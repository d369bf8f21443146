import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadMigrations, migrate } from '../../src/db/migrate.js';
import { createPool } from '../../src/db/pool.js';
import { createTestDatabase, type TestDatabase } from '../helpers/database.js';

describe('migrations', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase({ migrate: false });
  });
  afterAll(async () => db.drop());

  it('apply once each, even when several workers start at the same moment', async () => {
    const pools = [0, 1, 2].map(() => createPool(db.url, 2));
    try {
      const results = await Promise.all(pools.map((pool) => migrate(pool, 'custom_schema')));
      const all = await loadMigrations();
      // Exactly one of the racers applied everything; the others found nothing to do.
      expect(results.map((r) => r.applied.length).sort()).toEqual([0, 0, all.length]);
      const recorded = await db.pool.query<{ version: number }>(
        'SELECT version FROM custom_schema.schema_migrations ORDER BY 1',
      );
      expect(recorded.rows.map((r) => r.version)).toEqual(all.map((m) => m.version));
      const tables = await db.pool.query<{ table_name: string }>(
        `SELECT table_name FROM information_schema.tables WHERE table_schema = 'custom_schema' ORDER BY 1`,
      );
      expect(tables.rows.map((r) => r.table_name)).toEqual(
        expect.arrayContaining([
          'sources',
          'sync_runs',
          'sync_run_datasets',
          'sync_state',
          'schema_migrations',
        ]),
      );
      expect((await migrate(db.pool, 'custom_schema')).applied).toEqual([]);
    } finally {
      await Promise.all(pools.map((pool) => pool.end()));
    }
  });

  it('roll back a failing migration completely and name it', async () => {
    const { mkdtemp, writeFile } = await import('node:fs/promises');
    const dir = await mkdtemp('/tmp/afas-mig-');
    await writeFile(`${dir}/0001_ok.sql`, 'CREATE TABLE ok_table (id int);');
    await writeFile(`${dir}/0002_broken.sql`, 'CREATE TABLE half_done (id int); SELECT no_such_function();');
    await expect(migrate(db.pool, 'broken_schema', { dir: `${dir}/` })).rejects.toThrow(
      /migration 0002_broken failed/,
    );
    const tables = await db.pool.query<{ table_name: string }>(
      `SELECT table_name FROM information_schema.tables WHERE table_schema = 'broken_schema' ORDER BY 1`,
    );
    expect(tables.rows.map((r) => r.table_name)).toEqual(['ok_table', 'schema_migrations']);
    const versions = await db.pool.query<{ version: number }>(
      'SELECT version FROM broken_schema.schema_migrations',
    );
    expect(versions.rows.map((r) => r.version)).toEqual([1]);
  });
});
