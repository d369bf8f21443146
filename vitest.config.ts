import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';
import { classifyTests } from './test/setup/projects.js';

const { unit, integration } = classifyTests(fileURLToPath(new URL('.', import.meta.url)));

/**
 * Integration files that run alone, after the others: their assertions hold a timing margin (or
 * a whole run of chaos and schedules) that a second test file on the same two cores would eat.
 */
const RUN_ALONE = [
  // Seeded chaos against its own PostgreSQL cluster and Temporal server; fault times are planned.
  'test/soak/soak.test.ts',
  // Schedules on an 8 s interval, a SIGKILL mid-round, two worker processes.
  'test/bench/fleet.test.ts',
  // The production benchmark end to end (9,000 rows through every phase).
  'test/bench/bench.test.ts',
  // Fifty administrations × five years through a worker process: a minute of both cores.
  'test/sync/big-environment.test.ts',
  // Tokens live 2 s and are renewed 200 ms before expiry: a stalled event loop is a refused call.
  'test/sync/oauth-stack.test.ts',
  // "No transaction idle for > 1 s" while every slot waits on a 2 s AFAS.
  'test/sync/pool-starvation.test.ts',
  // A call's cost on a warm pool, in milliseconds.
  'test/afas-budget/pg-slots.test.ts',
];
const unknown = RUN_ALONE.filter((file) => !integration.includes(file));
if (unknown.length > 0) throw new Error(`RUN_ALONE names no integration test file: ${unknown.join(', ')}`);

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
          // Pure modules without the native core bridge: a process is reused for many unit
          // files, which saves a fork and a fresh module graph per file (about 35 s of a full run).
          isolate: false,
          // Beside the integration files (same group, same worker count): two at a time.
          maxWorkers: 2,
          sequence: { groupOrder: 0 },
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
          include: integration.filter((file) => !RUN_ALONE.includes(file)),
          globalSetup: ['test/setup/global-setup.ts'],
          // Two files at a time: most of an integration file's time is spent waiting (on
          // Temporal's task dispatch, timers, retries, subprocesses), not computing.
          maxWorkers: 2,
          sequence: { groupOrder: 0 },
          testTimeout: 120_000,
          hookTimeout: 180_000,
        },
      },
      {
        extends: true,
        test: {
          name: 'integration-alone',
          include: RUN_ALONE,
          // The same stack: the setup starts it once for both integration projects.
          globalSetup: ['test/setup/global-setup.ts'],
          maxWorkers: 1,
          sequence: { groupOrder: 1 },
          testTimeout: 120_000,
          hookTimeout: 180_000,
        },
      },
    ],
  },
});
