// The databases the tools' tests (bench:fleet, bench:post) let their run create, dropped after.
import pg from 'pg';
import { inject } from 'vitest';

/** Drops a database a tool's run created (its connections closed first). */
export async function dropToolDatabase(database: string): Promise<void> {
  const admin = new pg.Client({ connectionString: inject('pgAdminUrl') });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
  } finally {
    await admin.end();
  }
}
