import { loadConfig, requireSecretKey, type AppConfig } from '../config/index.js';
import { openAppContext } from '../app/context.js';
import { createLogger, type Logger } from '../observability/logger.js';
import { installRuntime } from '../temporal/runtime.js';
import { connectTemporal, createSyncWorker } from './create-worker.js';

/**
 * Runs the worker until SIGINT/SIGTERM: config → database (created and migrated) → Temporal →
 * worker. Bad configuration fails in seconds with one line.
 */
export async function runWorker(options: { config?: AppConfig; logger?: Logger; onReady?: () => void } = {}): Promise<void> {
  const config = options.config ?? loadConfig();
  requireSecretKey(config);
  const logger = options.logger ?? createLogger({ level: config.logLevel, format: config.logFormat });
  installRuntime({ logger });
  const app = await openAppContext(config);
  let connection;
  try {
    connection = await connectTemporal(config.temporalAddress);
  } catch (error) {
    await app.close();
    throw error;
  }
  const { worker, close } = await createSyncWorker({
    connection,
    namespace: config.temporalNamespace,
    taskQueue: config.taskQueue,
    app,
    logger,
    maxConcurrentActivities: config.maxConcurrentActivities,
    shutdownGraceSeconds: config.shutdownGraceSeconds,
  });
  logger.info({ taskQueue: config.taskQueue, namespace: config.temporalNamespace, address: config.temporalAddress }, 'worker started');
  options.onReady?.();
  try {
    await worker.run();
  } finally {
    await close();
    await connection.close();
    await app.close();
    logger.info('worker stopped');
  }
}
