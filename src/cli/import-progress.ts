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

/** "2019–2025", "2024", or "2019 to this year" when the last year is not decided yet. */
export function yearsText(years: { fromYear: number; toYear?: number | null | undefined }): string {
  if (years.toYear === null || years.toYear === undefined) return `${years.fromYear} to this year`;
  return years.toYear === years.fromYear ? String(years.fromYear) : `${years.fromYear}–${years.toYear}`;
}

/** The figures of a progress sample; rate and ETA read "-" while unknown or paused. */
export function progressFigures(progress: ImportProgress): {
  done: number;
  total: number;
  rows: string;
  rate: string;
  eta: string;
} {
  const paused = progress.paused && progress.status === 'running';
  let eta = '-';
  if (progress.status !== 'running') eta = formatClock(0);
  else if (!paused && progress.etaSeconds !== null) eta = formatClock(progress.etaSeconds);
  return {
    done: progress.partitions.done,
    total: progress.partitions.total,
    rows: formatCount(progress.rows),
    rate: progress.rowsPerSecond === null || paused ? '-' : formatCount(progress.rowsPerSecond),
    eta,
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
    return [
      `import ${options.source}  ${clock}  ${options.waitingFor ?? 'waiting for the import to start …'}`,
    ];
  }
  if (progress.phase === 'planning') {
    return [
      `import ${progress.source}  ${clock}  planning ${yearsText(progress)} (${progress.datasets.join(', ')}) …`,
    ];
  }
  const figures = progressFigures(progress);
  const head =
    `import ${progress.source} ${progressBar(progress)} ${figures.done}/${figures.total} partitions` +
    `  ${figures.rows} rows  ${figures.rate} rows/s  ETA ${figures.eta}  (${clock})`;
  const now = options.now ?? Date.now();
  const notes: string[] = [];
  const running = progress.partitions.running;
  if (progress.paused && progress.status === 'running') {
    notes.push(
      `PAUSED${running > 0 ? ` (${running} running chunk(s) finishing)` : ''}; resume with \`afas-sync import resume ${progress.source}\``,
    );
  } else if (progress.runningPartitions.length > 0) {
    // Keys are dataset/administration/year/period; with one dataset its name says nothing.
    const single = progress.datasets.length === 1 ? `${progress.datasets[0]}/` : undefined;
    const shown = progress.runningPartitions.slice(0, 4).map((partition) => {
      const key =
        single && partition.key.startsWith(single) ? partition.key.slice(single.length) : partition.key;
      return `${key} (${since(partition.since, now)})`;
    });
    const more = progress.runningPartitions.length - shown.length;
    notes.push(
      `running ${single ? 'administration/year/period ' : ''}${shown.join(', ')}${more > 0 ? ` +${more}` : ''}`,
    );
  } else {
    notes.push(progress.phase);
  }
  if (progress.partitions.failed > 0) notes.push(`${progress.partitions.failed} failed`);
  const detail = `  ${notes.join(' · ')}`;
  return [head, detail];
}
