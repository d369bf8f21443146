// Follows a historical import until it ends: a live bar on a terminal, plain lines otherwise;
// then what it did, for a summary.
import { setTimeout as sleep } from 'node:timers/promises';
import {
  CancelledFailure,
  TerminatedFailure,
  WorkflowFailedError,
  type WorkflowHandle,
} from '@temporalio/client';
import type { SyncTarget } from '../client/sync-control.js';
import type { ImportProgress } from '../workflows/definitions.js';
import type { historicalImport, ImportResult } from '../workflows/historical-import.js';
import {
  describeImportProgress,
  formatClock,
  liveImportLines,
  queryImportProgress,
} from './import-progress.js';
import { LiveDisplay } from './live-display.js';
import { formatCount, type Output } from './output.js';
import { followResult, workflowFailureText } from './workflow-follow.js';

/** 0 succeeded, 3 partial, 1 failed or cancelled (like `sync --wait`). */
export { exitCodeForStatus as exitCodeForImport } from './workflow-follow.js';

export type ImportOutcomeStatus = 'succeeded' | 'partial' | 'failed' | 'cancelled';

export interface ImportOutcome {
  source: string;
  status: ImportOutcomeStatus;
  /** The workflow's result; undefined when it was cancelled, terminated or failed as a whole. */
  result: ImportResult | undefined;
  /** Why it did not succeed. */
  error: string | undefined;
  /** Progress asked after the end (or the last sample seen when no worker answered). */
  progress: ImportProgress | undefined;
  importId: string | null;
  runId: string | null;
  partitions: { total: number; done: number; failed: number };
  /** Rows committed by the whole import (earlier attempts included). */
  rows: number;
  /** Rows committed by this attempt, its rate, and how long it ran. */
  rowsThisAttempt: number | null;
  rowsPerSecond: number | null;
  seconds: number;
  /** The journal-line watermark the import handed to the incremental sync. */
  watermark: string | null;
}

export interface ImportWatchOptions {
  target: SyncTarget;
  source: string;
  out: Output;
  /** Redraw a bar in place (default: when stdout is a terminal) instead of printing lines. */
  live?: boolean;
  /** How often to ask for progress (default 500 ms with the bar, 1 s for lines). */
  pollMs?: number;
  /** Fewest seconds between two plain lines while nothing but the counts changes (default 5). */
  quietSeconds?: number;
  /** Ctrl-C stops following (the import goes on) with exit code 130, instead of Node's default. */
  detachOnInterrupt?: boolean;
}

/** A plain line is repeated this often even when nothing moves (paused, or a slow AFAS). */
const HEARTBEAT_MS = 60_000;
/** Query failures are only worth a note when they last (a new workflow answers after its first task). */
const UNAVAILABLE_NOTE_AFTER_MS = 10_000;

/** Waits for the import's end, showing its progress; never throws for the import's own failure. */
export async function watchImport(
  handle: WorkflowHandle<typeof historicalImport>,
  options: ImportWatchOptions,
): Promise<ImportOutcome> {
  const { out, source, target } = options;
  const live = options.live ?? out.isTerminal();
  const pollMs = options.pollMs ?? (live ? 500 : 1_000);
  const quietMs = (options.quietSeconds ?? 5) * 1000;
  const display = live
    ? new LiveDisplay({ write: (text: string) => out.raw(text) }, { columns: () => out.columns() })
    : undefined;
  const started = Date.now();
  const { result, ended, settled } = followResult(handle);

  let last: ImportProgress | undefined;
  let unavailableSince: number | undefined;
  let unavailable: string | undefined;
  const noted = new Set<string>();
  let lastState = '';
  let lastLine = '';
  let lastPrinted = 0;
  const show = (now: number) => {
    if (display) {
      const waitingFor =
        unavailable && unavailableSince !== undefined && now - unavailableSince >= UNAVAILABLE_NOTE_AFTER_MS
          ? unavailable
          : undefined;
      display.render(
        liveImportLines(last, {
          source,
          elapsedSeconds: (now - started) / 1000,
          ...(waitingFor ? { waitingFor } : {}),
        }),
      );
      return;
    }
    if (!last) return;
    const line = describeImportProgress(last);
    const state = `${last.phase}/${last.paused}/${last.status}`;
    const due =
      state !== lastState ||
      (line !== lastLine && now - lastPrinted >= quietMs) ||
      now - lastPrinted >= HEARTBEAT_MS;
    if (!due) return;
    out.line(line);
    lastState = state;
    lastLine = line;
    lastPrinted = now;
  };

  const onInterrupt = () => {
    display?.done();
    out.note(
      `stopped following; the import of "${source}" goes on (\`afas-sync import status ${source}\`; stop it with \`afas-sync import cancel ${source}\`)`,
    );
    void out.flush().then(() => process.exit(130));
  };
  if (options.detachOnInterrupt) process.once('SIGINT', onInterrupt);
  try {
    while (!settled()) {
      const answer = await queryImportProgress(target, source, 3_000);
      if (settled()) break;
      const now = Date.now();
      if (answer.progress) {
        last = answer.progress;
        unavailable = undefined;
        unavailableSince = undefined;
      } else {
        unavailable = answer.unavailable;
        unavailableSince ??= now;
        if (
          !display &&
          unavailable &&
          now - unavailableSince >= UNAVAILABLE_NOTE_AFTER_MS &&
          !noted.has(unavailable)
        ) {
          noted.add(unavailable);
          out.note(`note: ${unavailable}`);
        }
      }
      show(now);
      await Promise.race([sleep(pollMs), ended]);
    }
  } finally {
    if (options.detachOnInterrupt) process.off('SIGINT', onInterrupt);
  }

  let outcome: Pick<ImportOutcome, 'status' | 'result' | 'error'>;
  try {
    const value = await result;
    outcome = { status: value.status, result: value, error: value.error };
  } catch (error) {
    outcome = failedOutcome(error);
  }
  // The final state: a finished workflow still answers queries (a worker replays it).
  const final = await queryImportProgress(target, source, 5_000);
  const progress = final.progress ?? last;
  if (display) {
    if (progress)
      display.render(
        liveImportLines(progress, { source, elapsedSeconds: (Date.now() - started) / 1000 }),
        true,
      );
    display.done();
  }
  return summarize(source, outcome, progress, (Date.now() - started) / 1000);
}

