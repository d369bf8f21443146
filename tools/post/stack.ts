// What bench:post stands on: a simulator process that answers every UpdateConnector write after a
// fixed latency, a fresh PostgreSQL database with one write-back source, a Temporal dev server,
// one worker process (dist/worker.js, as the image runs it) and a Temporal client.
import { randomBytes } from 'node:crypto';
import type { Client } from '@temporalio/client';
import type { AppContext } from '../../src/app/context.js';
import type { SimulatorOptions } from '../../src/simulator/index.js';
import { SIMULATOR_SCRIPT, startNode } from '../bench/processes.js';
import { benchDatabase, benchTemporal, type Undo } from '../bench-stack.js';
import { SimulatorControl } from '../soak/simulator-control.js';
import { closeAll } from '../teardown.js';
import type { PostBenchOptions } from './options.js';

const POST_TASK_QUEUE = 'afas-bench-post';
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
  readonly control: SimulatorControl;
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
  const undo: Undo = [];
  try {
    const database = await benchDatabase(undo, {
      adminUrl,
      name: options.database,
      applicationName: APPLICATION_NAME,
      schema: POST_SCHEMA,
    });
    const { app } = database;

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

    const { target, productEnv } = await benchTemporal(
      undo,
      { workers: 1, taskQueue: POST_TASK_QUEUE, database },
      log,
    );
    return {
      app,
      control: new SimulatorControl(url),
      target,
      productEnv,
      close: () => closeAll(undo, 'bench:post'),
    };
  } catch (error) {
    await closeAll(undo, 'bench:post').catch(() => undefined);
    throw error;
  }
}
