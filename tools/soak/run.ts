// `npm run soak -- --seed S --minutes M [--sources N] [--lines-per-year L] [--no-import]`: a bounded
// chaos run against a real Temporal dev server, a private PostgreSQL cluster and the simulator.
// Prints the seed and a summary; exits 1 when any table differs from AFAS (or anything else failed).
import { PRODUCT_DIST } from '../repo-paths.js';
import { parseSoakArgs, SoakArgsError } from './options.js';
import { SoakEnvironmentError } from './postgres-cluster.js';
import { formatReport } from './report.js';
import { runSoak, SoakInterruptedError } from './soak.js';

const started = Date.now();
const log = (line: string) =>
  process.stderr.write(`[soak +${((Date.now() - started) / 1000).toFixed(1)}s] ${line}\n`);

// Ctrl-C stops the chaos and tears everything down (a private cluster must not be left behind);
// a second Ctrl-C exits at once.
const interrupt = new AbortController();
process.once('SIGINT', () => {
  log('SIGINT: stopping the chaos and tearing the stack down (Ctrl-C again to exit at once)');
  interrupt.abort();
  process.once('SIGINT', () => process.exit(130));
});
process.once('SIGTERM', () => interrupt.abort());

try {
  const options = parseSoakArgs(process.argv.slice(2), PRODUCT_DIST);
  log(`seed ${options.seed} (replay with --seed ${options.seed})`);
  const report = await runSoak(options, log, interrupt.signal);
  process.stdout.write(formatReport(report));
  process.exitCode = report.problems.length === 0 ? 0 : 1;
} catch (error) {
  const expected =
    error instanceof SoakArgsError ||
    error instanceof SoakEnvironmentError ||
    error instanceof SoakInterruptedError;
  process.stderr.write(`soak: ${expected ? error.message : ((error as Error).stack ?? String(error))}\n`);
  process.exitCode = error instanceof SoakInterruptedError ? 130 : expected ? 2 : 1;
}
