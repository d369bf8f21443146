// `afas-sync post status <source> [--batch ID] [--json]`: what PostgreSQL records of the source's
// write-back batches, and of one batch every entry and step. The record stands on its own; a
// running batch's live progress (its workflow's query) is added only when a worker can answer.
import type {
  PostBatchRecord,
  PostBatchReport,
  PostEntryReport,
  PostStepRecord,
} from '../../db/post-batches.js';
import type { PostProgress } from '../../write-back/post-types.js';
import type { CliRun } from '../context.js';
import { CliFailure } from '../errors.js';
import { formatTime, truncate, type Output } from '../output.js';

export interface PostStatusReport extends PostBatchReport {
  /** The running workflow's own account; null when it does not run or no worker answered. */
  live: PostProgress | null;
  /** Why there is no live progress while the batch has not ended. */
  liveUnavailable: string | null;
}

export async function statusCommand(
  cli: CliRun,
  source: string,
  batch: string | undefined,
  json: boolean,
): Promise<number> {
  const app = await cli.ctx.app();
  await app.sources.get(source);
  const { PostBatchStore, batchFinal } = await import('../../db/post-batches.js');
  const store = new PostBatchStore(app.schema);
  if (batch === undefined) {
    const batches = await store.list(app.pool, source);
    if (json) cli.out.json({ source, batches });
    else printBatches(cli.out, source, batches);
    return 0;
  }
  const report = await store.report(app.pool, source, batch);
  if (!report)
    throw new CliFailure(
      `no batch "${batch}" for source "${source}" (\`afas-sync post status ${source}\` lists its batches)`,
    );
  const status: PostStatusReport = { ...report, live: null, liveUnavailable: null };
  if (!batchFinal(report.batch)) Object.assign(status, await liveProgress(cli, source, batch));
  if (json) cli.out.json(status);
  else printBatch(cli.out, status);
  return 0;
}

async function liveProgress(
  cli: CliRun,
  source: string,
  batch: string,
): Promise<Pick<PostStatusReport, 'live' | 'liveUnavailable'>> {
  const unavailable = (reason: string) => ({ live: null, liveUnavailable: reason });
  try {
    const target = await cli.ctx.temporal();
    const [{ postRunning, postProgress }, { workerPresence }] = await Promise.all([
      import('../../client/post-control.js'),
      import('../workers.js'),
    ]);
    if (!(await postRunning(target, source, batch))) return unavailable('its workflow does not run now');
    // A query waits for a worker to answer: none polling, none asked.
    if ((await workerPresence(target)).pollers === 0)
      return unavailable(
        `no worker polls task queue "${target.taskQueue}" (start one with \`afas-sync worker\`)`,
      );
    return { live: await postProgress(target, source, batch), liveUnavailable: null };
  } catch (error) {
    const reason = error instanceof Error ? (error.message.split('\n')[0] ?? '') : String(error);
    return unavailable(`Temporal did not answer: ${reason}`);
  }
}

function printBatches(out: Output, source: string, batches: readonly PostBatchRecord[]): void {
  if (batches.length === 0) {
    out.line(`no write-back batches for "${source}" yet (\`afas-sync post ${source} --file batch.json\`)`);
    return;
  }
  out.table(
    [
      { header: 'batch', value: (row: PostBatchRecord) => row.batch },
      { header: 'status', value: (row) => row.status },
      { header: 'entries', value: (row) => row.entries },
      { header: 'created', value: (row) => formatTime(row.createdAt) },
      { header: 'ended', value: (row) => (row.endedAt ? formatTime(row.endedAt) : null) },
      { header: 'reason', value: (row) => truncate(row.reason, 80) },
    ],
    batches,
  );
}

function printBatch(out: Output, report: PostStatusReport): void {
  const { batch } = report;
  const pairs: [string, string][] = [
    ['batch', `${batch.batch} of "${batch.source}" (from the ${batch.origin})`],
    ['status', batch.reason === null ? batch.status : `${batch.status}: ${batch.reason}`],
    ['entries', `${batch.entries} entries, ${batch.lines} lines`],
    ['workflow', batch.workflowId],
    ['registered', formatTime(batch.createdAt)],
  ];
  if (batch.cancelRequestedAt) pairs.push(['cancel asked', formatTime(batch.cancelRequestedAt)]);
  if (batch.postedAt) pairs.push(['all posted', formatTime(batch.postedAt)]);
  if (batch.endedAt) pairs.push(['ended', formatTime(batch.endedAt)]);
  if (report.live)
    pairs.push([
      'live',
      `${report.live.phase}: ${report.live.posted}/${report.live.entries} posted, ${report.live.failed} failed, ` +
        `${report.live.compensated} compensated${report.live.cancelRequested ? ', cancel requested' : ''}`,
    ]);
  else if (report.liveUnavailable) pairs.push(['live', `(${report.liveUnavailable})`]);
  out.fields(pairs);
  out.line();
  out.table(
    [
      { header: 'entry', value: (row: PostEntryReport) => row.key },
      { header: 'period', value: (row) => `${row.year}-${String(row.period).padStart(2, '0')}` },
      { header: 'status', value: (row) => row.status },
      {
        header: 'entry no',
        value: (row) => (row.entryNo === null ? null : String(row.entryNo)),
        align: 'right',
      },
      {
        header: 'reversal no',
        value: (row) => (row.reversalEntryNo === null ? null : String(row.reversalEntryNo)),
        align: 'right',
      },
      { header: 'AFAS message', value: (row) => truncate(row.message, 80) },
      { header: 'log reference', value: (row) => row.profitLogReference },
    ],
    report.entries,
  );
  out.line();
  out.table(
    [
      { header: 'at', value: (row: PostStepRecord) => formatTime(row.at) },
      { header: 'entry', value: (row) => row.key },
      { header: 'action', value: (row) => row.action },
      { header: 'outcome', value: (row) => row.outcome },
      {
        header: 'entry no',
        value: (row) => (row.entryNo === null ? null : String(row.entryNo)),
        align: 'right',
      },
      {
        header: 'http',
        value: (row) => (row.httpStatus === null ? null : String(row.httpStatus)),
        align: 'right',
      },
      { header: 'message', value: (row) => truncate(row.message, 80) },
      { header: 'log reference', value: (row) => row.profitLogReference },
    ],
    report.steps,
  );
}
