// The worker's HTTP endpoint on METRICS_PORT: /metrics (ours plus Temporal's), /healthz, /readyz.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Registry } from 'prom-client';
import { ConfigError } from '../config/index.js';
import type { Logger } from './logger.js';

export interface Readiness {
  ready: boolean;
  /** Per check: 'ok' or what is wrong. */
  checks: Record<string, string>;
}

export interface MetricsServerOptions {
  port: number;
  /** Default: every interface (Prometheus scrapes from elsewhere). */
  host?: string;
  registry: Registry;
  /** Temporal's own Prometheus exporter, e.g. http://127.0.0.1:40123/metrics, appended to /metrics. */
  temporalMetricsUrl?: string;
  readiness: () => Promise<Readiness>;
  logger?: Logger;
}

export interface RunningMetricsServer {
  port: number;
  close(): Promise<void>;
}

const TEMPORAL_SCRAPE_TIMEOUT_MS = 3_000;

async function temporalMetrics(url: string): Promise<string> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(TEMPORAL_SCRAPE_TIMEOUT_MS) });
    if (!response.ok) return `# Temporal metrics unavailable: HTTP ${response.status}\n`;
    return await response.text();
  } catch (error) {
    return `# Temporal metrics unavailable: ${(error as Error).message.split('\n')[0] ?? 'error'}\n`;
  }
}

function send(res: ServerResponse, status: number, contentType: string, body: string): void {
  res.writeHead(status, { 'content-type': contentType, 'cache-control': 'no-store' });
  res.end(body);
}

async function handle(
  options: MetricsServerOptions,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const path = (req.url ?? '/').split('?')[0];
  if (req.method !== 'GET' && req.method !== 'HEAD')
    return send(res, 405, 'text/plain', 'method not allowed\n');
  switch (path) {
    case '/metrics': {
      const [ours, temporal] = await Promise.all([
        options.registry.metrics(),
        options.temporalMetricsUrl ? temporalMetrics(options.temporalMetricsUrl) : Promise.resolve(''),
      ]);
      const body = temporal ? `${ours.trimEnd()}\n\n${temporal.trimEnd()}\n` : ours;
      return send(res, 200, options.registry.contentType, body);
    }
    case '/healthz':
      return send(res, 200, 'text/plain', 'ok\n');
    case '/readyz': {
      const readiness = await options.readiness();
      return send(res, readiness.ready ? 200 : 503, 'application/json', `${JSON.stringify(readiness)}\n`);
    }
    default:
      return send(res, 404, 'text/plain', 'not found: try /metrics, /healthz or /readyz\n');
  }
}

/** Starts listening; a port already in use is a one-line ConfigError naming METRICS_PORT. */
export async function startMetricsServer(options: MetricsServerOptions): Promise<RunningMetricsServer> {
  const server: Server = createServer((req, res) => {
    handle(options, req, res).catch((error: unknown) => {
      options.logger?.warn({ error: (error as Error).message, path: req.url }, 'metrics endpoint failed');
      if (!res.headersSent) send(res, 500, 'text/plain', 'internal error\n');
      else res.end();
    });
  });
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => {
      reject(
        error.code === 'EADDRINUSE'
          ? new ConfigError('METRICS_PORT', `port ${options.port} is already in use`)
          : new ConfigError('METRICS_PORT', `cannot listen on port ${options.port}: ${error.message}`),
      );
    });
    server.listen(options.port, options.host, () => resolve());
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  options.logger?.info({ port }, 'serving /metrics, /healthz and /readyz');
  return {
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
