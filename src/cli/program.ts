// The command tree. Commands load their heavy modules (Temporal, pg, AFAS client) only when they
// run, so help and argument errors answer at once.
import { Command } from 'commander';
import { registerDev } from './commands/dev.js';
import { registerImport } from './commands/import.js';
import { registerPost } from './commands/post.js';
import { registerRuns } from './commands/runs.js';
import { registerSchedule } from './commands/schedule.js';
import { registerSimulator } from './commands/simulator.js';
import { registerSource } from './commands/source.js';
import { registerStatus } from './commands/status.js';
import { registerSync } from './commands/sync.js';
import { registerVerify } from './commands/verify.js';
import { registerWorker } from './commands/worker.js';
import type { CliRun } from './context.js';

export const CLI_NAME = 'afas-sync';

const ROOT_HELP = `
Environment:
  DATABASE_URL            PostgreSQL (default postgres://localhost:5432/afas_sync)
  TEMPORAL_ADDRESS        Temporal frontend host:port (default localhost:7233)
  TEMPORAL_NAMESPACE      default "default";  TEMPORAL_TASK_QUEUE  default "afas-sync"
  AFAS_SYNC_SECRET_KEY    256-bit key sealing AFAS tokens (openssl rand -hex 32)
  AFAS_SYNC_PREVIOUS_SECRET_KEYS  older keys during a rotation (comma-separated)
  METRICS_PORT            worker: serve /metrics, /healthz, /readyz on this port
  LOG_LEVEL, LOG_FORMAT   worker logs: info/debug/…, json (default) or pretty

Exit codes:
  0 success · 1 failure (unknown source, unreachable service, failed sync, import or check;
    a write-back batch with problems, compensated or reversed)
  2 bad arguments or configuration · 3 sync or import finished partially (--wait); a write-back
    batch posted but not yet confirmed, or its compensation incomplete (post --wait)
  4 \`status\` without a source: a source needs attention, is failing or stale;
    \`verify\`: the copy differs from AFAS's period balances

Examples:
  $ afas-sync dev --demo
  $ afas-sync source add acme --env-id 12345 --env-type production --token-file ./acme.token
  $ afas-sync sync acme --wait
  $ afas-sync import acme --from-year 2019 --wait
  $ afas-sync status acme --json
  $ afas-sync verify acme
  $ afas-sync post check acme --file batch.json
  $ afas-sync post acme --file batch.json --wait
  $ afas-sync status`;

export function buildProgram(cli: CliRun, version: string): Command {
  const program = new Command(CLI_NAME)
    .description('sync AFAS Profit financial data into PostgreSQL, durably, with Temporal')
    .version(version, '-V, --version')
    .enablePositionalOptions()
    .showSuggestionAfterError(true)
    .exitOverride()
    .configureOutput({
      writeOut: (text) => cli.out.raw(text),
      writeErr: (text) => cli.out.rawError(text),
      // Commander's own errors (unknown option, missing argument) as one line, like ours.
      outputError: (text, write) =>
        write(
          `${CLI_NAME}: ${text
            .replace(/^error: /, '')
            .replace(/\s*\n\s*/g, ' ')
            .trim()}\n`,
        ),
    })
    .addHelpText('after', ROOT_HELP);
  for (const register of [
    registerDev,
    registerWorker,
    registerSource,
    registerSync,
    registerImport,
    registerStatus,
    registerRuns,
    registerVerify,
    registerSchedule,
    registerPost,
    registerSimulator,
  ]) {
    register(program, cli);
  }
  return program;
}
