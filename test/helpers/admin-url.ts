import { normalizeDatabaseUrl } from '../../src/config/index.js';

/** A role on the test server that may create and drop databases. */
export function testAdminUrl(): string {
  return normalizeDatabaseUrl(
    process.env.AFAS_SYNC_TEST_PG_ADMIN_URL ?? 'postgres://127.0.0.1:5432/postgres',
    'AFAS_SYNC_TEST_PG_ADMIN_URL',
  );
}
