import type { FieldSpec } from '../connectors/types.js';
import { parseFilterJson, parseListFilter, type FilterGroups } from './filters.js';
import { parseOrder, type OrderKey } from './order.js';
import { parsePaging, type Paging } from './paging.js';

/** A GetConnector call's query string, parsed against the connector's fields (reference §4). */
export interface ConnectorQuery {
  readonly paging: Paging;
  readonly fields: ReadonlyMap<string, FieldSpec>;
  readonly order: readonly OrderKey[];
  /** The list filter and the JSON filter, when given; both must match. */
  readonly filters: readonly FilterGroups[];
}

export function parseConnectorQuery(
  params: ReadonlyMap<string, string>,
  fieldSpecs: readonly FieldSpec[],
): ConnectorQuery {
  const paging = parsePaging(params);
  const fields = new Map(fieldSpecs.map((field) => [field.id, field]));
  const order = parseOrder(params.get('orderbyfieldids'), fields);
  const filters: FilterGroups[] = [];
  const listFilter = parseListFilter(params, fields);
  if (listFilter !== undefined) filters.push(listFilter);
  const jsonFilter = params.get('filterjson');
  if (jsonFilter !== undefined && jsonFilter !== '') filters.push(parseFilterJson(jsonFilter, fields));
  return { paging, fields, order, filters };
}

/** The slice of `total` selected rows a page returns: `[start, end)`. */
export function pageBounds(paging: Paging, total: number): { start: number; end: number } {
  const start = Math.min(paging.skip, total);
  const end = paging.take === undefined ? total : Math.min(total, start + paging.take);
  return { start, end };
}
