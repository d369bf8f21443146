// Issue 19 point 9: the worker SIGKILLed while a batch is posted: before the POST, after AFAS
// booked the entry but before its number was recorded, and while the batch is being compensated.
// Each time a new worker picks the saga up, and every entry is in AFAS exactly once (or, after a
// compensation, not at all).
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startSync } from '../../src/client/sync-control.js';
import { entryMarker } from '../../src/write-back/marker.js';
import type { PostBatchResult } from '../../src/write-back/post-types.js';
import { ensureBuilt } from '../helpers/build.js';
import { runCli } from '../helpers/cli.js';
import { startSyncFixture, type SyncFixture } from '../helpers/sync-fixture.js';
import { waitFor } from '../helpers/wait-for.js';
import { WorkerProcess } from '../helpers/worker-process.js';

const TOKEN_DATA = '19C0E40123456789ABCDEF0123456789ABCDEF0123456789ABCDEF01234567CC';
const TOKEN = `<token><version>1</version><data>${TOKEN_DATA}</data></token>`;
const SOURCE = 'post-crash';
const YEAR = 2025;

const entry = (key: string, period: number) => ({
  key,
  administration: 1,
  journal: '90',
  date: `${YEAR}-${String(period).padStart(2, '0')}-10`,
  lines: [
    { account: '1700', debit: '42.00', credit: '0' },
    { account: '1000', debit: '0', credit: '42.00' },
  ],
});

