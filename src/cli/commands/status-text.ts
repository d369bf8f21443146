// How `afas-sync status` prints one source's status as text (`--json` prints the object itself).
import type { SyncRequest } from '../../workflows/definitions.js';
import { formatAge, formatDuration, formatTime, truncate, type Output } from '../output.js';
import type { WorkerPresence } from '../workers.js';
import { tickSpreadText } from './schedule.js';
import type { DatasetStatus, SourceStatus } from './status.js';

function requestText(request: SyncRequest): string {
  return (
    [request.full ? 'full' : '', request.allowMassDelete ? 'mass delete allowed' : '']
      .filter(Boolean)
      .join(', ') || 'plain'
  );
}

function workersText(workers: WorkerPresence): string {
  if (workers.pollers === null) return `unknown (task queue ${workers.taskQueue})`;
  if (workers.pollers === 0)
    return `NONE polling task queue ${workers.taskQueue} (start one with \`afas-sync worker\`)`;
  return `${workers.pollers} polling task queue ${workers.taskQueue}`;
}

export function printStatus(out: Output, status: SourceStatus): void {
  const { freshness, schedule, sync } = status;
  const fresh = freshness.neverSucceeded
    ? `never synced successfully (registered ${formatDuration(freshness.ageSeconds)} ago)`
    : `last success ${formatTime(status.lastSuccessAt)} (${formatAge(status.lastSuccessAt)})`;
  const scheduleText = schedule.exists
    ? `every ${formatDuration(schedule.everySeconds ?? status.syncIntervalSeconds)}, ${schedule.paused ? 'PAUSED' : 'active'}` +
      (schedule.nextRunAt && !schedule.paused ? `, next run ${formatTime(schedule.nextRunAt)}` : '') +
      tickSpreadText(schedule)
    : 'none (create it with `afas-sync schedule <source> --every 15m`)';
  const syncText = sync.execution
    ? `${sync.execution.toLowerCase()}${sync.phase ? `, phase ${sync.phase}` : ''}${sync.status ? `, ${sync.status}` : ''}` +
      (sync.request ? ` [${requestText(sync.request)}]` : '') +
      (sync.startedAt ? ` (started ${formatTime(new Date(sync.startedAt))})` : '') +
      (sync.queued ? `; queued after it: ${requestText(sync.queued)} sync` : '')
    : 'no sync has run yet';
  out.fields([
    [
      'source',
      `${status.source} (${status.status}${status.statusReason ? `: ${truncate(status.statusReason, 160)}` : ''})`,
    ],
    [
      'freshness',
      `${fresh}: ${freshness.stale ? 'STALE' : 'fresh'} (stale after ${formatDuration(freshness.staleAfterSeconds)})`,
    ],
    ['credential', status.credential.text],
    ['schedule', scheduleText],
    ['workers', workersText(status.workers)],
    ['sync', syncText],
    [
      'ledger',
      status.ledger
        ? `${status.ledger.text} (checked ${formatAge(status.ledger.checkedAt)})`
        : 'not proved yet',
    ],
    ['write-back', writeBackText(status)],
    ...(sync.progressUnavailable && sync.execution ? [['progress', sync.progressUnavailable] as const] : []),
    ...(status.lastError
      ? [
          [
            'last error',
            `${truncate(status.lastError.message, 300)}${status.lastError.profitLogReference ? ` [AFAS log reference ${status.lastError.profitLogReference}]` : ''}`,
          ] as const,
        ]
      : []),
  ]);
  if (sync.datasets.length === 0) return;
  out.line();
  out.table(
    [
      { header: 'dataset', value: (row: DatasetStatus) => row.dataset },
      {
        header: 'admin',
        value: (row) => (row.administration === 0 ? '-' : String(row.administration)),
        align: 'right',
      },
      { header: 'status', value: (row) => row.status },
      { header: 'rows', value: (row) => row.inserted + row.updated + row.deleted },
      { header: 'inserted', value: (row) => row.inserted },
      { header: 'updated', value: (row) => row.updated },
      { header: 'deleted', value: (row) => row.deleted },
      { header: 'retries', value: (row) => row.retries },
      { header: 'deletes checked', value: (row) => formatAge(row.deletesCheckedAt) },
      { header: 'error', value: (row) => truncate(row.error, 80) },
    ],
    sync.datasets,
  );
}

/** `off`, `on`, or `on: 1 posted_unconfirmed, 1 compensation_incomplete (afas-sync post status acme)`. */
function writeBackText({ source, writeBack }: SourceStatus): string {
  if (writeBack.open.length === 0) return writeBack.enabled ? 'on' : 'off';
  const open = writeBack.open.map((entry) => `${entry.batches} ${entry.status}`).join(', ');
  return `${writeBack.enabled ? 'on' : 'off'}: ${open} (afas-sync post status ${source})`;
}
