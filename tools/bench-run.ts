// What bench:fleet and bench:post share around their measurement: a log that shows the elapsed
// time, rounding for the report, tearing the stack down on Ctrl-C, and the run from arguments to
// the printed and written report.
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { normalizeDatabaseUrl } from '../src/config/index.js';
import { ToolArgsError } from './args.js';

/** Lines on stderr as `[name +12.3s] line`, the seconds since this was called. */
export function elapsedLog(name: string): (line: string) => void {
  const began = Date.now();
  return (line) => process.stderr.write(`[${name} +${((Date.now() - began) / 1000).toFixed(1)}s] ${line}\n`);
}

export const round = (value: number, digits = 2) => Math.round(value * 10 ** digits) / 10 ** digits;

/**
 * Until the returned function is called, SIGINT or SIGTERM tears the stack down and exits 130, so
 * an interrupted bench leaves no server or worker process behind.
 */
export function closeOnInterrupt(stack: { close(): Promise<void> }, log: (line: string) => void): () => void {
  const interrupt = () => {
    log('interrupted: tearing the stack down');
    void stack.close().finally(() => process.exit(130));
  };
  process.once('SIGINT', interrupt);
  process.once('SIGTERM', interrupt);
  return () => {
    process.off('SIGINT', interrupt);
    process.off('SIGTERM', interrupt);
  };
}

/**
 * Parses the arguments, runs the bench against BENCH_DATABASE_URL's server, prints the report and
 * writes it as JSON to `out`. A bad argument exits 2 with its message, any other failure 1.
 */
export async function runBench<O extends { out: string }, R>(bench: {
  name: string;
  parse: (argv: readonly string[]) => O;
  run: (options: O, adminUrl: string) => Promise<R>;
  format: (report: R) => string;
}): Promise<void> {
  try {
    const options = bench.parse(process.argv.slice(2));
    const adminUrl = normalizeDatabaseUrl(
      process.env.BENCH_DATABASE_URL ?? 'postgres://127.0.0.1:5432/postgres',
      'BENCH_DATABASE_URL',
    );
    const report = await bench.run(options, adminUrl);
    process.stdout.write(`${bench.format(report)}\n`);
    await mkdir(dirname(options.out), { recursive: true });
    await writeFile(options.out, `${JSON.stringify(report, null, 2)}\n`);
    process.stdout.write(`results written to ${options.out}\n`);
  } catch (error) {
    if (error instanceof ToolArgsError) {
      process.stderr.write(`${bench.name}: ${error.message}\n`);
      process.exitCode = 2;
    } else {
      process.stderr.write(`${bench.name}: ${(error as Error).stack ?? String(error)}\n`);
      process.exitCode = 1;
    }
  }
}
