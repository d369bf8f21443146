// `afas-sync post <source> --file F | --outbox ID [--wait]`: write a batch of journal entries back
// to AFAS (issue 19), and `post check|status|cancel <source>`. This file declares the commands;
// post-check.ts, post-start.ts, post-status.ts and post-cancel.ts carry them out. A check is its
// own subcommand so that nothing it runs can post.
import type { Command } from 'commander';
import type { CliRun } from '../context.js';
import { CliUsageError } from '../errors.js';
import { parseBatchId, parseSourceName } from '../parse.js';
import { checkCommand, type CheckFlags } from './post-check.js';
import { cancelCommand } from './post-cancel.js';
import { postCommand, type PostFlags } from './post-start.js';
import { statusCommand } from './post-status.js';

const POST_FLAGS: readonly [keyof PostFlags, string][] = [
  ['file', '--file'],
  ['outbox', '--outbox'],
  ['wait', '--wait'],
  ['json', '--json'],
];

const EXIT_CODES = `Exit codes: 0 the batch is started (without --wait) or confirmed · 1 nothing was posted: the
batch has problems (the same report as \`post check\`), the batch id was registered with other
content, write-back is off, the source is unknown; or with --wait the batch was compensated
(AFAS is as before it) or reversed (reversing entries beside the originals) · 2 bad arguments or
an unreadable file · 3 with --wait: posted_unconfirmed (every entry is in AFAS; the copy does not
show them yet, the next sync checks again) or compensation_incomplete (\`post status\` lists what
remains in AFAS).`;

export function registerPost(program: Command, cli: CliRun): void {
  const command = program
    .command('post')
    .description('write journal entries back to AFAS: post a batch, check it, follow or cancel it')
    .usage(
      '<source> --file <path> | --outbox <batch> [--wait] [--json]\n' +
        '       afas-sync post check <source> --file <path>\n' +
        '       afas-sync post status <source> [--batch <batch>]\n' +
        '       afas-sync post cancel <source> --batch <batch>',
    )
    .argument('<source>', 'source name')
    .option('--file <path>', 'the batch file (JSON; README "Writing back: batch files")')
    .option(
      '--outbox <batch>',
      'the batch an application inserted into post_outbox_entries/post_outbox_lines',
    )
    .option('--wait', "wait for the batch's end and exit by it (see exit codes)")
    .option('--json', 'print JSON')
    .addHelpText(
      'after',
      `
Posts a batch: entries of one source that land in AFAS all or nothing, through the UpdateConnector
FiEntries. Give exactly one of --file and --outbox. The batch is first checked exactly as \`post
check\` checks it; with any problem nothing is stored and AFAS is not called. A valid batch is
registered in PostgreSQL (post_batches, post_entries) and its workflow afas-post/<source>/<batch>
starts; a worker (\`afas-sync worker\`) posts each entry once, each line's description carrying a
marker of batch and key, and takes back out of AFAS what it posted when an entry fails or the batch
is cancelled. Posting a batch id again attaches to that batch: it is never posted twice; the same
id with other content is refused. A batch whose workflow failed or was terminated is resumed.

Subcommands:
  check <source> --file F          validate only (no AFAS call, nothing written)
  status <source> [--batch ID]     the source's batches; with --batch its entries and steps
  cancel <source> --batch ID       stop posting and take the batch back out of AFAS

${EXIT_CODES}

Examples:
  $ afas-sync post acme --file accruals-2025-03.json --wait
  $ afas-sync post acme --outbox accruals-2025-03
  $ afas-sync post check acme --file accruals-2025-03.json
  $ afas-sync post status acme
  $ afas-sync post status acme --batch accruals-2025-03 --json
  $ afas-sync post cancel acme --batch accruals-2025-03`,
    )
    .action(async (name: string, flags: PostFlags) => {
      cli.exit(await postCommand(cli, name, flags));
    });

  /** Flags of `post <source>` given before a subcommand's name would be ignored: refuse them. */
  const subcommand = (name: string) =>
    command.command(name).hook('preAction', () => {
      const given = POST_FLAGS.filter(([key]) => command.getOptionValue(key) !== undefined);
      if (given.length > 0)
        throw new CliUsageError(
          `${given.map(([, flag]) => flag).join(', ')} given before \`${name}\`: options of ` +
            `\`afas-sync post ${name}\` follow its name (\`afas-sync post ${name} <source> …\`)`,
        );
    });

  subcommand('check')
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
      cli.exit(await checkCommand(cli, name, flags));
    });

  subcommand('status')
    .description("a source's write-back batches; with --batch, every entry and step of one batch")
    .argument('<source>', 'source name')
    .option('--batch <batch>', 'the batch to show')
    .option('--json', 'print JSON')
    .addHelpText(
      'after',
      `
Reads PostgreSQL (post_batches, post_entries, post_steps): without --batch the source's latest
batches (status, entries, created, ended, reason); with --batch each entry's status, AFAS entry
number, reversing entry number, AFAS's message and log reference (profitLogReference, for the
customer's AFAS administrator), then every step in order. While the batch's workflow runs and a
worker answers, its live progress is added.

Exit codes: 0 shown · 1 unknown source or batch · 2 bad arguments.

Examples:
  $ afas-sync post status acme
  $ afas-sync post status acme --batch accruals-2025-03
  $ afas-sync post status acme --batch accruals-2025-03 --json`,
    )
    .action(async (name: string, flags: { batch?: string; json?: boolean }) => {
      const source = parseSourceName(name);
      const batch = flags.batch === undefined ? undefined : parseBatchId(flags.batch, '--batch');
      cli.exit(await statusCommand(cli, source, batch, flags.json === true));
    });

  subcommand('cancel')
    .description('cancel a batch: stop posting and take what it posted back out of AFAS')
    .argument('<source>', 'source name')
    .option('--batch <batch>', 'the batch to cancel (required)')
    .addHelpText(
      'after',
      `
Records the request in PostgreSQL (post_batches.cancel_requested_at, a post_steps row), then
signals the batch's workflow: it stops posting (entries in flight finish and are recorded) and
takes every entry the batch posted back out of AFAS, by deleting it or, where AFAS refuses the
delete, by a reversing entry. A batch whose workflow does not run now takes the request when it
next starts. Once every entry is in AFAS (posted_unconfirmed) or the batch ended, a cancel no
longer applies.

Exit codes: 0 cancel requested · 1 unknown source or batch, or the batch already ended (or is
fully posted) · 2 bad arguments.

Examples:
  $ afas-sync post cancel acme --batch accruals-2025-03`,
    )
    .action(async (name: string, flags: { batch?: string }) => {
      const source = parseSourceName(name);
      if (flags.batch === undefined)
        throw new CliUsageError('--batch is required: the batch to cancel, e.g. --batch accruals-2025-03');
      cli.exit(await cancelCommand(cli, source, parseBatchId(flags.batch, '--batch')));
    });
}
