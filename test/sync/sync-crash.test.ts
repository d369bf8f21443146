import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { DATASETS } from '../../src/catalog/index.js';
import { startSync, syncProgress } from '../../src/client/sync-control.js';
import { expectTableEqualsSimulator } from '../helpers/compare.js';
import { startSyncFixture, type SyncFixture } from '../helpers/sync-fixture.js';
import { WorkerProcess } from '../helpers/worker-process.js';

const TOKEN_DATA = 'BEEF0123456789ABCDEFBEEF0123456789ABCDEFBEEF0123456789ABCDEF0123';

describe('sync saga survives a SIGKILLed worker', () => {
  let fixture: SyncFixture;
  let db: SyncFixture['db'];
  let app: SyncFixture['app'];
  let temporal: SyncFixture['temporal'];
  let control: SyncFixture['control'];
  let afas: SyncFixture['afas'];
  let worker: WorkerProcess;

  beforeAll(async () => {
    fixture = await startSyncFixture({
      simulator: {
        seed: 11,
        administrations: 2,
        years: [2025],
        linesPerYear: 1500,
        tokens: [{ token: TOKEN_DATA }],
      },
      sources: [{ name: 'crashy', token: TOKEN_DATA }],
      worker: false,
    });
    ({ db, app, temporal, control, afas } = fixture);
    worker = new WorkerProcess(workerEnv());
  });

  const workerEnv = () => ({
    TEMPORAL_ADDRESS: inject('temporalAddress'),
    TEMPORAL_TASK_QUEUE: temporal.taskQueue,
    DATABASE_URL: db.url,
    AFAS_SYNC_SECRET_KEY: '11'.repeat(32),
    AFAS_SYNC_SHUTDOWN_GRACE_SECONDS: '1',
  });

  afterAll(async () => {
    await worker?.kill();
    await fixture?.close();
  });

  it('completes with exact data and no duplicates after the worker is killed mid-sync', async () => {
    // Slow journal-line pages so the kill lands while booking days are being replaced.
    await control.fault({ kind: 'slow', connector: 'Profit_Transactions', delayMs: 400 });
    await worker.start();
    const target = { client: temporal.client, taskQueue: temporal.taskQueue };
    const handle = await startSync(target, 'crashy', {
      heartbeatTimeoutSeconds: 3,
      retryInitialSeconds: 1,
      retryMaximumSeconds: 2,
    });
    for (;;) {
      const progress = await syncProgress(target, 'crashy');
      if (progress && progress.daysReplaced > 0) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(await worker.kill('SIGKILL')).toBeNull(); // killed by signal, not a clean exit
    await control.clearFaults();
    worker = new WorkerProcess(workerEnv());
    await worker.start();
    const result = await handle.result();
    expect(result.status).toBe('succeeded');
    for (const definition of DATASETS) {
      await expectTableEqualsSimulator(db.pool, control, afas, {
        source: 'crashy',
        name: definition.name,
        administrations: [1, 2],
      });
    }
    const duplicates = await db.pool.query(
      `SELECT count(*)::int AS n FROM (SELECT 1 FROM afas.journal_lines GROUP BY _source, _administration, "EntryNo", "SeqNo" HAVING count(*) > 1) d`,
    );
    expect(duplicates.rows[0]).toEqual({ n: 0 });
    const run = await app.runs.get(result.runId);
    expect(run?.status).toBe('succeeded');
  });
});
