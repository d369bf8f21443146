// `npm run bench:fleet -- --sources S --workers W [--interval 10m] [--rounds 3] [--sizes …]`.
import { parseArgs } from 'node:util';
import { databaseName, ToolArgsError, wholeNumber as whole } from '../args.js';

export interface FleetOptions {
  /** Sources, each on its own simulated environment. */
  sources: number;
  /** Worker processes (`node dist/worker.js`), all polling one task queue. */
  workers: number;
  /** The schedules' interval in f2 and f3, seconds. */
  intervalSeconds: number;
  /** Scheduled rounds in f2 (f3 is one more). */
  rounds: number;
  /** Journal lines per administration and year, assigned to the environments in turn. */
  sizes: number[];
  /** Administrations per environment, in turn (1..3), so sizes differ in shape as well. */
  administrations: number[];
  /** Each environment's limit of concurrent AFAS calls (the source's maxConcurrency), in turn. */
  limits: number[];
  /** The syncs' activity heartbeat timeout; undefined = the product's default (20 s). */
  heartbeatSeconds: number | undefined;
  /** How long the SIGKILLed worker stays down in f3, ms. */
  downMs: number;
  /** The database the bench (re)creates. */
  database: string;
  out: string;
}

function list(name: string, text: string | undefined, min: number, max: number): number[] {
  const parts = (text ?? '').split(',');
  try {
    return parts.map((part) => whole(name, part, min, max));
  } catch {
    throw new ToolArgsError(
      `--${name} must be a comma-separated list of whole numbers from ${min} to ${max}`,
    );
  }
}

/** `10m`, `90s`, `1h` or plain seconds. */
export function parseInterval(text: string | undefined): number {
  const match = /^(\d+)(s|m|h)?$/.exec((text ?? '').trim());
  const unit: Readonly<Record<string, number>> = { s: 1, m: 60, h: 3_600 };
  const seconds = match ? Number(match[1]) * (unit[match[2] ?? 's'] ?? 1) : NaN;
  if (!Number.isInteger(seconds) || seconds < 5 || seconds > 86_400)
    throw new ToolArgsError('--interval must be a duration from 5s to 24h, e.g. 10m, 90s or 30');
  return seconds;
}

export function parseFleetArgs(argv: readonly string[]): FleetOptions {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      options: {
        sources: { type: 'string' },
        workers: { type: 'string', default: '2' },
        interval: { type: 'string', default: '10m' },
        rounds: { type: 'string', default: '3' },
        sizes: { type: 'string', default: '100,400,1500' },
        administrations: { type: 'string', default: '1,2,3' },
        limits: { type: 'string', default: '5,3,2' },
        'heartbeat-seconds': { type: 'string' },
        'down-ms': { type: 'string', default: '1000' },
        database: { type: 'string', default: 'afas_bench_fleet' },
        out: { type: 'string' },
      },
      strict: true,
    });
  } catch (error) {
    throw new ToolArgsError((error as Error).message);
  }
  const { values } = parsed;
  if (values.sources === undefined) throw new ToolArgsError('--sources is required (e.g. --sources 10)');
  // The simulator process gets every environment (with its test token) in one argument, which
  // Linux caps at 128 KiB: ~160 bytes an environment.
  const sources = whole('sources', values.sources, 1, 500);
  const database = databaseName(values.database ?? 'afas_bench_fleet');
  return {
    sources,
    workers: whole('workers', values.workers, 1, 16),
    intervalSeconds: parseInterval(values.interval),
    rounds: whole('rounds', values.rounds, 3, 100),
    sizes: list('sizes', values.sizes, 2, 1_000_000),
    administrations: list('administrations', values.administrations, 1, 3),
    limits: list('limits', values.limits, 1, 5),
    heartbeatSeconds:
      values['heartbeat-seconds'] === undefined
        ? undefined
        : whole('heartbeat-seconds', values['heartbeat-seconds'], 2, 600),
    downMs: whole('down-ms', values['down-ms'], 0, 600_000),
    database,
    out: values.out ?? `bench-results/fleet-${sources}x${values.workers ?? '2'}.json`,
  };
}
