import type pg from 'pg';
import { expect } from 'vitest';
import type { AfasClient } from '../../src/afas/index.js';
import type { DatasetName } from '../../src/catalog/index.js';
import { verifyDataset } from '../../tools/soak/verify.js';
import type { SimControl } from './simulator.js';

export interface TableCheck {
  rows: number;
  checksum: string;
}

/**
 * Asserts a dataset's live rows for a source equal what the simulator serves: the raw rows
 * exactly, and a checksum over the typed columns (AFAS values converted by the client's own
 * rules vs. what PostgreSQL stored). The comparison itself is tools/soak/verify.ts.
 */
export async function expectTableEqualsSimulator(
  pool: pg.Pool,
  sim: SimControl,
  afas: AfasClient,
  options: { source: string; name: DatasetName; prefix?: string; administrations?: readonly number[] },
): Promise<TableCheck> {
  const result = await verifyDataset(
    pool,
    { describe: (id) => afas.describeGetConnector(id), exportRows: (id) => sim.export(id) },
    {
      source: options.source,
      name: options.name,
      connectorPrefix: options.prefix ?? 'Profit_',
      administrations: options.administrations,
    },
  );
  expect(result.mismatches, `${options.name} equals the simulator`).toEqual([]);
  return { rows: result.rows, checksum: result.checksum };
}
