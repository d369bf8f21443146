import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';
import { classifyTests } from './test/setup/projects.js';

const { unit, integration } = classifyTests(fileURLToPath(new URL('.', import.meta.url)));

// A unit test that reaches for PostgreSQL or Temporal anyway (not through inject()) must fail,
// not quietly find a server on the machine: every default address points nowhere.
const NOWHERE = 'no-stack-in-the-unit-project.invalid';

export default defineConfig({
  test: {
    // The Temporal core bridge is a native addon and its Runtime a per-process singleton:
    // one forked process per test file.
    pool: 'forks',
    reporters: ['default'],
    // The integration project's global setup stops its Temporal dev server here.
    teardownTimeout: 60_000,
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: unit,
          // Pure modules without the native core bridge: one process runs every unit file, which
          // saves a fork and a fresh module graph per file (about 35 s of a full run).
          isolate: false,
          testTimeout: 20_000,
          env: {
            AFAS_SYNC_TEST_PG_ADMIN_URL: `postgres://${NOWHERE}:5432/postgres`,
            DATABASE_URL: `postgres://${NOWHERE}:5432/postgres`,
            PGHOST: NOWHERE,
            TEMPORAL_ADDRESS: `${NOWHERE}:7233`,
            TEMPORAL_CLI: `/${NOWHERE}/temporal`,
          },
        },
      },
      {
        extends: true,
        test: {
          name: 'integration',
          include: integration,
          globalSetup: ['test/setup/global-setup.ts'],
          testTimeout: 120_000,
          hookTimeout: 180_000,
        },
      },
    ],
  },
});
