import type { GetConnectorSpec } from '../connectors/types.js';
import { parseFilterJson, parseListFilter, type FilterGroups } from '../query/filters.js';
import { parseOrder } from '../query/order.js';
import { parsePaging } from '../query/paging.js';
import { selectRows } from '../query/select.js';
import { compileRowSerializer, pageChunks } from '../query/serialize.js';
import type { AfasCall } from './afas-call.js';

const JSON_TYPE = 'application/json; charset=utf-8';

/**
 * `GET /connectors/{id}` (reference §4): paging, ordering, list and JSON filters, and the
 * `{"skip","take","rows"}` body streamed in chunks. Without `orderbyfieldids` the result is
 * rotated differently on every call.
 */
export async function sendGetConnector(call: AfasCall, connector: GetConnectorSpec): Promise<void> {
  const { params } = call.url;
  const paging = parsePaging(params);
  const fields = new Map(connector.fields.map((field) => [field.id, field]));
  const order = parseOrder(params.get('orderbyfieldids'), fields);
  const filters: FilterGroups[] = [];
  const listFilter = parseListFilter(params, fields);
  if (listFilter !== undefined) filters.push(listFilter);
  const jsonFilter = params.get('filterjson');
  if (jsonFilter !== undefined && jsonFilter !== '') filters.push(parseFilterJson(jsonFilter, fields));

  const table = call.sim.data.table(connector.source);
  const rows = selectRows({ table, fields, filters, order }, call.sim.resultCache);
  const start = Math.min(paging.skip, rows.length);
  const end = paging.take === undefined ? rows.length : Math.min(rows.length, start + paging.take);
  const count = end - start;
  const offset = order.length === 0 ? call.sim.scrambler.nextOffset(rows.length) : 0;
  const rowAt =
    offset === 0
      ? (index: number): number => rows[start + index]!
      : (index: number): number => rows[(offset + start + index) % rows.length]!;
  call.log.rows = count;
  const serialize = compileRowSerializer(connector.fields, table);
  await call.response.sendChunks(
    200,
    pageChunks(paging.echoSkip, paging.echoTake, count, rowAt, serialize),
    JSON_TYPE,
  );
}
