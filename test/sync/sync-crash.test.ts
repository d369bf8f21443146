import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { AfasClient } from '../../src/afas/index.js';
import type { AppContext } from '../../src/app/context.js';
import { DATASETS } from '../../src/catalog/index.js';
import { startSync, syncProgress } from '../../src/client/sync-control.js';
import { startSimulator, type RunningSimulator } from '../../src/simulator/index.js';
import { expectTableEqualsSimulator } from '../helpers/compare.js';
import { createTestDatabase, type TestDatabase } from '../helpers/database.js';
import { SimControl } from '../helpers/simulator.js';
import { connectTestTemporal, testAppContext, type TemporalTestContext } from '../helpers/temporal.js';
import { WorkerProcess } from '../helpers/worker-process.js';

const TOKEN_DATA = 'BEEF0123456789ABCDEFBEEF0123456789ABCDEFBEEF0123456789ABCDEF0123';

describe('sync saga survives a SIGKILLed worker', () => {
  let db: TestDatabase;
  let app: AppContext;
  let temporal: TemporalTestContext;
  let sim: RunningSimulator;
  let control: SimControl;
  let afas: AfasClient;
  let worker: WorkerProcess;

  beforeAll(async () => {
    db = await createTestDatabase();
    app = testAppContext(db);
    temporal = await connectTestTemporal();
    sim = await startSimulator({
      seed: 11,
      administrations: 2,
      years: [2025],
      linesPerYear: 1500,
      control: true,
      tokens: [{ token: TOKEN_DATA }],
    });
    control = new SimControl(sim.url);
    afas = new AfasClient({
      environmentId: '1',
      environmentType: 'test',
      baseUrl: sim.baseUrl,
      token: TOKEN_DATA,
    });
    await app.sources.add({
      name: 'crashy',
      environmentId: '1',
      environmentType: 'test',
      baseUrl: sim.baseUrl,
      token: TOKEN_DATA,
    });
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
    await afas?.close();
    await sim?.close();
    await temporal?.close();
    await db?.drop();
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
