// Everything a soak run stands on: a private PostgreSQL cluster, its own Temporal dev server
// (persistent), the AFAS simulator, the sources, the worker process and a Temporal client.
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { openAppContext, type AppContext } from '../../src/app/context.js';
import { currentAmsterdamYear } from '../../src/cli/parse.js';
import { parseSecretKey } from '../../src/config/secret-key.js';
import { startSimulator, type RunningSimulator } from '../../src/simulator/index.js';
import { freePort } from '../../src/temporal/dev-server.js';
import type { SoakOptions } from './options.js';
import { createPrivateCluster, type PrivateCluster } from './postgres-cluster.js';
import { SimulatorControl } from './simulator-control.js';
import { RestartableTemporal } from './temporal-server.js';
import { WorkerSupervisor } from './worker-supervisor.js';
import { closeAll } from '../teardown.js';

export const SOAK_TASK_QUEUE = 'afas-soak';
export const SOAK_SCHEMA = 'afas';
/** The administrations the Finstack source may see (the simulator has three). */
export const FINSTACK_ADMINISTRATIONS = [1, 2];

export interface SoakSource {
  name: string;
  prefix: 'Profit_' | 'Finstack_';
  /** The token's data string (secret: only the sources table, sealed, and the simulator know it). */
  token: string;
  administrations: readonly number[] | undefined;
}

export interface SoakStack {
  readonly cluster: PrivateCluster;
  readonly app: AppContext;
  readonly temporal: RestartableTemporal;
  readonly simulator: RunningSimulator;
  readonly sim: SimulatorControl;
  readonly worker: WorkerSupervisor;
  readonly target: { client: Client; taskQueue: string };
  readonly sources: readonly SoakSource[];
  readonly metricsPort: number;
  readonly years: readonly number[];
  close(): Promise<void>;
}

/** Builds the stack; whatever was built is torn down again when a later step fails. */
export async function buildStack(options: SoakOptions, log: (line: string) => void): Promise<SoakStack> {
  const undo: (() => Promise<unknown>)[] = [];
  try {
    const workDir = await mkdtemp(join(tmpdir(), 'afas-soak-'));
    undo.unshift(() => rm(workDir, { recursive: true, force: true }));
    const cluster = await createPrivateCluster();
    undo.unshift(() => cluster.drop());
    log(`postgres: private cluster ${cluster.name} on port ${cluster.port}`);
    const keyHex = randomBytes(32).toString('hex');
    const databaseUrl = cluster.url('afas_soak');
    const app = await openAppContext(
      {
        databaseUrl,
        dbSchema: SOAK_SCHEMA,
        secretKey: parseSecretKey(keyHex, 'soak key'),
        previousSecretKeys: [],
      },
      { poolSize: 4 },
    );
    undo.unshift(() => app.close());
    const temporal = await RestartableTemporal.start(workDir);
    undo.unshift(() => temporal.stop());
    log(`temporal: dev server on ${temporal.address} (state in ${workDir})`);

    const year = currentAmsterdamYear();
    const years = [year - 1, year];
    const sources: SoakSource[] = Array.from({ length: options.sources }, (_, index) => {
      const prefix = index === 1 ? 'Finstack_' : 'Profit_';
      return {
        name: `soak-${index + 1}`,
        prefix,
        token: randomBytes(32).toString('hex').toUpperCase(),
        administrations: prefix === 'Finstack_' ? FINSTACK_ADMINISTRATIONS : undefined,
      };
    });
    const simulator = await startSimulator({
      seed: options.seed,
      administrations: 3,
      years,
      linesPerYear: options.linesPerYear,
      control: true,
      tokens: sources.map((source) => ({ token: source.token, appName: `soak ${source.name}` })),
      finstackAdministrationIds: FINSTACK_ADMINISTRATIONS,
    });
    undo.unshift(() => simulator.close());
    for (const source of sources) {
      await app.sources.add({
        name: source.name,
        environmentId: '12345',
        environmentType: 'test',
        baseUrl: simulator.baseUrl,
        token: source.token,
        connectorPrefix: source.prefix,
        maxConcurrency: 3,
      });
    }

    const metricsPort = await freePort();
    const worker = new WorkerSupervisor(
      join(options.distDir, 'worker.js'),
      {
        TEMPORAL_ADDRESS: temporal.address,
        TEMPORAL_TASK_QUEUE: SOAK_TASK_QUEUE,
        DATABASE_URL: databaseUrl,
        AFAS_SYNC_SECRET_KEY: keyHex,
        METRICS_PORT: String(metricsPort),
        AFAS_SYNC_SHUTDOWN_GRACE_SECONDS: '2',
        LOG_LEVEL: 'info',
      },
      log,
    );
    undo.unshift(() => worker.stop());
    worker.start();
    if (!(await worker.waitReady(90_000))) {
      throw new Error(`the worker did not start: ${worker.transcript.join('').slice(-1_500)}`);
    }
    const connection = await Connection.connect({ address: temporal.address });
    undo.unshift(() => connection.close());
    log(
      `worker: started (${join(options.distDir, 'worker.js')}), ${sources.length} source(s), simulator ${simulator.url}`,
    );
    return {
      cluster,
      app,
      temporal,
      simulator,
      sim: new SimulatorControl(simulator.url),
      worker,
      target: { client: new Client({ connection }), taskQueue: SOAK_TASK_QUEUE },
      sources,
      metricsPort,
      years,
      close: () => closeAll(undo, 'soak'),
    };
  } catch (error) {
    await closeAll(undo, 'soak').catch(() => undefined);
    throw error;
  }
}