describe('post: a SIGKILLed worker never posts an entry twice', () => {
  let fixture: SyncFixture;
  let worker: WorkerProcess;
  let dir: string;

  const workerEnv = () => ({
    TEMPORAL_ADDRESS: inject('temporalAddress'),
    TEMPORAL_TASK_QUEUE: fixture.temporal.taskQueue,
    DATABASE_URL: fixture.db.url,
    AFAS_SYNC_SECRET_KEY: '11'.repeat(32),
    AFAS_SYNC_SHUTDOWN_GRACE_SECONDS: '1',
  });
  const restart = async () => {
    expect(await worker.kill('SIGKILL')).toBeNull();
    worker = new WorkerProcess(workerEnv());
    await worker.start();
  };

  beforeAll(async () => {
    [fixture] = await Promise.all([
      startSyncFixture({
        simulator: {
          seed: 29,
          administrations: 1,
          years: [2024, YEAR],
          linesPerYear: 100,
          tokens: [{ token: TOKEN_DATA }],
        },
        sources: [{ name: SOURCE, token: TOKEN, writeBack: true, maxConcurrency: 1 }],
        worker: false,
      }),
      ensureBuilt(),
    ]);
    worker = new WorkerProcess(workerEnv());
    await worker.start();
    const sync = await startSync(fixture.target, SOURCE, {});
    expect((await sync.result()).status).toBe('succeeded');
    dir = mkdtempSync(join(tmpdir(), 'post-crash-'));
  }, 120_000);
  afterAll(async () => {
    await worker?.kill();
    await fixture?.close();
  });

  const start = async (batch: string, entries: ReturnType<typeof entry>[]) => {
    const path = join(dir, `${batch}.json`);
    writeFileSync(path, JSON.stringify({ batch, entries }));
    const result = await runCli(['post', SOURCE, '--file', path], {
      env: {
        DATABASE_URL: fixture.db.url,
        TEMPORAL_ADDRESS: inject('temporalAddress'),
        TEMPORAL_TASK_QUEUE: fixture.temporal.taskQueue,
      },
    });
    expect(result.code, result.stderr).toBe(0);
    return fixture.temporal.client.workflow.getHandle(`afas-post/${SOURCE}/${batch}`);
  };
  const calls = async (method: string) =>
    (await fixture.control.requests({ connector: 'FiEntries' })).filter((call) => call.method === method);
  /** How many entries AFAS holds per key of the batch, found by marker. */
  const inAfas = async (batch: string, keys: readonly string[]) => {
    const rows = await fixture.control.export('Profit_Transactions');
    return Object.fromEntries(
      keys.map((key) => {
        const marker = entryMarker(batch, key);
        const lines = rows.filter((row) =>
          (typeof row['Description'] === 'string' ? row['Description'] : '').endsWith(marker),
        );
        return [key, new Set(lines.map((line) => line['EntryNo'])).size];
      }),
    );
  };

  it(
    'killed before the POST (the layout locked): posted once after the restart',
    { timeout: 240_000 },
    async () => {
      await fixture.control.clearRequests();
      await fixture.control.call('POST', 'booking-lock', { seconds: 600 });
      const handle = await start('crash-before', [entry('b-1', 3), entry('b-2', 3)]);
      await waitFor('a refused POST', async () => (await calls('POST')).length > 0);
      await restart();
      await fixture.control.call('POST', 'booking-lock', { seconds: 0.001 });
      const result = (await handle.result()) as PostBatchResult;
      expect(result.status).toBe('confirmed');
      expect(await inAfas('crash-before', ['b-1', 'b-2'])).toEqual({ 'b-1': 1, 'b-2': 1 });
    },
  );

  it(
    'killed after AFAS booked the entry, before its number was recorded: found by marker, not posted again',
    { timeout: 240_000 },
    async () => {
      await fixture.control.clearRequests();
      await fixture.control.call('POST', 'update-latency', { ms: 5_000 });
      const handle = await start('crash-after', [entry('a-1', 3), entry('a-2', 3)]);
      // The simulator books on arrival and answers 5 s later: the kill lands in between.
      await waitFor(
        'the first entry booked',
        async () => (await inAfas('crash-after', ['a-1']))['a-1'] === 1,
      );
      await restart();
      await fixture.control.call('POST', 'update-latency', { ms: 0 });
      const result = (await handle.result()) as PostBatchResult;
      expect(result.status).toBe('confirmed');
      expect(await inAfas('crash-after', ['a-1', 'a-2'])).toEqual({ 'a-1': 1, 'a-2': 1 });
      expect(await calls('POST')).toHaveLength(2);
      const steps = await fixture.db.pool.query<{ action: string; outcome: string }>(
        `SELECT action, outcome FROM afas.post_steps WHERE source = $1 AND batch_id = 'crash-after' AND key = 'a-1' ORDER BY step_id`,
        [SOURCE],
      );
      expect(steps.rows).toContainEqual({ action: 'lookup', outcome: 'found' });
    },
  );

  it(
    'killed while compensating: every entry of the batch is out of AFAS afterwards',
    { timeout: 240_000 },
    async () => {
      const before = await fixture.control.export('Profit_Transactions');
      await fixture.control.call('POST', 'blocked-periods', { unitId: 1, year: YEAR, period: 5 });
      try {
        await fixture.control.clearRequests();
        // Every write answers 5 s after AFAS applied it: the kill lands between a DELETE and its answer.
        await fixture.control.call('POST', 'update-latency', { ms: 5_000 });
        const handle = await start('crash-compensate', [entry('c-1', 3), entry('c-2', 3), entry('c-3', 5)]);
        await waitFor('the refusal of c-3', async () =>
          (await calls('POST')).some((call) => call.status === 500),
        );
        await waitFor(
          'c-2 deleted, its answer pending',
          async () => (await inAfas('crash-compensate', ['c-2']))['c-2'] === 0,
        );
        await restart();
        await fixture.control.call('POST', 'update-latency', { ms: 0 });
        const result = (await handle.result()) as PostBatchResult;
        expect(result.status).toBe('compensated');
        expect(await fixture.control.export('Profit_Transactions')).toEqual(before);
        // The DELETE the kill cut off is sent again, AFAS finds nothing to delete, and the marker's
        // look-up shows the entry gone: deleted, not an error.
        const steps = await fixture.db.pool.query<{ action: string; outcome: string }>(
          `SELECT action, outcome FROM afas.post_steps
            WHERE source = $1 AND batch_id = 'crash-compensate' AND key = 'c-2' ORDER BY step_id`,
          [SOURCE],
        );
        expect(steps.rows.slice(-2)).toEqual([
          { action: 'delete', outcome: 'refused' },
          { action: 'lookup', outcome: 'not_found' },
        ]);
      } finally {
        await fixture.control.call('POST', 'update-latency', { ms: 0 });
        await fixture.control.call('POST', 'blocked-periods', {
          unitId: 1,
          year: YEAR,
          period: 5,
          blocked: false,
        });
      }
    },
  );
});
