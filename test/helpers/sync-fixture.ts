import type { ActivitySettings } from '../../src/activities/deps.js';
import { AfasClient } from '../../src/afas/index.js';
import type { AppContext } from '../../src/app/context.js';
import type { SyncTarget } from '../../src/client/sync-control.js';
import type { NewSource } from '../../src/db/sources.js';
import { startSimulator, type RunningSimulator, type SimulatorOptions } from '../../src/simulator/index.js';
import { createTestDatabase, type TestDatabase } from './database.js';
import { SimControl } from './simulator.js';
import {
  connectTestTemporal,
  startTestWorker,
  testAppContext,
  type TemporalTestContext,
} from './temporal.js';

/** What a sync integration test runs against: a fresh database, Temporal, the simulator, a worker. */
export interface SyncFixture {
  db: TestDatabase;
  app: AppContext;
  temporal: TemporalTestContext;
  target: SyncTarget;
  sim: RunningSimulator;
  control: SimControl;
  /** A client with the first simulator token, for reading metainfo in assertions. */
  afas: AfasClient;
  worker: Awaited<ReturnType<typeof startTestWorker>> | undefined;
  /** Starts the in-process worker (once) when the fixture was created with `worker: false`. */
  startWorker(): Promise<Awaited<ReturnType<typeof startTestWorker>>>;
  close(): Promise<void>;
}

export type FixtureSource = Pick<NewSource, 'name' | 'token'> & Partial<Omit<NewSource, 'name' | 'token'>>;

/**
 * Starts everything a sync test needs. Sources default to the simulator's base URL; the
 * in-process worker is optional (crash tests run the compiled worker as a process instead).
 */
export async function startSyncFixture(options: {
  simulator: SimulatorOptions & { tokens: { token: string }[] };
  sources: FixtureSource[];
  worker?: boolean;
  /** Activity settings of the in-process worker beyond the fast test retries. */
  workerSettings?: Partial<ActivitySettings>;
  /** The in-process worker's AFAS request time-out (default 30 s). */
  afasRequestTimeoutMs?: number;
}): Promise<SyncFixture> {
  const db = await createTestDatabase();
  const app = testAppContext(db);
  const temporal = await connectTestTemporal();
  const sim = await startSimulator({ control: true, ...options.simulator });
  const afas = new AfasClient({
    environmentId: '1',
    environmentType: 'test',
    baseUrl: sim.baseUrl,
    token: options.simulator.tokens[0]?.token ?? 'demo',
  });
  for (const source of options.sources) {
    await app.sources.add({ environmentId: '1', environmentType: 'test', baseUrl: sim.baseUrl, ...source });
  }
  const workerOptions = {
    ...(options.workerSettings ? { settings: options.workerSettings } : {}),
    ...(options.afasRequestTimeoutMs === undefined
      ? {}
      : { afasRequestTimeoutMs: options.afasRequestTimeoutMs }),
  };
  let worker = options.worker === false ? undefined : await startTestWorker(temporal, app, workerOptions);
  return {
    db,
    app,
    temporal,
    target: { client: temporal.client, taskQueue: temporal.taskQueue },
    sim,
    control: new SimControl(sim.url),
    afas,
    get worker() {
      return worker;
    },
    async startWorker() {
      worker ??= await startTestWorker(temporal, app, workerOptions);
      return worker;
    },
    async close() {
      await worker?.stop();
      await afas.close();
      await sim.close();
      await temporal.close();
      await db.drop();
    },
  };
}
