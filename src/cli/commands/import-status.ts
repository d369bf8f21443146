// `afas-sync import status <source> [--json]`: the import workflow's own progress combined with
// the import's record in PostgreSQL.
import type { ImportRecord, ImportTotals } from '../../db/import-state.js';
import type { RunRecord } from '../../db/runs.js';
import type { ImportProgress } from '../../workflows/definitions.js';
import type { CliRun } from '../context.js';
import { describeImportProgress, queryImportProgress, yearsText } from '../import-progress.js';
import { formatAge, formatCount, formatTime, truncate, type Output } from '../output.js';
import type { WorkerPresence } from '../workers.js';
import { executionOf } from './import-control.js';

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

export async function collectStatus(cli: CliRun, source: string): Promise<ImportStatusReport> {
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

export function printStatus(out: Output, report: ImportStatusReport): void {
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
