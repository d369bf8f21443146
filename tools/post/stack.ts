// What bench:post stands on: a simulator process that answers every UpdateConnector write after a
// fixed latency, a fresh PostgreSQL database with one write-back source, a Temporal dev server,
// one worker process (dist/worker.js, as the image runs it) and a Temporal client.
import { randomBytes } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import pg from 'pg';
import { contextFor, type AppContext } from '../../src/app/context.js';
import { parseSecretKey } from '../../src/config/secret-key.js';
import { migrate } from '../../src/db/migrate.js';
import type { SimulatorOptions } from '../../src/simulator/index.js';
import { startDevServer, type RunningDevServer } from '../../src/temporal/dev-server.js';
import { SIMULATOR_SCRIPT, startNode, type ChildHandle } from '../bench/processes.js';
import { freshDatabase } from '../databases.js';
import { FleetWorkers } from '../fleet/workers.js';
import { SimulatorControl } from '../soak/simulator-control.js';
import { closeAll } from '../teardown.js';
import type { PostBenchOptions } from './options.js';

export const POST_TASK_QUEUE = 'afas-bench-post';
export const POST_SCHEMA = 'afas';
export const POST_SOURCE = 'post-bench';
/** How the bench's own PostgreSQL connections name themselves (pg_stat_activity). */
const APPLICATION_NAME = 'afas-bench-post';
/**
 * The simulated environment: two administrations over the default three years (so the oldest
 * year's periods are blocked and the batch must avoid them), and few enough journal lines that
 * the first sync takes seconds: the bench measures posting, not reading.
 */
const ADMINISTRATIONS = 2;
const LINES_PER_YEAR = 300;

export interface PostStack {
  readonly app: AppContext;
  readonly databaseUrl: string;
  readonly temporal: RunningDevServer;
  readonly simulator: ChildHandle;
  readonly control: SimulatorControl;
  readonly workers: FleetWorkers;
  readonly target: { client: Client; taskQueue: string };
  /** What the `afas-sync` CLI and the worker are run with (the bench's own database and server). */
  readonly productEnv: Record<string, string>;
  close(): Promise<void>;
}

/** Builds the stack; whatever was built is torn down again when a later step fails. */
export async function buildPostStack(
  options: PostBenchOptions,
  adminUrl: string,
  log: (line: string) => void,
): Promise<PostStack> {
  const undo: (() => Promise<unknown>)[] = [];
  try {
    const databaseUrl = await freshDatabase(adminUrl, options.database, APPLICATION_NAME);
    const pool = new pg.Pool({ connectionString: databaseUrl, max: 4, application_name: APPLICATION_NAME });
    pool.on('error', () => undefined);
    undo.unshift(() => pool.end());
    await migrate(pool, POST_SCHEMA);
    const keyHex = randomBytes(32).toString('hex');
    const app = contextFor(pool, {
      dbSchema: POST_SCHEMA,
      secretKey: parseSecretKey(keyHex, 'bench key'),
      previousSecretKeys: [],
    });

    const token = randomBytes(32).toString('hex').toUpperCase();
    const simulatorOptions: SimulatorOptions = {
      control: true,
      seed: options.seed,
      administrations: ADMINISTRATIONS,
      linesPerYear: LINES_PER_YEAR,
      // Every App-connector connector, FiEntries among them (what `source add --write-back` checks).
      tokens: [{ token, appName: 'bench post' }],
      updateLatencyMs: options.latencyMs,
    };
    const simulator = await startNode(SIMULATOR_SCRIPT, [JSON.stringify(simulatorOptions)], {}, /"baseUrl"/);
    undo.unshift(() => simulator.stop());
    const { url, baseUrl } = JSON.parse(simulator.readyLine) as { url: string; baseUrl: string };
    log(`simulator: ${url}, FiEntries answers after ${options.latencyMs} ms`);
    // As `source add … --write-back --max-concurrency N` stores it once AFAS showed FiEntries;
    // stored directly (as bench:fleet does) so no Temporal Schedule exists that could start a sync
    // in the middle of the measurement.
    await app.sources.add({
      name: POST_SOURCE,
      environmentId: '90019',
      environmentType: 'test',
      baseUrl,
      token,
      maxConcurrency: options.concurrency,
      writeBack: true,
    });

    const temporal = await startDevServer({ startTimeoutMs: 60_000 });
    undo.unshift(() => temporal.stop());
    log(`temporal: dev server on ${temporal.address}`);
    const productEnv = {
      TEMPORAL_ADDRESS: temporal.address,
      TEMPORAL_TASK_QUEUE: POST_TASK_QUEUE,
      DATABASE_URL: databaseUrl,
      AFAS_SYNC_SECRET_KEY: keyHex,
    };
    const workers = new FleetWorkers(1, productEnv);
    undo.unshift(() => workers.stopAll());
    await workers.startAll();
    log('worker: started');
    const connection = await Connection.connect({ address: temporal.address });
    undo.unshift(() => connection.close());
    return {
      app,
      databaseUrl,
      temporal,
      simulator,
      control: new SimulatorControl(url),
      workers,
      target: { client: new Client({ connection }), taskQueue: POST_TASK_QUEUE },
      productEnv,
      close: () => closeAll(undo, 'bench:post'),
    };
  } catch (error) {
    await closeAll(undo, 'bench:post').catch(() => undefined);
    throw error;
  }
}
