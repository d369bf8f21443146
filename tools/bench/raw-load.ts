// (a) The practical limit: AFAS client → bulk upsert, no Temporal. Same partitions (administration ×
// year × period, plus each year's "other periods" partition), the same AFAS query per partition
// (filter, order, page size), the same page writes (append, else merge) and the same concurrency
// as the historical import, so the ratio measures orchestration only.
import { orderFor } from '../../src/activities/dataset-sync.js';
import { partitionFields } from '../../src/activities/import/partition-runner.js';
import {
  columnsForPageSize,
  partitionConditions,
  planPartitions,
  segmentFilter,
} from '../../src/activities/import/partitions.js';
import { AfasClient, MAX_CELLS_PER_PAGE } from '../../src/afas/index.js';
import { connectorIdFor, dataset } from '../../src/catalog/index.js';
import { encodePage } from '../../src/codec/index.js';
import { ensureDatasetTable, resolveDataset } from '../../src/db/dataset-schema.js';
import { DatasetWriter } from '../../src/db/dataset-writer.js';
import { inTransaction, type Pool } from '../../src/db/pool.js';

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
  /** The import's pageSize option (null: its default). */
  pageSize: number | null;
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
    const fields = partitionFields(resolved);
    // The import lists each year's periods first; the simulator (like most administrations) uses 1..12.
    const partitions = planPartitions({
      datasets: [definition.name],
      administrations: options.administrations,
      fromYear: Math.min(...options.years),
      toYear: Math.max(...options.years),
      periodsOf: () => [],
    });
    const context = { source: 'raw', runId: 'raw' };
    let rows = 0;
    let pages = 0;
    const worker = async () => {
      for (let next = partitions.shift(); next; next = partitions.shift()) {
        const { administration } = next;
        let tryAppend = true;
        for await (const page of client.pages(connectorId, {
          orderBy: orderFor(resolved),
          columns: columnsForPageSize(resolved.columns.length, options.pageSize, MAX_CELLS_PER_PAGE),
          filter: segmentFilter(partitionConditions(fields, next), fields.keys, null),
        })) {
          // Encoded on arrival, like the import's pages (see runPartitionChunk).
          const encoded = encodePage(resolved, context, page, { page: page.skip, administration });
          // Like the import, an empty page (an empty "other periods" partition) writes no rows.
          if (encoded.rows > 0)
            tryAppend = await inTransaction(options.pool, async (db) => {
              const writer = new DatasetWriter(db, options.schema, resolved, context);
              return (await writer.writePage(encoded, tryAppend)).appended;
            });
          encoded.release();
          rows += encoded.rows;
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
