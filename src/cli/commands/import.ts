// `afas-sync import <source> --from-year Y`: a source's historical import (start or attach, and
// follow it with --wait), and `import status|pause|resume|cancel|concurrency <source>`.
import type { Command } from 'commander';
import type { SyncTarget } from '../../client/sync-control.js';
import type { ImportRecord, ImportTotals } from '../../db/import-state.js';
import type { RunRecord } from '../../db/runs.js';
import type { ImportProgress } from '../../workflows/definitions.js';
import type { CliRun } from '../context.js';
import { CliFailure, CliUsageError } from '../errors.js';
import { formatAge, formatCount, formatTime, truncate, type Output } from '../output.js';
import {
  currentAmsterdamYear,
  parseImportConcurrency,
  parseImportYears,
  parseInteger,
  parseSourceName,
  type ImportYears,
} from '../parse.js';
import { describeImportProgress, queryImportProgress, yearsText } from '../import-progress.js';
import type { WorkerPresence } from '../workers.js';

interface StartFlags {
  fromYear?: string;
  toYear?: string;
  concurrency?: string;
  requestsPerMinute?: string;
  wait?: boolean;
}

const START_FLAGS: readonly [keyof StartFlags, string][] = [
  ['fromYear', '--from-year'],
  ['toYear', '--to-year'],
  ['concurrency', '--concurrency'],
  ['requestsPerMinute', '--requests-per-minute'],
  ['wait', '--wait'],
];

/** What `import status --json` prints. */
export interface ImportStatusReport {
  source: string;
  workflowId: string;
  /** Temporal's execution status of the latest import workflow (RUNNING, COMPLETED, …); null if none. */
  execution: string | null;
  /** The workflow's own view (needs a worker to answer); null when unavailable. */
  progress: ImportProgress | null;
  progressUnavailable: string | null;
  workers: WorkerPresence;
  /** The latest import from PostgreSQL (outlives Temporal's retention), with its partition counts. */
  lastImport: (ImportRecord & { partitions: ImportTotals }) | null;
  /** The run-log row of the latest attempt. */
  lastRun: RunRecord | null;
}

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

function optionalInteger(value: string | undefined, option: string, min: number, max: number) {
  return value === undefined ? undefined : parseInteger(value, option, min, max);
}

/** The command that resumes an import with these years (the same years resume it). */
function resumeCommand(source: string, fromYear: number, toYear: number | null | undefined): string {
  const explicitTo = toYear !== null && toYear !== undefined && toYear !== currentAmsterdamYear();
  return `afas-sync import ${source} --from-year ${fromYear}${explicitTo ? ` --to-year ${toYear}` : ''}`;
}

async function executionOf(target: SyncTarget, workflowId: string): Promise<string | null> {
  const { WorkflowNotFoundError } = await import('@temporalio/client');
  return target.client.workflow
    .getHandle(workflowId)
    .describe()
    .then((description): string | null => description.status.name)
    .catch((error: unknown) => {
      if (error instanceof WorkflowNotFoundError) return null;
      throw error;
    });
}

