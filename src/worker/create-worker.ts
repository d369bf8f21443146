import { existsSync } from 'node:fs';
import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { NativeConnection, Worker, type WorkerOptions } from '@temporalio/worker';
import type { AfasApi } from '../activities/afas-session.js';
import { EnvBudget, PgCallSlots, SourceLimits } from '../afas-budget/index.js';
import {
  DEFAULT_ACTIVITY_SETTINGS,
  type ActivityDeps,
  type ActivityMetrics,
  type AfasClientProvider,
  type ActivitySettings,
} from '../activities/deps.js';
import { createImportActivities } from '../activities/import-activities.js';
import { createLedgerActivities } from '../activities/ledger-activities.js';
import { createPostBatchActivities } from '../activities/post/batch-activities.js';
import { createPostEntryActivities } from '../activities/post/post-entry-activities.js';
import { createSyncActivities } from '../activities/sync-activities.js';
import { createSyncPlanActivities } from '../activities/sync-plan.js';
import type { AppContext } from '../app/context.js';
import type { Logger } from '../observability/logger.js';
import { afasConnector, CachedAfasClients } from './afas-clients.js';

export class TemporalUnavailableError extends Error {
  constructor(address: string, reason: string) {
    super(`cannot reach Temporal at ${address}: ${reason}`);
    this.name = 'TemporalUnavailableError';
  }
}

/** Connects to Temporal, failing within `timeoutMs` with one clear line instead of retrying forever. */
export async function connectTemporal(address: string, timeoutMs = 10_000): Promise<NativeConnection> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new TemporalUnavailableError(address, `no answer within ${timeoutMs / 1000} s`)),
      timeoutMs,
    );
  });
  try {
    return await Promise.race([
      NativeConnection.connect({ address }).catch((error: unknown) => {
        throw new TemporalUnavailableError(
          address,
          (error as Error).message.split('\n')[0] ?? 'connection failed',
        );
      }),
      timeout,
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/** The prebuilt bundle (`npm run build`) when running from dist/, else bundle from source at start. */
function workflowSource(): Pick<WorkerOptions, 'workflowBundle' | 'workflowsPath'> {
  const here = fileURLToPath(import.meta.url);
  const prebuilt = fileURLToPath(new URL('../workflow-bundle.js', import.meta.url));
  if (extname(here) === '.js' && existsSync(prebuilt)) return { workflowBundle: { codePath: prebuilt } };
  return { workflowsPath: fileURLToPath(new URL(`../workflows/index${extname(here)}`, import.meta.url)) };
}

export interface SyncWorkerOptions {
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  app: AppContext;
  logger: Logger;
  metrics?: ActivityMetrics;
  /** Wraps each source's AFAS client (request metrics); the identity when omitted. */
  instrumentAfas?: (source: string, api: AfasApi) => AfasApi;
  settings?: Partial<ActivitySettings>;
  /** Overrides where workflow code comes from (tests pass a bundle built once per run). */
  workflowBundle?: { codePath: string };
  maxConcurrentActivities?: number;
  shutdownGraceSeconds?: number;
  afasRequestTimeoutMs?: number;
  /** How long a crashed worker's place in an environment's call budget stays taken (default 30 s). */
  afasCallLeaseMs?: number;
}

/** A worker with every workflow and activity of afas-sync registered. */
export async function createSyncWorker(
  options: SyncWorkerOptions,
): Promise<{ worker: Worker; close: () => Promise<void> }> {
  const { app, logger } = options;
  // One budget per process; the places themselves live in PostgreSQL, shared with every worker.
  const budget = new EnvBudget({
    slots: new PgCallSlots(app.pool, app.schema),
    limitOf: new SourceLimits(() => app.sources.list()).limitOf,
    ...(options.afasCallLeaseMs === undefined ? {} : { leaseMs: options.afasCallLeaseMs }),
    onProblem: (environment, problem) => logger.warn({ environment, problem }, 'AFAS call budget'),
  });
  const cached = new CachedAfasClients(
    afasConnector(app.sources, {
      requestTimeoutMs: options.afasRequestTimeoutMs ?? 300_000,
      connections: 5,
      budget,
    }),
  );
  const instrument = options.instrumentAfas;
  const clients: AfasClientProvider = instrument
    ? {
        open: async (source) => {
          const lease = await cached.open(source);
          return { api: instrument(source.name, lease.api), release: () => lease.release() };
        },
        close: () => cached.close(),
      }
    : cached;
  const deps: ActivityDeps = {
    pool: options.app.pool,
    schema: options.app.schema,
    sources: options.app.sources,
    runs: options.app.runs,
    state: options.app.state,
    changedDays: options.app.changedDays,
    clients,
    logger: options.logger,
    ...(options.metrics ? { metrics: options.metrics } : {}),
    settings: { ...DEFAULT_ACTIVITY_SETTINGS, ...options.settings },
  };
  const activities = {
    ...createSyncActivities(deps),
    ...createImportActivities(deps),
    ...createLedgerActivities(deps),
    ...createSyncPlanActivities(),
    ...createPostBatchActivities(deps),
    ...createPostEntryActivities(deps),
  };
  const worker = await Worker.create({
    connection: options.connection,
    namespace: options.namespace,
    taskQueue: options.taskQueue,
    ...(options.workflowBundle ? { workflowBundle: options.workflowBundle } : workflowSource()),
    activities,
    maxConcurrentActivityTaskExecutions: options.maxConcurrentActivities ?? 16,
    // In-flight activities get this long to commit their transaction before being cancelled.
    shutdownGraceTime: `${options.shutdownGraceSeconds ?? 60} seconds`,
  });
  return { worker, close: () => clients.close() };
}
