// What `afas-sync worker` and `afas-sync dev` both build from the configuration: Temporal's
// runtime with the worker's /metrics endpoint, and the sync worker's options.
import type { NativeConnection } from '@temporalio/worker';
import type { AppContext } from '../app/context.js';
import type { AppConfig } from '../config/index.js';
import type { Logger } from '../observability/logger.js';
import { startWorkerObservability, type WorkerObservability } from '../observability/worker-observability.js';
import { freePort } from '../temporal/dev-server.js';
import { installRuntime } from '../temporal/runtime.js';
import type { SyncWorkerOptions } from './create-worker.js';

/**
 * Installs Temporal's runtime and, with METRICS_PORT, starts /metrics (undefined without it).
 * Temporal's own exporter then listens on a private port and /metrics proxies it.
 */
export async function startRuntimeAndMetrics(
  config: Pick<AppConfig, 'metricsPort'>,
  logger: Logger,
  shutdownSignals?: NodeJS.Signals[],
): Promise<WorkerObservability | undefined> {
  const temporalMetrics = config.metricsPort ? `127.0.0.1:${await freePort()}` : undefined;
  const runtime = installRuntime({
    logger,
    ...(shutdownSignals ? { shutdownSignals } : {}),
    ...(temporalMetrics ? { metricsBindAddress: temporalMetrics } : {}),
  });
  return config.metricsPort
    ? await startWorkerObservability({
        port: config.metricsPort,
        logger,
        temporalMetricsAddress: runtime.metricsBindAddress,
      })
    : undefined;
}

/** The sync worker's options that come from the configuration, with the metrics when served. */
export function syncWorkerOptions(parts: {
  config: Pick<AppConfig, 'temporalNamespace' | 'taskQueue' | 'maxConcurrentActivities'>;
  connection: NativeConnection;
  app: AppContext;
  logger: Logger;
  observability: WorkerObservability | undefined;
}): SyncWorkerOptions {
  const { config, observability } = parts;
  return {
    connection: parts.connection,
    namespace: config.temporalNamespace,
    taskQueue: config.taskQueue,
    app: parts.app,
    logger: parts.logger,
    maxConcurrentActivities: config.maxConcurrentActivities,
    ...(observability
      ? { metrics: observability.metrics, instrumentAfas: observability.metrics.instrumentAfas }
      : {}),
  };
}
