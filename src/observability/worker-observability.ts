// The worker's metrics endpoint, wired up: our metrics, Temporal's exporter, readiness checks.
import type { Worker } from '@temporalio/worker';
import type { AppContext } from '../app/context.js';
import { ReconciliationStore } from '../db/reconciliations.js';
import { PostSagaStore } from '../db/post-saga.js';
import { startMetricsServer, type Readiness } from './http-server.js';
import type { Logger } from './logger.js';
import { SyncMetrics } from './metrics.js';

export interface WorkerObservability {
  metrics: SyncMetrics;
  port: number;
  /** Call once the worker exists: /readyz starts answering 200 while it runs and the DB answers. */
  attach(parts: { worker: Worker; app: AppContext }): void;
  close(): Promise<void>;
}

const DB_CHECK_TIMEOUT_MS = 2_000;

async function databaseCheck(app: AppContext): Promise<string> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      app.pool.query('SELECT 1'),
      new Promise((_, reject) => {
        timer = setTimeout(
          () => reject(new Error(`no answer within ${DB_CHECK_TIMEOUT_MS} ms`)),
          DB_CHECK_TIMEOUT_MS,
        );
      }),
    ]);
    return 'ok';
  } catch (error) {
    return (error as Error).message.split('\n')[0] ?? 'unreachable';
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Starts the HTTP endpoint early (so /healthz answers during start-up); `temporalMetricsAddress`
 * is where installRuntime bound Temporal's Prometheus exporter.
 */
export async function startWorkerObservability(options: {
  port: number;
  logger: Logger;
  temporalMetricsAddress: string | undefined;
}): Promise<WorkerObservability> {
  const metrics = new SyncMetrics({ logger: options.logger });
  let parts: { worker: Worker; app: AppContext } | undefined;
  const readiness = async (): Promise<Readiness> => {
    if (!parts) return { ready: false, checks: { worker: 'starting', database: 'starting' } };
    const state = parts.worker.getState();
    const worker = state === 'RUNNING' ? 'ok' : `worker is ${state.toLowerCase()}`;
    const database = await databaseCheck(parts.app);
    return { ready: worker === 'ok' && database === 'ok', checks: { worker, database } };
  };
  const server = await startMetricsServer({
    port: options.port,
    registry: metrics.registry,
    ...(options.temporalMetricsAddress
      ? { temporalMetricsUrl: `http://${options.temporalMetricsAddress}/metrics` }
      : {}),
    readiness,
    logger: options.logger,
  });
  return {
    metrics,
    port: server.port,
    attach(next) {
      parts = next;
      metrics.watchSources(() => next.app.sources.list());
      const proofs = new ReconciliationStore(next.app.schema);
      metrics.watchLedger(() => proofs.latestPerSource(next.app.pool));
      const batches = new PostSagaStore(next.app.pool, next.app.schema);
      metrics.watchPostBatches(() => batches.openPerSource());
    },
    close: () => server.close(),
  };
}
