// `afas-sync import <source> --from-year Y [--wait]`: starts the source's historical import, or
// attaches to the one running, and with --wait follows it to its outcome.
import type { SyncTarget } from '../../client/sync-control.js';
import type { CliRun } from '../context.js';
import { CliFailure, CliUsageError } from '../errors.js';
import { queryImportProgress, yearsText } from '../import-progress.js';
import {
  currentAmsterdamYear,
  parseImportConcurrency,
  parseImportYears,
  parseInteger,
  parseSourceName,
  type ImportYears,
} from '../parse.js';
import { executionOf, resumeCommand, setConcurrency } from './import-control.js';

export interface StartFlags {
  fromYear?: string;
  toYear?: string;
  concurrency?: string;
  requestsPerMinute?: string;
  wait?: boolean;
}

function optionalInteger(value: string | undefined, option: string, min: number, max: number) {
  return value === undefined ? undefined : parseInteger(value, option, min, max);
}

export async function startImportCommand(cli: CliRun, name: string, flags: StartFlags): Promise<number> {
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
