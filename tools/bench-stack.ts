// The parts bench:fleet and bench:post build alike: a fresh migrated database with the product's
// stores over it, and a Temporal dev server with worker processes and a client. Each step hands
// its teardown to the caller's `undo` list, so a later failure closes what was built.
import { randomBytes } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import pg from 'pg';
import { contextFor, type AppContext } from '../src/app/context.js';
import { parseSecretKey } from '../src/config/secret-key.js';
import { migrate } from '../src/db/migrate.js';
import { startDevServer, type RunningDevServer } from '../src/temporal/dev-server.js';
import { freshDatabase } from './databases.js';
import { FleetWorkers } from './fleet/workers.js';

export type Undo = (() => Promise<unknown>)[];

export interface BenchDatabase {
  url: string;
  app: AppContext;
  /** The sources' secret key as AFAS_SYNC_SECRET_KEY takes it (made up for this run). */
  keyHex: string;
}

/**
 * Database `name`, dropped and created empty, migrated, with the stores over a small pool whose
 * connections name themselves `applicationName` (so pg_stat_activity tells them from the workers').
 */
export async function benchDatabase(
  undo: Undo,
  database: { adminUrl: string; name: string; applicationName: string; schema: string },
): Promise<BenchDatabase> {
  const url = await freshDatabase(database.adminUrl, database.name, database.applicationName);
  const pool = new pg.Pool({ connectionString: url, max: 4, application_name: database.applicationName });
  pool.on('error', () => undefined);
  undo.unshift(() => pool.end());
  await migrate(pool, database.schema);
  const keyHex = randomBytes(32).toString('hex');
  const app = contextFor(pool, {
    dbSchema: database.schema,
    secretKey: parseSecretKey(keyHex, 'bench key'),
    previousSecretKeys: [],
  });
  return { url, app, keyHex };
}

export interface BenchTemporal {
  temporal: RunningDevServer;
  workers: FleetWorkers;
  target: { client: Client; taskQueue: string };
  /** What the workers (and the `afas-sync` CLI) run with: this server, queue, database and key. */
  productEnv: Record<string, string>;
}

/** A Temporal dev server, `workers` worker processes polling `taskQueue`, and a client for it. */
export async function benchTemporal(
  undo: Undo,
  options: { workers: number; taskQueue: string; database: BenchDatabase },
  log: (line: string) => void,
): Promise<BenchTemporal> {
  const temporal = await startDevServer({ startTimeoutMs: 60_000 });
  undo.unshift(() => temporal.stop());
  log(`temporal: dev server on ${temporal.address}`);
  const productEnv = {
    TEMPORAL_ADDRESS: temporal.address,
    TEMPORAL_TASK_QUEUE: options.taskQueue,
    DATABASE_URL: options.database.url,
    AFAS_SYNC_SECRET_KEY: options.database.keyHex,
  };
  const workers = new FleetWorkers(options.workers, productEnv);
  undo.unshift(() => workers.stopAll());
  await workers.startAll();
  log(options.workers === 1 ? 'worker: started' : `workers: ${options.workers} processes started`);
  const connection = await Connection.connect({ address: temporal.address });
  undo.unshift(() => connection.close());
  return {
    temporal,
    workers,
    target: { client: new Client({ connection }), taskQueue: options.taskQueue },
    productEnv,
  };
}
