// Issue 17.3 over the real stack: two sources on the same simulated AFAS environment, synced at once
// by two worker processes, never have more calls in flight at the simulator than the environment's
// budget (the smaller maxConcurrency of the two: 2); and a SIGKILLed worker's places come free when
// their leases run out, so the other worker finishes the sync.
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startSync } from '../../src/client/sync-control.js';
import { startSyncFixture, type SyncFixture } from '../helpers/sync-fixture.js';
import { WorkerProcess } from '../helpers/worker-process.js';

const TOKEN_A = 'A1'.repeat(32);
const TOKEN_B = 'B2'.repeat(32);
const token = (data: string) => `<token><version>1</version><data>${data}</data></token>`;
const LEASE_SECONDS = 3;
const SYNC_OPTIONS = { heartbeatTimeoutSeconds: 3, retryInitialSeconds: 1, retryMaximumSeconds: 2 };

describe('the per-environment call limit across sources and worker processes', () => {
  let fixture: SyncFixture;
  const workers: WorkerProcess[] = [];

  beforeAll(async () => {
    fixture = await startSyncFixture({
      simulator: {
        seed: 17,
        administrations: 2,
        years: [2025],
        linesPerYear: 600,
        tokens: [{ token: TOKEN_A }, { token: TOKEN_B }],
      },
      // Same environment (id, type, simulator URL); the smaller maxConcurrency is the budget.
      sources: [
        { name: 'env-a', token: token(TOKEN_A), maxConcurrency: 4 },
        { name: 'env-b', token: token(TOKEN_B), maxConcurrency: 2 },
      ],
      worker: false,
    });
  });

  afterAll(async () => {
    await Promise.all(workers.map((worker) => worker.kill()));
    await fixture?.close();
  });

  const startWorker = async () => {
    const worker = new WorkerProcess({
      TEMPORAL_ADDRESS: inject('temporalAddress'),
      TEMPORAL_TASK_QUEUE: fixture.temporal.taskQueue,
      DATABASE_URL: fixture.db.url,
      AFAS_SYNC_SECRET_KEY: '11'.repeat(32),
      AFAS_SYNC_SHUTDOWN_GRACE_SECONDS: '1',
      AFAS_SYNC_AFAS_CALL_LEASE_SECONDS: String(LEASE_SECONDS),
    });
    workers.push(worker);
    await worker.start();
    return worker;
  };

  const concurrency = () => fixture.control.call<{ inFlight: number; max: number }>('GET', 'concurrency');
  const slots = async () =>
    (
      await fixture.db.pool.query<{ holder: string | null; lease_until: Date | null }>(
        'SELECT holder, lease_until FROM afas.afas_call_slots ORDER BY env_key, slot',
      )
    ).rows;

  it('two sources, two workers: never more than 2 calls at once, and both syncs succeed', async () => {
    const [first, second] = await Promise.all([startWorker(), startWorker()]);
    await fixture.control.call('DELETE', 'concurrency');
    // Every call takes a while, so calls of both sources and both workers overlap.
    await fixture.control.fault({ kind: 'slow', delayMs: 60 });
    const handles = await Promise.all(
      ['env-a', 'env-b'].map((name) => startSync(fixture.target, name, SYNC_OPTIONS)),
    );
    const results = await Promise.all(handles.map((handle) => handle.result()));
    await fixture.control.clearFaults();
    expect(results.map((result) => [result.status, result.failures])).toEqual([
      ['succeeded', []],
      ['succeeded', []],
    ]);
    // The budget was used to the full, and never beyond.
    expect((await concurrency()).max).toBe(2);
    // Every place was given back.
    expect(new Set((await slots()).map((row) => row.holder))).toEqual(new Set([null]));
    await Promise.all([first.kill('SIGTERM'), second.kill('SIGTERM')]);
  });

  it("a SIGKILLed worker's places come free by lease expiry and the other worker finishes", async () => {
    const doomed = await startWorker();
    await fixture.control.call('DELETE', 'concurrency');
    // Slow answers, so the doomed worker is holding places when it dies.
    await fixture.control.fault({ kind: 'slow', delayMs: 1_500 });
    const handle = await startSync(fixture.target, 'env-a', SYNC_OPTIONS);
    const pid = String(doomed.pid);
    let held: { holder: string | null; lease_until: Date | null }[] = [];
    for (let tries = 0; held.length < 2 && tries < 300; tries++) {
      held = (await slots()).filter((row) => row.holder?.includes(`/${pid}/`));
      if (held.length < 2) await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(held).toHaveLength(2);
    expect(await doomed.kill('SIGKILL')).toBeNull();
    const leasesEnd = Math.max(...held.map((row) => row.lease_until?.getTime() ?? 0));
    // The log numbers a call when it arrives but records it when it closes: once the dead worker's
    // connections have closed, every call it made is in the log.
    await new Promise((resolve) => setTimeout(resolve, 300));
    const lastSeq = Math.max(0, ...(await fixture.control.requests()).map((entry) => entry.seq));
    await fixture.control.clearFaults();
    await startWorker();
    const result = await handle.result();
    expect(result.status).toBe('succeeded');
    // The survivor's first AFAS call came only after the dead worker's leases ran out: nothing
    // freed them earlier, and nothing wedged for longer than a lease.
    const after = (await fixture.control.requests()).filter((entry) => entry.seq > lastSeq);
    expect(after.length).toBeGreaterThan(0);
    const firstCall = Math.min(...after.map((entry) => Date.parse(entry.timestamp)));
    expect(firstCall).toBeGreaterThanOrEqual(leasesEnd - 50);
    expect((await concurrency()).max).toBeLessThanOrEqual(2);
    // Only the dead worker's expired holds may be left; the survivor gave back what it took.
    const survivorHolds = (await slots()).filter((row) => row.holder && !row.holder.includes(`/${pid}/`));
    expect(survivorHolds).toEqual([]);
  });
});
