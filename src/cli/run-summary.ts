// A run's per-dataset rows (from sync_run_datasets), as a table plus its errors and warnings.
import type { DatasetRunRecord, RunRecord, RunWarning } from '../db/runs.js';
import { formatDuration, type Output } from './output.js';

export function printDatasetRows(out: Output, rows: readonly DatasetRunRecord[]): void {
  if (rows.length === 0) {
    out.line('(no dataset rows recorded for this run)');
    return;
  }
  out.table(
    [
      { header: 'dataset', value: (row: DatasetRunRecord) => row.dataset },
      {
        header: 'admin',
        value: (row) => (row.administration === 0 ? '-' : String(row.administration)),
        align: 'right',
      },
      { header: 'status', value: (row) => row.status },
      { header: 'inserted', value: (row) => row.rowsInserted },
      { header: 'updated', value: (row) => row.rowsUpdated },
      { header: 'deleted', value: (row) => row.rowsDeleted },
      { header: 'pages', value: (row) => row.pages },
      { header: 'calls', value: (row) => row.afasCalls },
      { header: 'retries', value: (row) => row.retries },
    ],
    rows,
  );
  const failed = rows.filter((row) => row.error);
  if (failed.length === 0) return;
  out.line('errors:');
  for (const row of failed) {
    const where =
      row.administration === 0 ? row.dataset : `${row.dataset} (administration ${row.administration})`;
    const reference = row.profitLogReference ? ` [AFAS log reference ${row.profitLogReference}]` : '';
    out.line(`  ${where}: ${row.error ?? ''}${row.errorClass ? ` (${row.errorClass})` : ''}${reference}`);
  }
}

/** What the run handled but the operator should know (a warning leaves the status alone). */
export function printRunWarnings(out: Output, warnings: readonly RunWarning[]): void {
  if (warnings.length === 0) return;
  out.line(`warnings (${warnings.length}):`);
  for (const warning of warnings) {
    const where =
      warning.administration === 0
        ? warning.dataset
        : `${warning.dataset} (administration ${warning.administration})`;
    out.line(`  ${where} [${warning.kind}]: ${warning.message}`);
  }
}

export function runDurationSeconds(
  run: Pick<RunRecord, 'startedAt' | 'finishedAt'>,
  now = new Date(),
): number {
  return ((run.finishedAt ?? now).getTime() - run.startedAt.getTime()) / 1000;
}

export function describeRunTotals(
  run: Pick<RunRecord, 'rowsInserted' | 'rowsUpdated' | 'rowsDeleted' | 'startedAt' | 'finishedAt'>,
): string {
  return (
    `${run.rowsInserted.toLocaleString('en-US')} inserted, ${run.rowsUpdated.toLocaleString('en-US')} updated, ` +
    `${run.rowsDeleted.toLocaleString('en-US')} deleted in ${formatDuration(runDurationSeconds(run))}`
  );
}
