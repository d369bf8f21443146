// (a) The practical limit: AFAS client → bulk upsert, no Temporal. Same partitions, page size and
// concurrency the historical import uses, so the ratio measures orchestration only.
import { AfasClient, where } from '../afas/index.js';
import { connectorIdFor, dataset } from '../catalog/index.js';
import { ensureDatasetTable, resolveDataset } from '../db/dataset-schema.js';
import { DatasetWriter } from '../db/dataset-writer.js';
import { inTransaction, type Pool } from '../db/pool.js';

export interface RawLoadResult {
  rows: number;
  pages: number;
  requests: number;
  wallMs: number;
}

export async function rawLoad(options: {
  pool: Pool;
  schema: string;
  baseUrl: string;
  token: string;
  administrations: number[];
  years: number[];
  concurrency: number;
}): Promise<RawLoadResult> {
  const definition = dataset('journal_lines');
  const connectorId = connectorIdFor(definition, { connectorPrefix: 'Profit_', connectorMap: {} });
  const client = new AfasClient({
    environmentId: '1',
    environmentType: 'test',
    baseUrl: options.baseUrl,
    token: options.token,
  });
  const started = performance.now();
  try {
    const meta = await client.describeGetConnector(connectorId);
    const resolved = resolveDataset(definition, connectorId, meta.fields);
    await inTransaction(options.pool, (db) => ensureDatasetTable(db, options.schema, resolved));
    const partitions = options.administrations.flatMap((administration) =>
      options.years.map((year) => ({ administration, year })),
    );
    let rows = 0;
    let pages = 0;
    const worker = async () => {
      for (let next = partitions.shift(); next; next = partitions.shift()) {
        const { administration, year } = next;
        const filter = where.and(where.eq('UnitId', administration), where.eq('Year', year));
        for await (const page of client.pages(connectorId, {
          orderBy: ['UnitId', ...resolved.keyFields],
          columns: resolved.columns.length,
          filter,
        })) {
          await inTransaction(options.pool, async (db) => {
            const writer = new DatasetWriter(db, options.schema, resolved, { source: 'raw', runId: 'raw' });
            await writer.stageRows(page.rows, { page: page.skip, administration });
            await writer.merge();
          });
          rows += page.rows.length;
          pages += 1;
        }
      }
    };
    await Promise.all(Array.from({ length: options.concurrency }, worker));
    return { rows, pages, requests: pages + 1, wallMs: performance.now() - started };
  } finally {
    await client.close();
  }
}
