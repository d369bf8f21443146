// Reading a GetConnector through AfasClient.pages() the way tests need it: all rows, or one page.
import type { AfasClient } from '../../../src/afas/client.js';
import type { AfasPage, PagesOptions } from '../../../src/afas/pages.js';
import type { AfasRow } from '../../../src/afas/values.js';

/**
 * Every row of the query, page after page, in the order the pages came. A split filter's parts
 * are not merged in key order: sort in the test when it compares across parts.
 */
export async function collectRows(
  client: AfasClient,
  connectorId: string,
  options: PagesOptions,
): Promise<AfasRow[]> {
  const rows: AfasRow[] = [];
  for await (const page of client.pages(connectorId, options)) {
    for (const row of page.parse()) rows.push(row);
  }
  return rows;
}

/** The first page of the query (the iteration is closed after it): one request at `options.skip`. */
export async function firstPage(
  client: AfasClient,
  connectorId: string,
  options: PagesOptions,
): Promise<AfasPage> {
  for await (const page of client.pages(connectorId, options)) return page;
  throw new Error(`GetConnector ${connectorId}: the iteration yielded no page`);
}
