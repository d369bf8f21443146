import { tokenAllows } from '../auth.js';
import type { SimulatorContext } from '../context.js';
import { profitErrors } from '../messages.js';
import { pageBounds, parseConnectorQuery } from '../query/connector-query.js';
import { selectRows } from '../query/select.js';
import { pageChunks } from '../query/serialize.js';
import type { CustomConnector } from '../store/custom-connectors.js';
import type { AfasCall, AfasRoute } from './afas-call.js';
import { sendGetConnectorMetainfo } from './metainfo.js';

const JSON_TYPE = 'application/json; charset=utf-8';

/** `GET /connectors/{id}` of a custom connector: filters, order and paging as usual, rows verbatim. */
async function sendCustomRows(call: AfasCall, connector: CustomConnector): Promise<void> {
  const { paging, fields, order, filters } = parseConnectorQuery(call.url.params, connector.fields);
  const slots = selectRows({ table: connector.table, fields, filters, order }, call.sim.resultCache);
  const { start, end } = pageBounds(paging, slots.length);
  call.log.rows = end - start;
  await call.response.sendChunks(
    200,
    pageChunks(
      paging.echoSkip,
      paging.echoTake,
      end - start,
      (index) => slots[start + index]!,
      (slot) => connector.rowTexts[slot] ?? 'null',
    ),
    JSON_TYPE,
  );
}

function customRoute(
  connector: CustomConnector,
  handle: (call: AfasCall, connector: CustomConnector) => Promise<void>,
): AfasRoute {
  return {
    connector: connector.id,
    authorize: (token) => {
      if (!tokenAllows(token, connector.id)) throw profitErrors.getConnectorNotAuthorized();
    },
    handle: (call) => handle(call, connector),
  };
}

/**
 * The route for a call on a custom GetConnector (`GET /connectors/{id}`, `GET /metainfo/get/{id}`),
 * or undefined when the call concerns none.
 */
export function resolveCustomRoute(
  sim: SimulatorContext,
  method: string,
  segments: readonly string[],
): AfasRoute | undefined {
  if (method !== 'GET') return undefined;
  const [service, second, third, ...rest] = segments;
  const kind = service?.toLowerCase();
  if (kind === 'connectors' && second !== undefined && third === undefined) {
    const connector = sim.customConnectors.get(second);
    return connector && customRoute(connector, sendCustomRows);
  }
  if (kind === 'metainfo' && second?.toLowerCase() === 'get' && third !== undefined && rest.length === 0) {
    const connector = sim.customConnectors.get(third);
    return connector && customRoute(connector, sendGetConnectorMetainfo);
  }
  return undefined;
}
