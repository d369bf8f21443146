import type { GetConnectorSpec } from '../connectors/types.js';
import { pageBounds, parseConnectorQuery } from '../query/connector-query.js';
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
  const { paging, fields, order, filters } = parseConnectorQuery(call.url.params, connector.fields);
  const table = call.sim.data.table(connector.source);
  const rows = selectRows({ table, fields, filters, order }, call.sim.resultCache);
  const { start, end } = pageBounds(paging, rows.length);
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
