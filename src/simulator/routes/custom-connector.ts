import { tokenAllows } from '../auth.js';
import { localize } from '../connectors/types.js';
import type { SimulatorContext } from '../context.js';
import { profitErrors } from '../messages.js';
import { parseFilterJson, parseListFilter, type FilterGroups } from '../query/filters.js';
import { parseOrder } from '../query/order.js';
import { parsePaging } from '../query/paging.js';
import { selectRows } from '../query/select.js';
import type { CustomConnector } from '../store/custom-connectors.js';
import type { AfasCall, AfasRoute } from './afas-call.js';

const JSON_TYPE = 'application/json; charset=utf-8';
const BATCH_ROWS = 500;

/** `GET /metainfo/get/{id}` of a custom connector. */
async function sendCustomMetainfo(call: AfasCall, connector: CustomConnector): Promise<void> {
  await call.response.sendJson(200, {
    name: connector.id,
    description: localize(connector.description, call.language),
    fields: connector.fields.map((field) => ({
      id: field.id,
      fieldId: field.fieldId,
      dataType: field.dataType,
      label: localize(field.label, call.language),
      length: field.length,
      controlType: field.controlType,
      decimals: field.decimals,
      decimalsFieldId: '',
    })),
  });
}

function* bodyChunks(skip: number, take: number, texts: readonly string[]): Generator<string> {
  let chunk = `{"skip":${skip},"take":${take},"rows":[`;
  for (let index = 0; index < texts.length; index++) {
    chunk += `${index > 0 ? ',' : ''}${texts[index]}`;
    if ((index + 1) % BATCH_ROWS === 0) {
      yield chunk;
      chunk = '';
    }
  }
  yield `${chunk}]}`;
}

/** `GET /connectors/{id}` of a custom connector: filters, order and paging as usual, rows verbatim. */
async function sendCustomRows(call: AfasCall, connector: CustomConnector): Promise<void> {
  const { params } = call.url;
  const paging = parsePaging(params);
  const fields = new Map(connector.fields.map((field) => [field.id, field]));
  const order = parseOrder(params.get('orderbyfieldids'), fields);
  const filters: FilterGroups[] = [];
  const listFilter = parseListFilter(params, fields);
  if (listFilter !== undefined) filters.push(listFilter);
  const jsonFilter = params.get('filterjson');
  if (jsonFilter !== undefined && jsonFilter !== '') filters.push(parseFilterJson(jsonFilter, fields));
  const slots = selectRows({ table: connector.table, fields, filters, order }, call.sim.resultCache);
  const start = Math.min(paging.skip, slots.length);
  const end = paging.take === undefined ? slots.length : Math.min(slots.length, start + paging.take);
  const texts = Array.from(slots.subarray(start, end), (slot) => connector.rowTexts[slot] ?? 'null');
  call.log.rows = texts.length;
  await call.response.sendChunks(200, bodyChunks(paging.echoSkip, paging.echoTake, texts), JSON_TYPE);
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
    return connector && customRoute(connector, sendCustomMetainfo);
  }
  return undefined;
}
