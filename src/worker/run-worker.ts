import { DEFAULT_ACTIVITY_SETTINGS } from '../activities/deps.js';
import { loadConfig, requireSecretKey, type AppConfig } from '../config/index.js';
import { openAppContext } from '../app/context.js';
import type { ResealOutcome } from '../db/source-tokens.js';
import { createLogger, type Logger } from '../observability/logger.js';
import { connectTemporal, createSyncWorker } from './create-worker.js';
import { startRuntimeAndMetrics, syncWorkerOptions } from './from-config.js';
import { tuneHeapGrowth, tuneWorkflowThreads } from './heap-tuning.js';

/**
 * Runs the worker until SIGINT/SIGTERM: config → database (created and migrated) → Temporal →
 * worker. Bad configuration fails in seconds with one line.
 */
export async function runWorker(
  options: { config?: AppConfig; logger?: Logger; onReady?: () => void } = {},
): Promise<void> {
  const config = options.config ?? loadConfig();
  requireSecretKey(config);
  tuneHeapGrowth(config.heapGrowingPercent);
  tuneWorkflowThreads();
  const logger = options.logger ?? createLogger({ level: config.logLevel, format: config.logFormat });
  const observability = await startRuntimeAndMetrics(config, logger);
  let app;
  let connection;
  try {
    app = await openAppContext(config, { poolSize: config.dbPoolSize });
    connection = await connectTemporal(config.temporalAddress);
  } catch (error) {
    await app?.close();
    await observability?.close();
    throw error;
  }
  const created = await createSyncWorker({
    ...syncWorkerOptions({ config, connection, app, logger, observability }),
    shutdownGraceSeconds: config.shutdownGraceSeconds,
    afasCallLeaseMs: config.afasCallLeaseSeconds * 1000,
    settings: {
      retrySchedule: {
        ...DEFAULT_ACTIVITY_SETTINGS.retrySchedule,
        lockedGiveUpMs: config.lockWaitMinutes * 60_000,
      },
    },
  });
  const worker = created.worker;
  observability?.attach({ worker, app });
  logTokenUpgrade(logger, app.tokenUpgrade);
  logger.info(
    { taskQueue: config.taskQueue, namespace: config.temporalNamespace, address: config.temporalAddress },
    'worker started',
  );
  options.onReady?.();
  try {
    await worker.run();
  } finally {
    await created.close();
    await connection.close();
    await app.close();
    await observability?.close();
    logger.info('worker stopped');
  }
}

/** Says what the startup upgrade of the token format did; a token it could not open is a warning. */
function logTokenUpgrade(logger: Logger, outcome: ResealOutcome | undefined): void {
  if (outcome && outcome.resealed.length > 0)
    logger.info(
      { sources: outcome.resealed },
      'tokens resealed in the v2 format (bound to environment and URL)',
    );
  for (const failure of outcome?.failed ?? [])
    logger.warn({ source: failure.source, error: failure.reason }, 'token not resealed in the v2 format');
}