function failedOutcome(error: unknown): Pick<ImportOutcome, 'status' | 'result' | 'error'> {
  const cause = error instanceof WorkflowFailedError ? error.cause : undefined;
  if (cause instanceof CancelledFailure)
    return { status: 'cancelled', result: undefined, error: 'cancelled' };
  if (cause instanceof TerminatedFailure) {
    return {
      status: 'failed',
      result: undefined,
      error: `terminated${cause.message ? `: ${cause.message}` : ''}`,
    };
  }
  return { status: 'failed', result: undefined, error: workflowFailureText(error) };
}

function summarize(
  source: string,
  outcome: Pick<ImportOutcome, 'status' | 'result' | 'error'>,
  progress: ImportProgress | undefined,
  followedSeconds: number,
): ImportOutcome {
  const { result } = outcome;
  const attemptSeconds = progress
    ? Math.max(0, (Date.parse(progress.updatedAt) - Date.parse(progress.startedAt)) / 1000)
    : followedSeconds;
  return {
    source,
    ...outcome,
    progress,
    importId: result?.importId ?? progress?.importId ?? null,
    runId: result?.runId || progress?.runId || null,
    partitions: {
      total: result?.partitions.total ?? progress?.partitions.total ?? 0,
      done: result?.partitions.done ?? progress?.partitions.done ?? 0,
      failed: result?.partitions.failed ?? progress?.partitions.failed ?? 0,
    },
    rows: result?.rows ?? progress?.rows ?? 0,
    rowsThisAttempt: progress?.rowsThisAttempt ?? null,
    rowsPerSecond: progress?.rowsPerSecond ?? null,
    seconds: attemptSeconds,
    watermark: result?.watermark ?? null,
  };
}

/** "52/52 partitions, 8,000 rows in 0:07, 1,143 rows/s". */
export function describeImportOutcome(outcome: ImportOutcome): string {
  const { partitions } = outcome;
  const failed = partitions.failed > 0 ? ` (${partitions.failed} failed)` : '';
  const rate = outcome.rowsPerSecond === null ? '-' : formatCount(outcome.rowsPerSecond);
  const earlier =
    outcome.rowsThisAttempt !== null && outcome.rowsThisAttempt !== outcome.rows
      ? ` (${formatCount(outcome.rowsThisAttempt)} this attempt)`
      : '';
  return (
    `${partitions.done}/${partitions.total} partitions${failed}, ${formatCount(outcome.rows)} rows${earlier} ` +
    `in ${formatClock(outcome.seconds)}, ${rate} rows/s`
  );
}

/** The end of `import --wait`: status, partitions, rows, rate, watermark, run. */
export function printImportSummary(out: Output, outcome: ImportOutcome): void {
  const { partitions, source } = outcome;
  const pending = Math.max(0, partitions.total - partitions.done - partitions.failed);
  const watermark = outcome.watermark
    ? `set to ${outcome.watermark}: the next sync reads journal-line changes from there`
    : outcome.status === 'succeeded'
      ? 'not set (no dataset with changed days imported)'
      : 'not set: the import did not complete';
  const rate = outcome.rowsPerSecond === null ? '-' : formatCount(outcome.rowsPerSecond);
  out.line();
  out.fields([
    ['status', `${outcome.status} after ${formatClock(outcome.seconds)}`],
    [
      'partitions',
      `${partitions.done}/${partitions.total} done` +
        `${partitions.failed > 0 ? `, ${partitions.failed} failed` : ''}${pending > 0 ? `, ${pending} not done` : ''}`,
    ],
    [
      'rows',
      `${formatCount(outcome.rows)}` +
        `${outcome.rowsThisAttempt !== null && outcome.rowsThisAttempt !== outcome.rows ? ` (${formatCount(outcome.rowsThisAttempt)} this attempt)` : ''}` +
        `, ${rate} rows/s`,
    ],
    ['watermark', watermark],
    ...(outcome.error && outcome.status !== 'cancelled'
      ? [['error', outcome.error] as [string, string]]
      : []),
    ...(outcome.runId
      ? [['run', `${outcome.runId} (afas-sync runs ${source} --run ${outcome.runId})`] as [string, string]]
      : []),
  ]);
}
