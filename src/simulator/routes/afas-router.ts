import { tokenAllows } from '../auth.js';
import { findGetConnector } from '../connectors/catalog.js';
import type { GetConnectorSpec } from '../connectors/types.js';
import { findUpdateConnector, type UpdateConnectorSpec } from '../connectors/update-catalog.js';
import { EmptyStatusError } from '../errors.js';
import type { FaultRule } from '../faults.js';
import { pathSegments } from '../http/request.js';
import { profitErrors } from '../messages.js';
import type { AfasCall, AfasRoute } from './afas-call.js';
import { authenticate } from './authenticate.js';
import { resolveCustomRoute } from './custom-connector.js';
import { applyEdgeFault } from './edge-fault.js';
import { sendGetConnector } from './get-connector.js';
import { sendGetConnectorMetainfo, sendMetainfo, sendUpdateConnectorMetainfo } from './metainfo.js';
import { handleTokenEndpoint } from './oauth-token.js';
import { sendProfitVersion } from './profit-version.js';
import { sendUpdateConnectorDelete, sendUpdateConnectorWrite } from './update-connector.js';

/** The query string, `?` included, may be at most 2,049 characters (reference §4.4). */
const MAX_QUERY_LENGTH = 2_049;

const anyone = (): void => undefined;

function getConnectorRoute(id: string, handle: AfasRoute['handle']): AfasRoute {
  return {
    connector: id,
    authorize: (token) => {
      if (findGetConnector(id) === undefined || !tokenAllows(token, id))
        throw profitErrors.getConnectorNotAuthorized();
    },
    handle,
  };
}

function updateConnectorRoute(id: string, handle: AfasRoute['handle'], write = false): AfasRoute {
  return {
    connector: id,
    write,
    authorize: (token) => {
      if (findUpdateConnector(id) === undefined || !tokenAllows(token, id)) {
        throw profitErrors.updateConnectorNotAuthorized();
      }
    },
    handle,
  };
}

function requireGet(id: string): GetConnectorSpec {
  const spec = findGetConnector(id);
  if (spec === undefined) throw profitErrors.getConnectorNotAuthorized();
  return spec;
}

function requireUpdate(id: string): UpdateConnectorSpec {
  const spec = findUpdateConnector(id);
  if (spec === undefined) throw profitErrors.updateConnectorNotAuthorized();
  return spec;
}

/** Maps method + path (below /ProfitRestServices) to a route; service segments are case-insensitive. */
function resolveRoute(method: string, segments: readonly string[]): AfasRoute | 'not-found' | 'method' {
  const [service, second, third, ...rest] = segments;
  switch (service?.toLowerCase()) {
    case 'metainfo': {
      if (second === undefined) {
        return method === 'GET'
          ? { connector: undefined, authorize: anyone, handle: sendMetainfo }
          : 'method';
      }
      if (third === undefined || rest.length > 0) return 'not-found';
      if (method !== 'GET') return 'method';
      const kind = second.toLowerCase();
      if (kind === 'get')
        return getConnectorRoute(third, (call) => sendGetConnectorMetainfo(call, requireGet(third)));
      if (kind === 'update') {
        return updateConnectorRoute(third, (call) => sendUpdateConnectorMetainfo(call, requireUpdate(third)));
      }
      return 'not-found';
    }
    case 'connectors': {
      if (second === undefined) return 'not-found';
      const keyPath = segments.slice(2);
      if (method === 'DELETE') {
        return keyPath.length === 0
          ? 'not-found'
          : updateConnectorRoute(second, (call) => sendUpdateConnectorDelete(call, keyPath), true);
      }
      if (keyPath.length > 0) return 'not-found';
      if (method === 'GET')
        return getConnectorRoute(second, (call) => sendGetConnector(call, requireGet(second)));
      if (method === 'POST' || method === 'PUT') {
        const mode = method === 'POST' ? 'insert' : 'replace';
        return updateConnectorRoute(
          second,
          (call) => sendUpdateConnectorWrite(call, requireUpdate(second), mode),
          true,
        );
      }
      return 'method';
    }
    case 'profitversion':
      if (second !== undefined) return 'not-found';
      return method === 'GET'
        ? { connector: undefined, authorize: anyone, handle: sendProfitVersion }
        : 'method';
    default:
      return 'not-found';
  }
}

function applyProfitFault(call: AfasCall, fault: FaultRule): void {
  call.log.faults.push(fault.kind);
  switch (fault.kind) {
    case 'locked':
      throw profitErrors.bookingLayoutLocked();
    case 'blocked':
      throw profitErrors.connectorBlocked();
    case 'timeout-message':
      throw profitErrors.timeoutExceeded();
    case 'out-of-memory':
      throw profitErrors.outOfMemory();
    case 'unexpected':
      throw profitErrors.unexpected();
    case 'malformed-json':
      call.response.faults.malformed = true;
      return;
    // Ambiguous outcomes: the call is carried out (an entry is booked), then its answer is lost.
    case 'ambiguous-reset':
      call.response.faults.drop = true;
      return;
    case 'ambiguous-timeout':
      call.response.answerNotBefore(fault.delayMs ?? 2_000);
      return;
    default:
      return;
  }
}

export function isTokenEndpoint(segments: readonly string[]): boolean {
  return (
    segments.length === 2 && segments[0]?.toLowerCase() === 'oauth' && segments[1]?.toLowerCase() === 'token'
  );
}

/**
 * Handles one call under /ProfitRestServices: length limit, the OAuth token endpoint, routing,
 * edge faults, classic or Bearer token, App connector authorization, the timed layout lock (writes),
 * Profit faults, then the route itself. Errors are thrown and turned into responses by the server.
 */
export async function handleAfasCall(call: AfasCall, segments: readonly string[]): Promise<void> {
  if (call.url.rawQuery.length > MAX_QUERY_LENGTH) throw new EmptyStatusError(404);
  if (call.method === 'OPTIONS') {
    await call.response.sendEmpty(200);
    return;
  }
  if (isTokenEndpoint(segments)) {
    await handleTokenEndpoint(call);
    return;
  }
  const route = resolveCustomRoute(call.sim, call.method, segments) ?? resolveRoute(call.method, segments);
  if (route === 'not-found') throw new EmptyStatusError(404);
  if (route === 'method') throw new EmptyStatusError(405);
  call.log.connector = route.connector ?? null;
  if (route.write === true) call.response.answerNotBefore(call.sim.writes.latencyMs());

  const edgeFault = call.sim.faults.pick('edge', route.connector);
  if (edgeFault !== undefined) await applyEdgeFault(call, edgeFault);
  const token = authenticate(call);
  route.authorize(token);
  if (route.write === true && call.sim.writes.refuseWrite()) {
    call.log.faults.push('layout-lock');
    throw profitErrors.bookingLayoutLocked();
  }
  const profitFault = call.sim.faults.pick('profit', route.connector);
  if (profitFault !== undefined) applyProfitFault(call, profitFault);
  await route.handle(call, token);
}

/** Splits a path into the segments below the (case-insensitive) /ProfitRestServices prefix. */
export function profitSegments(path: string): string[] | undefined {
  const segments = pathSegments(path);
  if (segments[0]?.toLowerCase() !== 'profitrestservices') return undefined;
  return segments.slice(1);
}
