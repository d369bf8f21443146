import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, type Worker } from '@temporalio/worker';
import pino from 'pino';
import { inject } from 'vitest';
import type { ActivitySettings } from '../../src/activities/deps.js';
import { contextFor, type AppContext } from '../../src/app/context.js';
import { parseSecretKey } from '../../src/config/secret-key.js';
import type { Logger } from '../../src/observability/logger.js';
import { installRuntime } from '../../src/temporal/runtime.js';
import { createSyncWorker } from '../../src/worker/create-worker.js';
import type { TestDatabase } from './database.js';

export const TEST_SECRET_KEY = parseSecretKey('11'.repeat(32), 'test key');

/** Every log line of this test process, so tests can assert what was (not) logged. */
export const capturedLogs: string[] = [];

export function testLogger(): Logger {
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      capturedLogs.push(chunk.toString('utf8'));
      done();
    },
  });
  return pino({ level: 'debug' }, sink);
}

let logger: Logger | undefined;

/** The Runtime is per process; every test file installs it once, logging into `capturedLogs`. */
export function ensureTestRuntime(): Logger {
  if (!logger) {
    logger = testLogger();
    installRuntime({ logger, shutdownSignals: [] });
  }
  return logger;
}

export interface TemporalTestContext {
  client: Client;
  connection: Connection;
  nativeConnection: NativeConnection;
  taskQueue: string;
  close(): Promise<void>;
}

export async function connectTestTemporal(): Promise<TemporalTestContext> {
  ensureTestRuntime();
  const address = inject('temporalAddress');
  const connection = await Connection.connect({ address });
  const nativeConnection = await NativeConnection.connect({ address });
  return {
    client: new Client({ connection, namespace: 'default' }),
    connection,
    nativeConnection,
    taskQueue: `test-${randomBytes(4).toString('hex')}`,
    async close() {
      await nativeConnection.close();
      await connection.close();
    },
  };
}

/** Fast retries so fault tests finish in seconds; production defaults are minutes. */
export const FAST_ACTIVITY_SETTINGS: Partial<ActivitySettings> = {
  inlineRetry: { attempts: 4, baseDelayMs: 20, maxInlineWaitMs: 3_000 },
  retrySchedule: { lockedGiveUpMs: 120_000, lockedBaseDelayMs: 100 },
};

export function testAppContext(db: TestDatabase): AppContext {
  return contextFor(db.pool, { dbSchema: db.schema, secretKey: TEST_SECRET_KEY, previousSecretKeys: [] });
}

/** A real worker on the test's task queue, with the workflow bundle built once per run. */
export async function startTestWorker(
  temporal: TemporalTestContext,
  app: AppContext,
  options: {
    settings?: Partial<ActivitySettings>;
    maxConcurrentActivities?: number;
    /** How long an AFAS request may take before the client gives up (default 30 s). */
    afasRequestTimeoutMs?: number;
  } = {},
): Promise<{ worker: Worker; running: Promise<void>; stop(): Promise<void> }> {
  const { worker, close } = await createSyncWorker({
    connection: temporal.nativeConnection,
    namespace: 'default',
    taskQueue: temporal.taskQueue,
    app,
    logger: ensureTestRuntime(),
    settings: { ...FAST_ACTIVITY_SETTINGS, ...options.settings },
    workflowBundle: { codePath: inject('workflowBundlePath') },
    maxConcurrentActivities: options.maxConcurrentActivities ?? 8,
    shutdownGraceSeconds: 5,
    afasRequestTimeoutMs: options.afasRequestTimeoutMs ?? 30_000,
  });
  const running = worker.run();
  return {
    worker,
    running,
    async stop() {
      if (worker.getState() === 'RUNNING') worker.shutdown();
      await running;
      await close();
    },
  };
}
