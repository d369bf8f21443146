// Everything `afas-sync dev` runs in one process: a Temporal dev server with a persistent
// database, PostgreSQL (local, created when missing), the AFAS simulator and a worker.
import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { join } from 'node:path';
import { Client } from '@temporalio/client';
import type { NativeConnection, Worker } from '@temporalio/worker';
import type { OAuthClientCredentials } from '../../afas/credentials.js';
import { openAppContext, type AppContext } from '../../app/context.js';
import type { SyncTarget } from '../../client/sync-control.js';
import type { AppConfig } from '../../config/index.js';
import type { Logger } from '../../observability/logger.js';
import { startSimulator, type RunningSimulator } from '../../simulator/index.js';
import { startDevServer, type RunningDevServer } from '../../temporal/dev-server.js';
import { connectTemporal, createSyncWorker } from '../../worker/create-worker.js';
import { startRuntimeAndMetrics, syncWorkerOptions } from '../../worker/from-config.js';
import { assertPortFree } from './ports.js';

/** The simulator accepts this classic token too (scripts, older docs); the demo source uses OAuth. */
export const DEMO_TOKEN = 'demo';

/** The OAuth client the demo source is registered with (AFAS retires classic tokens in 2027). */
export const DEMO_CLIENT_ID = 'afas-sync-demo';

export interface DevStackOptions {
  config: AppConfig;
  logger: Logger;
  dataDir: string;
  port: number;
  uiPort: number;
  shutdownGraceSeconds: number;
}

export interface DevStack {
  devServer: RunningDevServer;
  uiUrl: string;
  simulator: RunningSimulator;
  /**
   * The demo OAuth client the simulator accepts. Its secret is made up for this run, handed to the
   * in-process simulator as a value (never a process argument) and sealed into the demo source.
   */
  demoClient: OAuthClientCredentials;
  app: AppContext;
  target: SyncTarget;
  worker: Worker;
  /** Settles when the worker stops (after `stop()` or a signal). */
  running: Promise<void>;
  metricsPort: number | undefined;
  /** Stops the worker, then closes everything else, in reverse order of starting. */
  stop(): Promise<void>;
}

type Cleanup = () => Promise<unknown>;

async function unwind(cleanups: Cleanup[]): Promise<void> {
  for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
}

export async function startDevStack(options: DevStackOptions): Promise<DevStack> {
  const { config, logger } = options;
  await assertPortFree(options.port, '--port');
  await assertPortFree(options.uiPort, '--ui-port');
  // Signals are handled by the dev command, which stops everything in order.
  const observability = await startRuntimeAndMetrics(config, logger, []);
  const cleanups: Cleanup[] = [];
  const demoClient = { clientId: DEMO_CLIENT_ID, clientSecret: randomBytes(24).toString('base64url') };
  try {
    if (observability) cleanups.push(() => observability.close());
    const serverLog = createWriteStream(join(options.dataDir, 'temporal.log'), { flags: 'a' });
    cleanups.push(() => new Promise((resolve) => serverLog.end(resolve)));
    const started = await Promise.allSettled([
      startDevServer({
        port: options.port,
        uiPort: options.uiPort,
        dbFilename: join(options.dataDir, 'temporal.db'),
        namespace: config.temporalNamespace,
        logStream: serverLog,
      }),
      startSimulator({
        control: true,
        tokens: [{ token: DEMO_TOKEN, appName: 'afas-sync demo' }],
        oauthClients: [{ ...demoClient, appName: 'afas-sync demo' }],
      }),
      openAppContext(config, { poolSize: config.dbPoolSize }),
    ] as const);
    const [devServerResult, simulatorResult, appResult] = started;
    if (devServerResult.status === 'fulfilled') cleanups.push(() => devServerResult.value.stop());
    if (simulatorResult.status === 'fulfilled') cleanups.push(() => simulatorResult.value.close());
    if (appResult.status === 'fulfilled') cleanups.push(() => appResult.value.close());
    const failed = started.find((result): result is PromiseRejectedResult => result.status === 'rejected');
    if (failed) throw failed.reason;
    const devServer = (devServerResult as PromiseFulfilledResult<RunningDevServer>).value;
    const simulator = (simulatorResult as PromiseFulfilledResult<RunningSimulator>).value;
    const app = (appResult as PromiseFulfilledResult<AppContext>).value;

    const connection: NativeConnection = await connectTemporal(devServer.address);
    cleanups.push(() => connection.close());
    const created = await createSyncWorker({
      ...syncWorkerOptions({ config, connection, app, logger, observability }),
      shutdownGraceSeconds: options.shutdownGraceSeconds,
    });
    const worker = created.worker;
    cleanups.push(() => created.close());
    const running = worker.run();
    observability?.attach({ worker, app });
    let stopping: Promise<void> | undefined;
    return {
      devServer,
      uiUrl: devServer.uiUrl ?? `http://127.0.0.1:${options.uiPort}`,
      simulator,
      demoClient,
      app,
      target: {
        client: new Client({ connection, namespace: config.temporalNamespace }),
        taskQueue: config.taskQueue,
      },
      worker,
      running,
      metricsPort: observability?.port,
      stop() {
        stopping ??= (async () => {
          if (worker.getState() === 'RUNNING') worker.shutdown();
          await running.catch((error: unknown) =>
            logger.warn({ error: (error as Error).message }, 'worker stopped with an error'),
          );
          await unwind(cleanups);
        })();
        return stopping;
      },
    };
  } catch (error) {
    await unwind(cleanups);
    throw error;
  }
}
