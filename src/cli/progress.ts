// Live progress of a source's sync through the workflow's query, and how it reads as one line.
import type { SyncTarget } from '../client/sync-control.js';
import { syncWorkflowId, type SyncProgress } from '../workflows/definitions.js';
import { formatCount } from './output.js';

export interface ProgressAnswer {
  progress: SyncProgress | undefined;
  /** Why there is no progress (never ran, or no worker answered the query). */
  unavailable: string | undefined;
}

/**
 * Asks the source's sync workflow for its progress. Queries need a worker, so a deadline keeps
 * the CLI from hanging when none runs.
 */
export async function queryProgress(
  target: SyncTarget,
  source: string,
  timeoutMs = 5_000,
): Promise<ProgressAnswer> {
  const [{ WorkflowNotFoundError }, { syncProgressQuery }] = await Promise.all([
    import('@temporalio/client'),
    import('../workflows/definitions.js'),
  ]);
  try {
    const progress = await target.client.connection.withDeadline(Date.now() + timeoutMs, () =>
      target.client.workflow.getHandle(syncWorkflowId(source)).query(syncProgressQuery),
    );
    return { progress, unavailable: undefined };
  } catch (error) {
    if (error instanceof WorkflowNotFoundError)
      return { progress: undefined, unavailable: 'no sync has run yet' };
    const message = (error as Error).message.split('\n')[0] ?? 'query failed';
    const hint = /deadline|timed? ?out/i.test(message)
      ? ' (is a worker running? start one with `afas-sync worker`)'
      : '';
    return { progress: undefined, unavailable: `progress query failed: ${message}${hint}` };
  }
}

export function rowsWritten(progress: SyncProgress): number {
  return progress.datasets.reduce((sum, item) => sum + item.inserted + item.updated + item.deleted, 0);
}

/** e.g. "master_data: 9/17 datasets done, 4 running · 4,210 rows written". */
export function describeProgress(progress: SyncProgress): string {
  const count = (status: string) => progress.datasets.filter((item) => item.status === status).length;
  const finished = count('succeeded') + count('failed') + count('skipped');
  const parts = [`${progress.phase}: ${finished}/${progress.datasets.length} datasets done`];
  if (count('running') > 0) parts[0] += `, ${count('running')} running`;
  if (count('failed') > 0) parts[0] += `, ${count('failed')} failed`;
  parts.push(`${formatCount(rowsWritten(progress))} rows written`);
  if (progress.changedDays > 0)
    parts.push(
      `${formatCount(progress.daysReplaced)}/${formatCount(progress.changedDays)} booking days replaced`,
    );
  return parts.join(' · ');
}