async function startImportCommand(cli: CliRun, name: string, flags: StartFlags): Promise<number> {
  const source = parseSourceName(name);
  const years: ImportYears = parseImportYears(flags.fromYear, flags.toYear);
  const concurrency = flags.concurrency === undefined ? undefined : parseImportConcurrency(flags.concurrency);
  const requestsPerMinute = optionalInteger(flags.requestsPerMinute, '--requests-per-minute', 1, 60_000);
  const { ctx, out } = cli;
  const record = await ctx.source(source);
  if (record.status === 'needs_attention') {
    out.note(
      `note: source "${source}" needs attention (${record.statusReason ?? 'no reason recorded'}); the import fails if AFAS refuses its token`,
    );
  }
  const target = await ctx.temporal();
  const [{ startImport, ImportOptionsError }, { importWorkflowId }, { workerPresence, noWorkerHint }] =
    await Promise.all([
      import('../../client/import-control.js'),
      import('../../workflows/definitions.js'),
      import('../workers.js'),
    ]);
  const workflowId = importWorkflowId(source);
  const running = (await executionOf(target, workflowId)) === 'RUNNING';
  const hint = noWorkerHint(await workerPresence(target), 'the import');
  if (hint) out.note(`note: ${hint}`);
  let handle;
  try {
    handle = await startImport(target, source, {
      fromYear: years.fromYear,
      ...(years.toYear !== undefined ? { toYear: years.toYear } : {}),
      ...(concurrency !== undefined ? { maxConcurrency: concurrency } : {}),
      ...(requestsPerMinute !== undefined ? { requestsPerMinute } : {}),
    });
  } catch (error) {
    if (error instanceof ImportOptionsError) throw new CliUsageError(error.message);
    throw error;
  }
  const runId = handle.firstExecutionRunId;
  if (running) {
    out.line(
      `attached to the historical import of "${source}" already running (workflow ${workflowId}, run ${runId})`,
    );
    await adjustAttached(cli, target, source, years, concurrency, hint === undefined);
  } else {
    out.line(
      `started the historical import of "${source}", ${yearsText(years)} (workflow ${workflowId}, run ${runId})`,
    );
  }
  if (!flags.wait) {
    out.line(
      `follow it with \`afas-sync import status ${source}\` or \`afas-sync import ${source} --from-year ${years.fromYear}${years.toYear !== undefined ? ` --to-year ${years.toYear}` : ''} --wait\``,
    );
    return 0;
  }
  const { watchImport, printImportSummary, exitCodeForImport } = await import('../import-watch.js');
  const outcome = await watchImport(handle, { target, source, out, detachOnInterrupt: true });
  printImportSummary(out, outcome);
  const code = exitCodeForImport(outcome.status);
  if (code !== 0) {
    const again = outcome.progress
      ? resumeCommand(source, outcome.progress.fromYear, outcome.progress.toYear)
      : resumeCommand(source, years.fromYear, years.toYear);
    const reason =
      outcome.status === 'cancelled'
        ? `committed partitions stay; \`${again}\` resumes the rest`
        : `${outcome.error ?? `${outcome.partitions.failed} partition(s) failed`}${outcome.runId ? ` (details: afas-sync runs ${source} --run ${outcome.runId})` : ''}`;
    throw new CliFailure(`import of "${source}" ${outcome.status}: ${reason}`, code);
  }
  return 0;
}

/**
 * Attaching keeps the running import's years and options; a --concurrency is applied to it (the
 * one option that may change while it runs).
 */
async function adjustAttached(
  cli: CliRun,
  target: SyncTarget,
  source: string,
  years: ImportYears,
  concurrency: number | undefined,
  workerPolling: boolean,
): Promise<void> {
  const answer = workerPolling
    ? await queryImportProgress(target, source, 3_000)
    : { progress: undefined, unavailable: 'no worker is polling the task queue' };
  const { progress } = answer;
  if (!progress) {
    if (concurrency !== undefined) {
      cli.out.note(
        `note: --concurrency not applied to the running import (${answer.unavailable ?? 'no progress'}); ` +
          `use \`afas-sync import concurrency ${source} ${concurrency}\` once a worker runs`,
      );
    }
    return;
  }
  const thisYear = currentAmsterdamYear();
  if (progress.fromYear !== years.fromYear || (progress.toYear ?? thisYear) !== (years.toYear ?? thisYear)) {
    cli.out.note(
      `note: the running import keeps its own years (${yearsText(progress)}); cancel it first (\`afas-sync import cancel ${source}\`) to import others`,
    );
  }
  if (concurrency !== undefined && concurrency !== progress.concurrency) {
    await setConcurrency(cli, source, concurrency, target);
  }
}

