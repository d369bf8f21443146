// The database a bench (re)creates on the PostgreSQL server it is given: bench:fleet and bench:post.
import pg from 'pg';
import { ensureDatabase } from '../src/db/ensure-database.js';

/** The URL of database `name` on the server of `base` (same host, user and options). */
export function databaseUrl(base: string, name: string): string {
  const url = new URL(base);
  url.pathname = `/${name}`;
  return url.toString();
}

/**
 * Drops database `name` (closing its connections) and creates it empty, so every run starts from
 * the same state. `name` must be a plain SQL identifier: the tools check it when they parse it.
 */
export async function freshDatabase(
  adminUrl: string,
  name: string,
  applicationName: string,
): Promise<string> {
  const admin = new pg.Client({ connectionString: adminUrl, application_name: applicationName });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  } finally {
    await admin.end();
  }
  const url = databaseUrl(adminUrl, name);
  await ensureDatabase(url);
  return url;
}
