// What Temporal knows about the whole fleet, in a fixed number of paged calls (not one per
// source): every source's schedule, and which sources have a sync running.
import { scheduleIdFor, syncWorkflowId } from '../workflows/definitions.js';
import { scheduleStateOf, type ScheduleState, type SyncTarget } from './sync-control.js';

const SCHEDULE_PREFIX = scheduleIdFor('');
const SYNC_PREFIX = syncWorkflowId('');

/**
 * Every source schedule in the namespace, by source name, from one listing (Temporal's
 * visibility store, a page per thousand schedules). It may lag a moment behind a change made
 * just before; `describeSchedule` reads one schedule exactly.
 */
export async function listSourceSchedules(target: SyncTarget): Promise<Map<string, ScheduleState>> {
  const schedules = new Map<string, ScheduleState>();
  for await (const summary of target.client.schedule.list({ pageSize: 1000 })) {
    if (!summary.scheduleId.startsWith(SCHEDULE_PREFIX)) continue;
    schedules.set(summary.scheduleId.slice(SCHEDULE_PREFIX.length), scheduleStateOf(summary));
  }
  return schedules;
}

/** The sources whose sync workflow is running on this task queue, from one visibility query. */
export async function runningSyncSources(target: SyncTarget): Promise<Set<string>> {
  // The task queue name comes from our own configuration; quotes are escaped all the same.
  const queue = target.taskQueue.replace(/\\/g, '\\\\').replace(/'/g, "\\'");
  const running = new Set<string>();
  const executions = target.client.workflow.list({
    query: `WorkflowType = 'syncSource' AND ExecutionStatus = 'Running' AND TaskQueue = '${queue}'`,
    pageSize: 1000,
  });
  for await (const execution of executions) {
    if (execution.workflowId.startsWith(SYNC_PREFIX))
      running.add(execution.workflowId.slice(SYNC_PREFIX.length));
  }
  return running;
}

/**
 * Runs `work` over `items` with at most `limit` at once, keeping going past failures; the
 * outcomes come back in the items' order. For per-source Temporal calls a fleet command must
 * make (schedule changes): hundreds of sources take a few round trips' time, not hundreds.
 */
export async function forEachLimited<T, R>(
  items: readonly T[],
  limit: number,
  work: (item: T) => Promise<R>,
): Promise<PromiseSettledResult<R>[]> {
  const outcomes: PromiseSettledResult<R>[] = new Array<PromiseSettledResult<R>>(items.length);
  let next = 0;
  const lane = async () => {
    while (next < items.length) {
      const index = next;
      next += 1;
      try {
        outcomes[index] = { status: 'fulfilled', value: await work(items[index] as T) };
      } catch (reason) {
        outcomes[index] = { status: 'rejected', reason };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, lane));
  return outcomes;
}