async function collectStatus(cli: CliRun, source: string): Promise<ImportStatusReport> {
  const app = await cli.ctx.app();
  await app.sources.get(source);
  const target = await cli.ctx.temporal();
  const [{ importWorkflowId }, { workerPresence }, { ImportStore }] = await Promise.all([
    import('../../workflows/definitions.js'),
    import('../workers.js'),
    import('../../db/import-state.js'),
  ]);
  const store = new ImportStore(app.pool, app.schema);
  const workflowId = importWorkflowId(source);
  const [execution, workers, [latest]] = await Promise.all([
    executionOf(target, workflowId),
    workerPresence(target),
    store.list(source, 1),
  ]);
  const answer =
    execution === null
      ? { progress: undefined, unavailable: 'no historical import has run yet' }
      : await queryImportProgress(target, source, workers.pollers === 0 ? 1_500 : 5_000);
  const lastImport = latest ? { ...latest, partitions: await store.totals(latest.importId) } : null;
  const runId = answer.progress?.runId ?? lastImport?.currentRunId ?? null;
  return {
    source,
    workflowId,
    execution,
    progress: answer.progress ?? null,
    progressUnavailable: answer.unavailable ?? null,
    workers,
    lastImport,
    lastRun: runId ? ((await app.runs.get(runId)) ?? null) : null,
  };
}

function printStatus(out: Output, report: ImportStatusReport): void {
  const { progress, lastImport, lastRun } = report;
  if (!progress && !lastImport) {
    out.line(
      `no historical import of "${report.source}" yet (start one with \`afas-sync import ${report.source} --from-year <year>\`)`,
    );
    return;
  }
  const pairs: [string, string][] = [];
  const execution = report.execution ? report.execution.toLowerCase() : 'not in Temporal any more';
  if (progress) {
    pairs.push([
      'import',
      `${progress.status}${progress.paused && progress.status === 'running' ? ' (PAUSED)' : ''}, phase ${progress.phase}, ` +
        `${yearsText(progress)} (${progress.datasets.join(', ')}); workflow ${report.workflowId} ${execution}`,
    ]);
    pairs.push(['progress', describeProgressFigures(progress)]);
    pairs.push([
      'concurrency',
      `${progress.concurrency}${progress.administrations.length > 0 ? `; administrations ${progress.administrations.join(', ')}` : ''}`,
    ]);
    if (progress.runningPartitions.length > 0) {
      const now = Date.now();
      pairs.push([
        'running',
        progress.runningPartitions
          .map(
            (item) =>
              `${item.key} (${Math.round((now - Date.parse(item.since)) / 1000)}s, ${item.chunks} chunk(s))`,
          )
          .join(', '),
      ]);
    }
    pairs.push([
      'started',
      `${formatTime(new Date(progress.startedAt))} (${formatAge(new Date(progress.startedAt))}); last progress ${formatAge(new Date(progress.updatedAt))}`,
    ]);
  } else if (lastImport) {
    pairs.push([
      'import',
      `${lastImport.status}, ${yearsText(lastImport)} (${lastImport.datasets.join(', ')}); workflow ${report.workflowId} ${execution}`,
    ]);
    const totals = lastImport.partitions;
    pairs.push([
      'partitions',
      `${totals.done}/${totals.total} done, ${totals.failed} failed, ${totals.pending} pending; ${formatCount(totals.rows)} rows`,
    ]);
    pairs.push(['started', `${formatTime(lastImport.startedAt)} (${formatAge(lastImport.startedAt)})`]);
  }
  if (report.progressUnavailable && report.execution) pairs.push(['progress', report.progressUnavailable]);
  if (lastImport) {
    pairs.push([
      'attempts',
      `${lastImport.attempts} (import ${lastImport.importId}${lastImport.finishedAt ? `, finished ${formatTime(lastImport.finishedAt)}` : ''})`,
    ]);
  }
  const startWatermark = progress?.startWatermark ?? lastImport?.startWatermark ?? null;
  if (startWatermark) {
    const done = (progress?.status ?? lastImport?.status) === 'succeeded';
    pairs.push([
      'watermark',
      done
        ? `${startWatermark}: the next sync reads journal-line changes made since then`
        : `${startWatermark}: handed to the sync when the import completes`,
    ]);
  }
  const error =
    progress?.lastError ?? (lastImport?.error ? { partition: null, message: lastImport.error } : null);
  if (error)
    pairs.push([
      'last error',
      `${error.partition ? `${error.partition}: ` : ''}${truncate(error.message, 300) ?? ''}`,
    ]);
  if (lastRun)
    pairs.push([
      'run',
      `${lastRun.runId} (${lastRun.status}; afas-sync runs ${report.source} --run ${lastRun.runId})`,
    ]);
  pairs.push(['workers', workersText(report.workers)]);
  out.fields(pairs);
}

