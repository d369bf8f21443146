import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';

import type { SimulatorContext } from './context.js';
import { handleControlCall } from './control/router.js';
import {
  ControlError,
  EmptyStatusError,
  InvalidJsonBodyError,
  OAuthError,
  ProfitError,
  ServiceUnavailableError,
} from './errors.js';
import { parseRequestUrl, pathSegments, requestLanguage } from './http/request.js';
import { ResponseWriter } from './http/response.js';
import { profitErrors } from './messages.js';
import type { CallLogFacts } from './routes/afas-call.js';
import { loggableQuery } from './request-log.js';
import { handleAfasCall, isTokenEndpoint, profitSegments } from './routes/afas-router.js';

async function sendAfasError(response: ResponseWriter, error: unknown, where: string): Promise<void> {
  if (error instanceof ProfitError) return response.sendProfitError(error);
  if (error instanceof EmptyStatusError) return response.sendEmpty(error.status, { ...error.headers });
  if (error instanceof OAuthError) {
    const body = { error: error.code, error_description: error.description };
    return response.sendOAuthJson(error.status, body, { ...error.headers });
  }
  if (error instanceof ServiceUnavailableError) return response.sendUnavailable(error.retryAfterSeconds);
  if (error instanceof InvalidJsonBodyError) return response.sendJson(400, { message: 'Invalid json' });
  process.stderr.write(
    `afas-simulator: internal error on ${where}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  return response.sendProfitError(profitErrors.unexpected());
}

async function sendControlError(response: ResponseWriter, error: unknown, where: string): Promise<void> {
  if (error instanceof ControlError) return response.sendJson(error.status, { error: error.message });
  if (error instanceof ProfitError) return response.sendJson(400, { error: error.text.en });
  process.stderr.write(
    `afas-simulator: internal error on ${where}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  return response.sendJson(500, { error: error instanceof Error ? error.message : String(error) });
}

/**
 * Answers one request for `sim`; `target` is the request target below that simulator's root (the
 * whole `req.url` for a lone simulator, the part after `/{environment id}` in a fleet).
 */
async function handleRequest(
  sim: SimulatorContext,
  target: string,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const startedAt = performance.now();
  const arrivedAt = new Date().toISOString();
  const method = (req.method ?? 'GET').toUpperCase();
  const url = parseRequestUrl(target);
  const where = `${method} ${url.path}`;
  const segments = pathSegments(url.path);

  if (segments[0] === '__sim') {
    const response = new ResponseWriter(req, res, 'en-us', null);
    if (!sim.options.control) {
      await response.sendJson(404, {
        error: 'the control API is disabled (start the simulator with control: true)',
      });
      return;
    }
    try {
      await handleControlCall({ sim, req, method, url, segments: segments.slice(1), response });
    } catch (error) {
      if (!response.headersSent) await sendControlError(response, error, where);
      else res.destroy();
    }
    return;
  }

  const language = requestLanguage(req.headers['accept-language'], sim.options.language);
  const response = new ResponseWriter(req, res, language, sim.clock);
  const log: CallLogFacts = { connector: null, rows: null, faults: [], auth: null, clientId: null };
  const seq = sim.requestLog.nextSeq();
  const below = profitSegments(url.path);
  if (below !== undefined && !isTokenEndpoint(below)) {
    // In flight until the answer is handed to the socket ('finish', in the same moment the client
    // can first read its end), or the connection drops ('close'). A caller that frees its place
    // and lets another call in needs a PostgreSQL round trip or more, far longer than that gap.
    const leave = sim.concurrency.enter();
    res.once('finish', leave);
    res.once('close', leave);
  }
  res.once('close', () => {
    sim.requestLog.add({
      seq,
      timestamp: arrivedAt,
      method,
      path: url.path,
      connector: log.connector,
      query: loggableQuery(url.params),
      status: res.statusCode,
      rows: log.rows,
      durationMs: Math.round((performance.now() - startedAt) * 100) / 100,
      fault: log.faults.length === 0 ? null : log.faults.join(','),
      auth: log.auth,
      clientId: log.clientId,
    });
  });
  try {
    if (below === undefined) {
      await response.sendEmpty(404);
      return;
    }
    await handleAfasCall({ sim, req, method, url, language, response, log }, below);
  } catch (error) {
    if (!response.headersSent) await sendAfasError(response, error, where);
    else res.destroy();
  }
}

/** Which simulator a request target belongs to, and the target below that simulator's root. */
export type RequestRouter = (target: string) => { sim: SimulatorContext; target: string } | undefined;

/** Starts the HTTP server of one simulator; resolves once it listens. */
export async function listen(sim: SimulatorContext): Promise<{ server: Server; port: number }> {
  return listenRouted((target) => ({ sim, target }), sim.options);
}

/**
 * Starts one HTTP server for the simulators `route` picks from (a fleet of environments); a
 * target no simulator claims gets 404.
 */
export async function listenRouted(
  route: RequestRouter,
  where: { host: string; port: number },
): Promise<{ server: Server; port: number }> {
  const server = createServer({ keepAliveTimeout: 65_000 }, (req, res) => {
    const routed = route(req.url ?? '/');
    if (routed === undefined) {
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: 'no simulated environment at this path' }));
      return;
    }
    handleRequest(routed.sim, routed.target, req, res).catch((error: unknown) => {
      process.stderr.write(`afas-simulator: unhandled error: ${String(error)}\n`);
      res.destroy();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(where.port, where.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  return { server, port: address.port };
}

/** Stops accepting connections and closes open ones (keep-alive included). */
export async function closeServer(server: Server): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    server.close((error) => (error === undefined ? resolve() : reject(error)));
    server.closeAllConnections();
  });
}
