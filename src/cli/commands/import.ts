// `afas-sync import <source> --from-year Y`: a source's historical import (start or attach, and
// follow it with --wait), and `import status|pause|resume|cancel|concurrency <source>`. This file
// declares the commands; import-start.ts, import-status.ts and import-control.ts carry them out.
import type { Command } from 'commander';
import type { CliRun } from '../context.js';
import { CliUsageError } from '../errors.js';
import { parseImportConcurrency, parseSourceName } from '../parse.js';
import { control, setConcurrency } from './import-control.js';
import { startImportCommand, type StartFlags } from './import-start.js';
import { collectStatus, printStatus } from './import-status.js';

export type { ImportStatusReport } from './import-status.js';

const START_FLAGS: readonly [keyof StartFlags, string][] = [
  ['fromYear', '--from-year'],
  ['toYear', '--to-year'],
  ['concurrency', '--concurrency'],
  ['requestsPerMinute', '--requests-per-minute'],
  ['wait', '--wait'],
];

export function registerImport(program: Command, cli: CliRun): void {
  const command = program
    .command('import')
    .description("import a source's history (booking years), then follow, pause, resume or cancel it")
    .usage(
      '<source> --from-year <year> [options]\n' +
        '       afas-sync import status|pause|resume|cancel <source>\n' +
        '       afas-sync import concurrency <source> <n>',
    )
    .argument('<source>', 'source name')
    .option('--from-year <year>', 'first booking year to import (required)')
    .option('--to-year <year>', 'last booking year (default: the current year)')
    .option(
      '--concurrency <n>',
      "partitions imported at the same time, 1 to 5 (default: the source's max concurrency)",
    )
    .option('--requests-per-minute <n>', 'pace the AFAS requests of the whole import (default: no pacing)')
    .option(
      '--wait',
      'follow the import: a live progress bar (progress lines when not on a terminal), then a summary',
    )
    .addHelpText(
      'after',
      `
The import reads the journal lines of every administration, year by year and period by period
(one partition each), commits every page with its cursor, and hands a watermark to the
incremental sync when it completes. It runs under the fixed workflow id afas-import/<source>:
starting it while it runs attaches to it (a new --concurrency is applied; the years stay).
Starting it again after a cancel or failure resumes it: partitions already done are not read
again. Scheduled syncs of the source skip while it runs. A worker (\`afas-sync worker\`) must run.

Ctrl-C during --wait stops following; the import goes on.

Exit codes with --wait: 0 succeeded, 1 failed or cancelled, 3 partial (some partitions failed;
start it again to retry them). Without --wait: 0 once the import is started.

Examples:
  $ afas-sync import acme --from-year 2019 --wait
  $ afas-sync import acme --from-year 2015 --to-year 2020 --concurrency 2 --requests-per-minute 120
  $ afas-sync import status acme
  $ afas-sync import pause acme
  $ afas-sync import resume acme
  $ afas-sync import concurrency acme 4
  $ afas-sync import cancel acme`,
    )
    .action(async (name: string, flags: StartFlags) => {
      cli.exit(await startImportCommand(cli, name, flags));
    });

  /** Start flags belong to `import <source>`; given before a subcommand's name they would be ignored. */
  const subcommand = (name: string) =>
    command.command(name).hook('preAction', () => {
      const given = START_FLAGS.filter(([key]) => command.getOptionValue(key) !== undefined);
      if (given.length > 0) {
        throw new CliUsageError(
          `${given.map(([, flag]) => flag).join(', ')} ${given.length === 1 ? 'is an option' : 'are options'} of ` +
            `\`afas-sync import <source>\`, not of \`afas-sync import ${name}\``,
        );
      }
    });

  subcommand('status')
    .description("a source's historical import: progress, partitions, rows, rate, ETA, running partitions")
    .argument('<source>', 'source name')
    .option('--json', 'print JSON (for scripts and monitoring)')
    .addHelpText(
      'after',
      `
Combines the import workflow's progress query (needs a running worker to answer) with the
import's record in PostgreSQL, which also covers imports Temporal no longer keeps.

Examples:
  $ afas-sync import status acme
  $ afas-sync import status acme --json`,
    )
    .action(async (name: string, options: { json?: boolean }) => {
      const report = await collectStatus(cli, parseSourceName(name));
      if (options.json) cli.out.json(report);
      else printStatus(cli.out, report);
    });

  subcommand('pause')
    .description('pause the running import: running partition chunks finish, no new ones start')
    .argument('<source>', 'source name')
    .addHelpText('after', '\nExamples:\n  $ afas-sync import pause acme')
    .action(async (name: string) => control(cli, parseSourceName(name), 'pause'));

  subcommand('resume')
    .description('resume a paused import')
    .argument('<source>', 'source name')
    .addHelpText('after', '\nExamples:\n  $ afas-sync import resume acme')
    .action(async (name: string) => control(cli, parseSourceName(name), 'resume'));

  subcommand('cancel')
    .description('cancel the running import; committed partitions stay, starting it again resumes it')
    .argument('<source>', 'source name')
    .addHelpText(
      'after',
      `
Running partitions stop at their next heartbeat; the run is recorded as cancelled and no
watermark is set. \`afas-sync import <source> --from-year <year>\` with the same years resumes it.

Examples:
  $ afas-sync import cancel acme`,
    )
    .action(async (name: string) => control(cli, parseSourceName(name), 'cancel'));

  subcommand('concurrency')
    .description('change how many partitions the running import imports at the same time (1 to 5)')
    .argument('<source>', 'source name')
    .argument('<n>', 'partitions at the same time, 1 to 5')
    .addHelpText(
      'after',
      `
AFAS allows 5 concurrent calls per environment. Lowering it lets running partition chunks
finish; raising it starts more at once. Needs a running worker to take effect.

Examples:
  $ afas-sync import concurrency acme 2`,
    )
    .action(async (name: string, value: string) => {
      const source = parseSourceName(name);
      await setConcurrency(cli, source, parseImportConcurrency(value, 'concurrency'));
    });
}
