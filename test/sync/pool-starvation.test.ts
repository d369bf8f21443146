// Issue 15 (6): sixteen activity slots of several sources' syncs against an AFAS that takes 2 s
// per answer. Every slot is busy waiting on AFAS, yet bookkeeping and every source's sync get a
// connection and finish, and no connection sits in an open transaction while an AFAS call is in
// flight (a transaction held across a 2 s answer would show as idle in transaction for > 1 s).
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contextFor } from '../../src/app/context.js';
import { startSync } from '../../src/client/sync-control.js';
import { defaultPoolSize } from '../../src/config/index.js';
import { createPool } from '../../src/db/pool.js';
import { startSyncFixture, type SyncFixture } from '../helpers/sync-fixture.js';
import { startTestWorker, TEST_SECRET_KEY } from '../helpers/temporal.js';

const SLOTS = 16;
const SOURCES = ['s1', 's2', 's3', 's4', 's5'];
const token = (name: string) =>
  `<token><version>1</version><data>${name.toUpperCase().padEnd(64, '0')}</data></token>`;

describe('no connection starvation with every activity slot waiting on a slow AFAS', () => {
  let fixture: SyncFixture;
  let pool: pg.Pool;

  beforeAll(async () => {
    fixture = await startSyncFixture({
      simulator: {
        seed: 15,
        administrations: 2,
        years: [2025],
        linesPerYear: 300,
        tokens: SOURCES.map((name) => ({ token: name.toUpperCase().padEnd(64, '0') })),
      },
      // Each source on its own environment id: the environment's call budget (issue 17.3) would
      // otherwise hold all five syncs to 4 calls together, and the slots would wait on it, not on AFAS.
      sources: SOURCES.map((name, i) => ({
        name,
        token: token(name),
        environmentId: String(i + 1),
        maxConcurrentCalls: 4,
      })),
      worker: false,
    });
    // The worker's own pool at its production default for 16 slots.
    pool = createPool(fixture.db.url, defaultPoolSize(SLOTS));
  });

  afterAll(async () => {
    await fixture?.close();
    await pool?.end();
  });

  it('every sync succeeds and no transaction stays open across an AFAS answer', async () => {
    const app = contextFor(pool, {
      dbSchema: fixture.db.schema,
      secretKey: TEST_SECRET_KEY,
      previousSecretKeys: [],
    });
    const worker = await startTestWorker(fixture.temporal, app, { maxConcurrentActivities: SLOTS });
    const observer = new pg.Client({ connectionString: fixture.db.url });
    await observer.connect();
    const held: string[] = [];
    let busiest = 0;
    let sampling = true;
    let samplerError: unknown = null;
    const sampler = (async () => {
      while (sampling) {
        // A backend still starting has no state yet (NULL): not in a transaction.
        const { rows } = await observer.query<{ state: string; held_ms: number; query: string }>(
          `SELECT state, (extract(epoch FROM now() - state_change) * 1000)::int AS held_ms, query
             FROM pg_stat_activity
            WHERE datname = current_database() AND application_name = 'afas-sync' AND state IS NOT NULL`,
        );
        busiest = Math.max(busiest, pool.totalCount);
        for (const row of rows) {
          if (row.state.startsWith('idle in transaction') && row.held_ms > 1_000)
            held.push(`${row.held_ms} ms after: ${row.query.slice(0, 120)}`);
        }
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    })();
    try {
      await fixture.control.fault({ kind: 'slow', delayMs: 2_000 });
      const target = { client: fixture.temporal.client, taskQueue: fixture.temporal.taskQueue };
      const handles = await Promise.all(
        SOURCES.map((name) =>
          startSync(target, name, { heartbeatTimeoutSeconds: 30, retryInitialSeconds: 1 }),
        ),
      );
      const results = await Promise.all(handles.map((handle) => handle.result()));
      expect(results.map((result) => [result.status, result.failures])).toEqual(
        SOURCES.map(() => ['succeeded', []]),
      );
      // The slots really were full of AFAS waits: the simulator saw slow calls from every source.
      const slow = (await fixture.control.requests()).filter((entry) => entry.fault === 'slow');
      expect(slow.length).toBeGreaterThan(SOURCES.length * 10);
    } finally {
      await fixture.control.clearFaults();
      sampling = false;
      samplerError = await sampler.then(
        () => null,
        (error: unknown) => error,
      );
      await observer.end();
      await worker.stop();
    }
    expect(samplerError).toBeNull();
    expect(held).toEqual([]);
    expect(busiest).toBeLessThanOrEqual(defaultPoolSize(SLOTS));
  });
});
