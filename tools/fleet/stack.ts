// What bench:fleet stands on: one simulator process serving S environments, a Temporal dev server,
// a fresh PostgreSQL database with S sources, W worker processes and a Temporal client.
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import type { Client } from '@temporalio/client';
import type { AppContext } from '../../src/app/context.js';
import { currentAmsterdamYear } from '../../src/cli/parse.js';
import { defaultPoolSize } from '../../src/config/index.js';
import type { SimulatorEnvironmentSpec } from '../../src/simulator/index.js';
import type { RunningDevServer } from '../../src/temporal/dev-server.js';
import { startNode, type ChildHandle } from '../bench/processes.js';
import { benchDatabase, benchTemporal, type Undo } from '../bench-stack.js';
import type { FleetOptions } from './options.js';
import { BENCH_APPLICATION_NAME } from './pg-connections.js';
import type { FleetWorkers } from './workers.js';
import { closeAll } from '../teardown.js';

export const FLEET_TASK_QUEUE = 'afas-bench-fleet';
export const FLEET_SCHEMA = 'afas';
const SIMULATOR_SCRIPT = fileURLToPath(new URL('./simulator-process.js', import.meta.url));
/** Environment ids: AFAS participant numbers are digits; these are plainly made up. */
const FIRST_ENVIRONMENT_ID = 90_001;

export interface FleetSource {
  name: string;
  environmentId: string;
  /** The environment's root (its control API is under /__sim). */
  envUrl: string;
  baseUrl: string;
  /** The token's data string (only the sealed sources table and the simulator know it). */
  token: string;
  linesPerYear: number;
  administrations: number;
  /** The environment's limit of concurrent calls (the source's maxConcurrency). */
  limit: number;
}

export interface FleetStack {
  readonly app: AppContext;
  readonly adminUrl: string;
  readonly temporal: RunningDevServer;
  readonly simulator: ChildHandle;
  readonly workers: FleetWorkers;
  readonly target: { client: Client; taskQueue: string };
  readonly sources: readonly FleetSource[];
  readonly years: readonly number[];
  /** AFAS_SYNC_DB_POOL_SIZE as the workers get it (or its default). */
  readonly poolSize: number;
  close(): Promise<void>;
}

/**
 * The pool size each worker opens: AFAS_SYNC_DB_POOL_SIZE when set (it reaches the workers), else
 * the worker's default for its activity slots (src/config/index.ts).
 */
export function workerPoolSize(env: NodeJS.ProcessEnv = process.env): number {
  const given = Number(env.AFAS_SYNC_DB_POOL_SIZE);
  if (env.AFAS_SYNC_DB_POOL_SIZE !== undefined && Number.isInteger(given)) return given;
  const slots = Number(env.AFAS_SYNC_MAX_CONCURRENT_ACTIVITIES ?? 16);
  return defaultPoolSize(Number.isInteger(slots) ? slots : 16);
}

/** The environments in turn through sizes, administrations and limits (different shapes side by side). */
function planSources(options: FleetOptions, envUrl: (id: string) => string): FleetSource[] {
  return Array.from({ length: options.sources }, (_, index) => {
    const environmentId = String(FIRST_ENVIRONMENT_ID + index);
    const pick = (values: readonly number[]) => values[index % values.length] as number;
    return {
      name: `fleet-${String(index + 1).padStart(3, '0')}`,
      environmentId,
      envUrl: envUrl(environmentId),
      baseUrl: `${envUrl(environmentId)}/ProfitRestServices`,
      token: randomBytes(32).toString('hex').toUpperCase(),
      linesPerYear: pick(options.sizes),
      administrations: pick(options.administrations),
      limit: pick(options.limits),
    };
  });
}

/** Builds the stack; whatever was built is torn down again when a later step fails. */
export async function buildFleetStack(
  options: FleetOptions,
  adminUrl: string,
  log: (line: string) => void,
): Promise<FleetStack> {
  const undo: Undo = [];
  try {
    const database = await benchDatabase(undo, {
      adminUrl,
      name: options.database,
      applicationName: BENCH_APPLICATION_NAME,
      schema: FLEET_SCHEMA,
    });
    const { app } = database;

    const year = currentAmsterdamYear();
    const years = [year - 1, year];
    // The environment URLs are known once the simulator listens; plan with a placeholder first.
    const planned = planSources(options, (id) => id);
    const environments: SimulatorEnvironmentSpec[] = planned.map((source, index) => ({
      id: source.environmentId,
      seed: 1_000 + index,
      administrations: source.administrations,
      years,
      linesPerYear: source.linesPerYear,
      tokens: [{ token: source.token, appName: `bench ${source.name}` }],
    }));
    log(`simulator: ${environments.length} environments in one process`);
    const simulator = await startNode(
      SIMULATOR_SCRIPT,
      [JSON.stringify({ control: true, environments })],
      {},
      /"url"/,
    );
    undo.unshift(() => simulator.stop());
    const simUrl = (JSON.parse(simulator.readyLine) as { url: string }).url;
    const sources = planned.map((source) => ({
      ...source,
      envUrl: `${simUrl}/${source.environmentId}`,
      baseUrl: `${simUrl}/${source.environmentId}/ProfitRestServices`,
    }));
    for (const source of sources) {
      await app.sources.add({
        name: source.name,
        environmentId: source.environmentId,
        environmentType: 'test',
        baseUrl: source.baseUrl,
        token: source.token,
        maxConcurrency: source.limit,
      });
    }

    const { temporal, workers, target } = await benchTemporal(
      undo,
      { workers: options.workers, taskQueue: FLEET_TASK_QUEUE, database },
      log,
    );
    return {
      app,
      adminUrl,
      temporal,
      simulator,
      workers,
      target,
      sources,
      years,
      poolSize: workerPoolSize(),
      close: () => closeAll(undo, 'bench:fleet'),
    };
  } catch (error) {
    await closeAll(undo, 'bench:fleet').catch(() => undefined);
    throw error;
  }
}
