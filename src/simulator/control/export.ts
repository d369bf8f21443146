import { findGetConnector } from '../connectors/catalog.js';
import { ControlError } from '../errors.js';
import { parseFilterJson, parseListFilter, type FilterGroups } from '../query/filters.js';
import { selectRows } from '../query/select.js';
import { compileRowSerializer } from '../query/serialize.js';
import type { ControlCall } from './control-call.js';

const BATCH_ROWS = 1_000;

function* ndjson(
  count: number,
  rowAt: (index: number) => number,
  serialize: (row: number) => string,
): Generator<string> {
  let chunk = '';
  for (let index = 0; index < count; index++) {
    chunk += `${serialize(rowAt(index))}\n`;
    if ((index + 1) % BATCH_ROWS === 0) {
      yield chunk;
      chunk = '';
    }
  }
  if (chunk !== '') yield chunk;
}

/**
 * `GET /__sim/export/{connectorId}` streams every row of a GetConnector as NDJSON in key order,
 * serialized exactly like the GetConnector does. The list and JSON filter parameters of a
 * GetConnector call may narrow it down (e.g. to one administration).
 */
export async function handleExport(call: ControlCall): Promise<void> {
  if (call.method !== 'GET') throw new ControlError(405, 'use GET /__sim/export/{connectorId}');
  const connectorId = call.segments[1];
  const connector = connectorId === undefined ? undefined : findGetConnector(connectorId);
  if (connector === undefined) throw new ControlError(404, `unknown connector '${connectorId ?? ''}'`);
  const fields = new Map(connector.fields.map((field) => [field.id, field]));
  const filters: FilterGroups[] = [];
  const list = parseListFilter(call.url.params, fields);
  if (list !== undefined) filters.push(list);
  const json = call.url.params.get('filterjson');
  if (json !== undefined && json !== '') filters.push(parseFilterJson(json, fields));
  const order = connector.keyFields.map((fieldId) => ({ fieldId, descending: false }));
  const table = call.sim.data.table(connector.source);
  const rows = selectRows({ table, fields, filters, order }, call.sim.resultCache);
  const serialize = compileRowSerializer(connector.fields, table);
  await call.response.sendChunks(
    200,
    ndjson(rows.length, (index) => rows[index]!, serialize),
    'application/x-ndjson; charset=utf-8',
  );
}
