import { randomBytes } from 'node:crypto';
import { copyFile, mkdtemp, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { inject } from 'vitest';
import { createPool } from '../../src/db/pool.js';
import { migrate } from '../../src/db/migrate.js';

export interface TestDatabase {
  url: string;
  name: string;
  pool: pg.Pool;
  schema: string;
  drop(): Promise<void>;
}

/**
 * A fresh database for one test file, migrated, dropped afterwards. Call in beforeAll and
 * drop in afterAll.
 */
export async function createTestDatabase(
  options: { migrate?: boolean; schema?: string } = {},
): Promise<TestDatabase> {
  const adminUrl = inject('pgAdminUrl');
  const name = `afas_sync_test_${randomBytes(5).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const pool = createPool(url.toString(), 10);
  const schema = options.schema ?? 'afas';
  if (options.migrate !== false) await migrate(pool, schema);
  return {
    url: url.toString(),
    name,
    pool,
    schema,
    async drop() {
      await pool.end().catch(() => undefined);
      const cleanup = new pg.Client({ connectionString: adminUrl });
      await cleanup.connect();
      try {
        await cleanup.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await cleanup.end();
      }
    },
  };
}

const MIGRATIONS = fileURLToPath(new URL('../../src/db/migrations/', import.meta.url));

/**
 * Migrates `db` to the schema as it stood before migration `first` (e.g. '0012'), so a test can
 * store rows the way an older release did and then run the newer migrations over them.
 */
export async function migrateBefore(db: TestDatabase, first: string): Promise<void> {
  const before = await mkdtemp(join(tmpdir(), 'afas-mig-'));
  for (const file of (await readdir(MIGRATIONS)).filter((name) => name < first))
    await copyFile(join(MIGRATIONS, file), join(before, file));
  await migrate(db.pool, db.schema, { dir: `${before}/` });
}
