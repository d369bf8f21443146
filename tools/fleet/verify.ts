// After f3: every source's tables against its environment, with the soak's comparison (raw rows,
// typed-column checksum, keys stored twice). A row missing is one f3 lost; a key twice is one it
// duplicated.
import { AfasClient } from '../../src/afas/index.js';
import { DATASETS } from '../../src/catalog/index.js';
import { simulatorExport, verifyDataset } from '../soak/verify.js';
import { FLEET_SCHEMA, type FleetSource, type FleetStack } from './stack.js';

export interface SourceVerification {
  source: string;
  datasets: number;
  rows: number;
  mismatches: string[];
}

async function verifySource(stack: FleetStack, source: FleetSource): Promise<SourceVerification> {
  const afas = new AfasClient({
    environmentId: source.environmentId,
    environmentType: 'test',
    baseUrl: source.baseUrl,
    token: source.token,
  });
  const outcome: SourceVerification = { source: source.name, datasets: 0, rows: 0, mismatches: [] };
  try {
    const side = {
      describe: (id: string) => afas.describeGetConnector(id),
      exportRows: (id: string) => simulatorExport(source.envUrl, id),
    };
    for (const definition of DATASETS) {
      const result = await verifyDataset(stack.app.pool, side, {
        source: source.name,
        name: definition.name,
        schema: FLEET_SCHEMA,
      });
      outcome.datasets += 1;
      outcome.rows += result.rows;
      outcome.mismatches.push(...result.mismatches);
    }
  } catch (error) {
    outcome.mismatches.push(`could not be compared: ${(error as Error).message}`);
  } finally {
    await afas.close();
  }
  return outcome;
}

/** Compares every source (a few at a time: each reads its environment whole). */
export async function verifyFleet(stack: FleetStack): Promise<SourceVerification[]> {
  const results: SourceVerification[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(3, stack.sources.length) }, async () => {
      while (next < stack.sources.length) {
        const source = stack.sources[next++] as FleetSource;
        results.push(await verifySource(stack, source));
      }
    }),
  );
  return results.sort((a, b) => a.source.localeCompare(b.source));
}

/** The most connector calls each environment had in flight at once over the whole run. */
export async function environmentConcurrency(
  sources: readonly FleetSource[],
): Promise<{ source: string; limit: number; max: number }[]> {
  const out: { source: string; limit: number; max: number }[] = [];
  for (const source of sources) {
    const response = await fetch(`${source.envUrl}/__sim/concurrency`, {
      signal: AbortSignal.timeout(10_000),
    });
    const body = (await response.json()) as { max: number };
    out.push({ source: source.name, limit: source.limit, max: body.max });
  }
  return out;
}