/** "40/108 partitions, 123,456 rows, 9,876 rows/s, ETA 0:42, 4 running, 64 pending". */
function describeProgressFigures(progress: ImportProgress): string {
  const line = describeImportProgress(progress).slice(`import ${progress.source}: `.length);
  const pending = progress.partitions.pending;
  return pending > 0 && progress.phase !== 'planning' ? `${line}, ${pending} pending` : line;
}

function workersText(workers: WorkerPresence): string {
  if (workers.pollers === null) return `unknown (task queue ${workers.taskQueue})`;
  if (workers.pollers === 0)
    return `NONE polling task queue ${workers.taskQueue} (start one with \`afas-sync worker\`)`;
  return `${workers.pollers} polling task queue ${workers.taskQueue}`;
}

type ControlAction = 'pause' | 'resume' | 'cancel';

/** The source's import must be running: signals to a closed workflow would fail less clearly. */
async function runningImport(cli: CliRun, source: string): Promise<SyncTarget> {
  await cli.ctx.source(source);
  const target = await cli.ctx.temporal();
  const { importWorkflowId } = await import('../../workflows/definitions.js');
  const execution = await executionOf(target, importWorkflowId(source));
  if (execution !== 'RUNNING') {
    throw new CliFailure(
      `no historical import of "${source}" is running${execution ? ` (the last one is ${execution.toLowerCase()})` : ''}; ` +
        `start one with \`afas-sync import ${source} --from-year <year>\``,
    );
  }
  return target;
}

async function control(cli: CliRun, source: string, action: ControlAction): Promise<void> {
  const target = await runningImport(cli, source);
  const [{ pauseImport, resumeImport, cancelImport }, { workerPresence, noWorkerHint }] = await Promise.all([
    import('../../client/import-control.js'),
    import('../workers.js'),
  ]);
  const hint = noWorkerHint(await workerPresence(target), `the ${action}`);
  if (action === 'pause') {
    await pauseImport(target, source);
    cli.out.line(
      `import of "${source}" paused: running partition chunks finish their pages, no new ones start (resume with \`afas-sync import resume ${source}\`)`,
    );
  } else if (action === 'resume') {
    await resumeImport(target, source);
    cli.out.line(`import of "${source}" resumed`);
  } else {
    await cancelImport(target, source);
    const app = await cli.ctx.app();
    const { ImportStore } = await import('../../db/import-state.js');
    const [latest] = await new ImportStore(app.pool, app.schema).list(source, 1);
    const again = latest
      ? resumeCommand(source, latest.fromYear, latest.toYear)
      : `afas-sync import ${source} --from-year <year>`;
    cli.out.line(
      `cancelling the import of "${source}": running partitions stop at their next heartbeat; committed partitions stay and \`${again}\` resumes the rest`,
    );
  }
  if (hint) cli.out.note(`note: ${hint}`);
}

async function setConcurrency(
  cli: CliRun,
  source: string,
  concurrency: number,
  running?: SyncTarget,
): Promise<void> {
  const target = running ?? (await runningImport(cli, source));
  const [{ setImportConcurrency }, { WorkflowUpdateFailedError }] = await Promise.all([
    import('../../client/import-control.js'),
    import('@temporalio/client'),
  ]);
  let applied: number;
  try {
    applied = await target.client.connection.withDeadline(Date.now() + 10_000, () =>
      setImportConcurrency(target, source, concurrency),
    );
  } catch (error) {
    if (error instanceof WorkflowUpdateFailedError) {
      const cause = error.cause?.message ?? error.message;
      throw new CliFailure(
        `concurrency of the import of "${source}" not changed: ${cause.split('\n')[0] ?? ''}`,
      );
    }
    const message = error instanceof Error ? error.message : String(error);
    if (/deadline|timed? ?out/i.test(message)) {
      throw new CliFailure(
        `concurrency of the import of "${source}" not changed: no worker took the change within 10 s (is a worker running? start one with \`afas-sync worker\`)`,
      );
    }
    throw error;
  }
  cli.out.line(`import of "${source}": concurrency set to ${applied}`);
}
