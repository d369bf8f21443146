// `afas-sync post check <source> --file batch.json`: validates a batch of journal entries to write
// back to AFAS (issue 19) against the source's synced data. No AFAS call, nothing written. Posting
// itself will be `post <source>` beside `post status|cancel`, as `import` has its subcommands; a
// check is its own subcommand so that nothing here can post, and its exit codes stay 0/1/2.
import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import type { CliRun } from '../context.js';
import { CliUsageError } from '../errors.js';
import { parseSourceName } from '../parse.js';
import { refuseReadOnlySource } from '../write-back.js';

interface CheckFlags {
  file?: string;
  json?: boolean;
}

export function registerPost(program: Command, cli: CliRun): void {
  const command = program
    .command('post')
    .description('write journal entries back to AFAS: check a batch file against the synced data');
  command
    .command('check')
    .description('validate a batch file of journal entries; exit 0 valid, 1 problems (nothing is posted)')
    .argument('<source>', 'source name')
    .option('--file <path>', 'the batch file (JSON; see README "Writing back: batch files")')
    .option('--json', 'print JSON')
    .addHelpText(
      'after',
      `
Checks, without calling AFAS and without writing anything: the file's format (amounts as decimal
strings with at most 2 decimals), unique entry keys, every entry balanced exactly, and against
what the last syncs of the source loaded: the administration and journal exist, the booking date
falls in an existing, unblocked period, accounts, debtors, creditors and VAT codes exist and are
not blocked, allocations are given where an account requires them and are assigned to it.

The source must have write-back enabled (\`afas-sync source update <source> --write-back\`, which
checks that the App connector offers the UpdateConnector FiEntries); a source that only reads is
refused (exit 1) before the batch is checked.

Exit codes: 0 valid · 1 problems (each names entry key, line and field), write-back not enabled,
unknown source or PostgreSQL unavailable · 2 bad arguments or an unreadable file.

Examples:
  $ afas-sync post check acme --file accruals-2025-03.json
  $ afas-sync post check acme --file accruals-2025-03.json --json`,
    )
    .action(async (name: string, flags: CheckFlags) => {
      const source = parseSourceName(name);
      if (flags.file === undefined)
        throw new CliUsageError('--file is required: the batch file to check, e.g. --file batch.json');
      const text = await readBatchFile(flags.file);
      cli.exit(await check(cli, source, text, flags.json === true));
    });
}

async function readBatchFile(path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason =
      code === 'ENOENT'
        ? 'no such file'
        : code === 'EISDIR'
          ? 'it is a directory'
          : code === 'EACCES'
            ? 'permission denied'
            : (code ?? 'unreadable');
    throw new CliUsageError(`cannot read --file ${JSON.stringify(path)}: ${reason}`);
  }
}

async function check(cli: CliRun, source: string, text: string, json: boolean): Promise<number> {
  const app = await cli.ctx.app();
  // A source posts only once write-back is enabled for it; checking a batch for one that cannot post
  // would pass batches that could never land.
  refuseReadOnlySource(await app.sources.get(source));
  const [{ checkBatch }, { printBatchCheck }] = await Promise.all([
    import('../../write-back/check-batch.js'),
    import('../post-report.js'),
  ]);
  const report = await checkBatch(app.pool, app.schema, source, text);
  if (json) cli.out.json(report);
  else printBatchCheck(cli.out, report);
  return report.valid ? 0 : 1;
}
