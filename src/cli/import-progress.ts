// A historical import's progress: asked of its workflow, and how it reads as a line, a bar, a summary.
import type { SyncTarget } from '../client/sync-control.js';
import type { ImportProgress } from '../workflows/definitions.js';
import { formatCount } from './output.js';

export interface ImportProgressAnswer {
  progress: ImportProgress | undefined;
  /** Why there is no progress (never ran, or no worker answered the query). */
  unavailable: string | undefined;
}

/**
 * Asks the source's import workflow (its latest run) for its progress. Queries need a worker,
 * also for a finished import, so a deadline keeps the CLI from hanging when none runs.
 */
export async function queryImportProgress(
  target: SyncTarget,
  source: string,
  timeoutMs = 5_000,
): Promise<ImportProgressAnswer> {
  const { importProgress } = await import('../client/import-control.js');
  try {
    const progress = await target.client.connection.withDeadline(Date.now() + timeoutMs, () =>
      importProgress(target, source),
    );
    return progress
      ? { progress, unavailable: undefined }
      : { progress: undefined, unavailable: 'no historical import has run yet' };
  } catch (error) {
    const message = (error as Error).message.split('\n')[0] ?? 'query failed';
    const hint = /deadline|timed? ?out/i.test(message)
      ? ' (is a worker running? start one with `afas-sync worker`)'
      : '';
    return { progress: undefined, unavailable: `progress query failed: ${message}${hint}` };
  }
}

/** Seconds as a clock: 42 → "0:42", 754 → "12:34", 3723 → "1:02:03". */
export function formatClock(totalSeconds: number): string {
  const seconds = Math.max(0, Math.round(totalSeconds));
  const hours = Math.floor(seconds / 3_600);
  const minutes = Math.floor((seconds % 3_600) / 60);
  const rest = String(seconds % 60).padStart(2, '0');
  return hours > 0 ? `${hours}:${String(minutes).padStart(2, '0')}:${rest}` : `${minutes}:${rest}`;
}

export function yearsText(progress: Pick<ImportProgress, 'fromYear' | 'toYear'>): string {
  if (progress.toYear === null) return `${progress.fromYear} to this year`;
  return progress.toYear === progress.fromYear
    ? String(progress.fromYear)
    : `${progress.fromYear}–${progress.toYear}`;
}

/** The figures of a progress sample: rate and ETA only when they mean something. */
export function progressFigures(progress: ImportProgress): {
  done: number;
  total: number;
  rows: string;
  rate: string;
  eta: string;
} {
  const waiting = progress.paused || progress.status !== 'running';
  return {
    done: progress.partitions.done,
    total: progress.partitions.total,
    rows: formatCount(progress.rows),
    rate:
      progress.rowsPerSecond === null || (progress.paused && progress.status === 'running')
        ? '-'
        : formatCount(progress.rowsPerSecond),
    eta:
      progress.status === 'running' && !waiting && progress.etaSeconds !== null
        ? formatClock(progress.etaSeconds)
        : progress.status !== 'running' || progress.phase === 'finishing'
          ? formatClock(0)
          : '-',
  };
}

/**
 * One plain line, e.g. `import acme: 40/108 partitions, 123,456 rows, 9,876 rows/s, ETA 0:42,
 * 4 running`; while planning `import acme: planning 2019–2025 (journal_lines)`.
 */
export function describeImportProgress(progress: ImportProgress): string {
  const head = `import ${progress.source}:`;
  if (progress.phase === 'planning') {
    return `${head} planning ${yearsText(progress)} (${progress.datasets.join(', ')})${progress.paused ? ', PAUSED' : ''}`;
  }
  const figures = progressFigures(progress);
  const parts = [
    `${figures.done}/${figures.total} partitions`,
    `${figures.rows} rows`,
    `${figures.rate} rows/s`,
    `ETA ${figures.eta}`,
  ];
  if (progress.partitions.running > 0) parts.push(`${progress.partitions.running} running`);
  if (progress.partitions.failed > 0) parts.push(`${progress.partitions.failed} failed`);
  if (progress.paused && progress.status === 'running') parts.push('PAUSED');
  if (progress.phase !== 'importing') parts.push(progress.phase);
  return `${head} ${parts.join(', ')}`;
}

const BAR_WIDTH = 24;

/** `[██████░░░░░░]`: the share of partitions finished (done or failed). */
export function progressBar(progress: ImportProgress, width = BAR_WIDTH): string {
  const { total, done, failed } = progress.partitions;
  const share = total > 0 ? Math.min(1, (done + failed) / total) : 0;
  const filled = Math.round(share * width);
  return `[${'█'.repeat(filled)}${'░'.repeat(width - filled)}]`;
}

/** "1m05s"-style age of an ISO instant, for running partitions. */
function since(iso: string, now: number): string {
  const seconds = Math.max(0, Math.round((now - Date.parse(iso)) / 1000));
  return seconds < 60 ? `${seconds}s` : formatClock(seconds);
}

/**
 * The live view on a terminal: a bar with the figures, and what runs now (or why nothing does).
 * `elapsedSeconds` is how long the CLI has been following.
 */
export function liveImportLines(
  progress: ImportProgress | undefined,
  options: { source: string; elapsedSeconds: number; waitingFor?: string; now?: number },
): string[] {
  const clock = formatClock(options.elapsedSeconds);
  if (!progress) {
    return [`import ${options.source}  ${clock}  ${options.waitingFor ?? 'waiting for the import to start …'}`];
  }
  if (progress.phase === 'planning') {
    return [`import ${options.source}  ${clock}  ${describeImportProgress(progress).replace(/^import \S+: /, '')} …`];
  }
  const figures = progressFigures(progress);
  const head =
    `import ${progress.source} ${progressBar(progress)} ${figures.done}/${figures.total} partitions` +
    `  ${figures.rows} rows  ${figures.rate} rows/s  ETA ${figures.eta}  (${clock})`;
  const now = options.now ?? Date.now();
  let detail: string;
  if (progress.paused && progress.status === 'running') {
    detail =
      progress.partitions.running > 0
        ? `  PAUSED: ${progress.partitions.running} running partition chunk(s) finishing; resume with \`afas-sync import resume ${progress.source}\``
        : `  PAUSED; resume with \`afas-sync import resume ${progress.source}\``;
  } else if (progress.runningPartitions.length > 0) {
    const shown = progress.runningPartitions
      .slice(0, 4)
      .map((partition) => `${partition.key} (${since(partition.since, now)})`);
    const more = progress.runningPartitions.length - shown.length;
    detail = `  running ${shown.join(', ')}${more > 0 ? ` +${more}` : ''}`;
  } else {
    detail = `  ${progress.phase}${progress.partitions.failed > 0 ? `, ${progress.partitions.failed} partition(s) failed` : ''}`;
  }
  if (progress.partitions.failed > 0 && !detail.includes('failed'))
    detail += ` · ${progress.partitions.failed} failed`;
  return [head, detail];
}
