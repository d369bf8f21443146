import {
  DefaultLogger,
  makeTelemetryFilterString,
  Runtime,
  type LogLevel as TemporalLogLevel,
} from '@temporalio/worker';
import type { Logger } from '../observability/logger.js';

const TEMPORAL_LEVEL: Record<string, TemporalLogLevel> = {
  trace: 'TRACE',
  debug: 'DEBUG',
  info: 'INFO',
  warn: 'WARN',
  error: 'ERROR',
  fatal: 'ERROR',
};

let installed: { metricsBindAddress: string | undefined } | undefined;

/**
 * Installs the process-wide Temporal Runtime once: SDK and core logs go to our logger (so they
 * are JSON lines with workflow/activity ids), and Prometheus metrics are served when asked.
 * Returns where Temporal's Prometheus exporter listens (host:port), as installed by the first call.
 */
export function installRuntime(options: {
  logger: Logger;
  /** host:port for Temporal's own Prometheus exporter (the worker's /metrics proxies it). */
  metricsBindAddress?: string;
  shutdownSignals?: NodeJS.Signals[];
}): { metricsBindAddress: string | undefined } {
  if (installed) return installed;
  const level = TEMPORAL_LEVEL[options.logger.level] ?? 'INFO';
  const bridge = new DefaultLogger(level, (entry) => {
    const { message, meta } = entry;
    const fields = { ...(meta ?? {}), temporal: true };
    switch (entry.level) {
      case 'TRACE':
        options.logger.trace(fields, message);
        break;
      case 'DEBUG':
        options.logger.debug(fields, message);
        break;
      case 'INFO':
        options.logger.info(fields, message);
        break;
      case 'WARN':
        options.logger.warn(fields, message);
        break;
      default:
        options.logger.error(fields, message);
    }
  });
  Runtime.install({
    logger: bridge,
    shutdownSignals: options.shutdownSignals ?? ['SIGINT', 'SIGTERM', 'SIGQUIT', 'SIGUSR2'],
    telemetryOptions: {
      logging: {
        forward: {},
        filter: makeTelemetryFilterString({ core: level === 'TRACE' ? 'DEBUG' : 'WARN' }),
      },
      ...(options.metricsBindAddress
        ? {
            metrics: {
              prometheus: { bindAddress: options.metricsBindAddress, useSecondsForDurations: true },
            },
          }
        : {}),
    },
  });
  installed = { metricsBindAddress: options.metricsBindAddress };
  return installed;
}
