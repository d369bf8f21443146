// `npm run bench:post [-- --entries 1000 --latency-ms 200 --concurrency 5 --out F]`.
import { parseArgs } from 'node:util';
import { databaseName, ToolArgsError, wholeNumber } from '../args.js';

/** AFAS allows this many concurrent calls per environment, whatever a source is set to. */
export const AFAS_CALLS_PER_ENVIRONMENT = 5;

export interface PostBenchOptions {
  /** Journal entries in the batch, 2–4 lines each. */
  entries: number;
  /** The simulator's answer latency for every UpdateConnector write, ms. */
  latencyMs: number;
  /** The source's max_concurrency (its concurrent AFAS calls, 1..5). */
  concurrency: number;
  /** Seeds the simulator's data and the generated batch: the same seed posts the same batch. */
  seed: number;
  /** The database the bench (re)creates. */
  database: string;
  out: string;
}

export function parsePostBenchArgs(argv: readonly string[]): PostBenchOptions {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      options: {
        entries: { type: 'string', default: '1000' },
        'latency-ms': { type: 'string', default: '200' },
        concurrency: { type: 'string', default: String(AFAS_CALLS_PER_ENVIRONMENT) },
        seed: { type: 'string', default: '19' },
        database: { type: 'string', default: 'afas_bench_post' },
        out: { type: 'string' },
      },
      strict: true,
    });
  } catch (error) {
    throw new ToolArgsError((error as Error).message);
  }
  const { values } = parsed;
  const entries = wholeNumber('entries', values.entries, 1, 100_000);
  const latencyMs = wholeNumber('latency-ms', values['latency-ms'], 0, 60_000);
  return {
    entries,
    latencyMs,
    // A source takes 1 to 5 (`source add --max-concurrency`): more would not be AFAS's limit.
    concurrency: wholeNumber('concurrency', values.concurrency, 1, AFAS_CALLS_PER_ENVIRONMENT),
    seed: wholeNumber('seed', values.seed, 1, 2_147_483_647),
    database: databaseName(values.database ?? 'afas_bench_post'),
    out: values.out ?? `bench-results/post-${entries}x${latencyMs}ms.json`,
  };
}
