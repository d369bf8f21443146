// Operator-side control of syncs through Temporal: start/attach, progress, schedules.
import {
  ScheduleNotFoundError,
  ScheduleOverlapPolicy,
  WorkflowNotFoundError,
  type Client,
  type WorkflowHandleWithFirstExecutionRunId,
} from '@temporalio/client';
import type { SourceRecord } from '../db/sources.js';
import { AfasSource, AfasWorkflowKind } from '../temporal/search-attributes.js';
import {
  scheduleIdFor,
  syncProgressQuery,
  syncWorkflowId,
  type SyncProgress,
} from '../workflows/definitions.js';
import type { syncSource } from '../workflows/index.js';
import { syncSummary } from '../workflows/summaries.js';
import type { SyncOptions } from '../workflows/sync-source.js';

export interface SyncTarget {
  client: Client;
  taskQueue: string;
}

/** The status name of the workflow with this id (its latest run), or null when there is none. */
export async function workflowStatus(target: SyncTarget, workflowId: string): Promise<string | null> {
  return target.client.workflow
    .getHandle(workflowId)
    .describe()
    .then((description): string | null => description.status.name)
    .catch((error: unknown) => {
      if (error instanceof WorkflowNotFoundError) return null;
      throw error;
    });
}

/**
 * Starts the source's sync, or attaches to the one already running (fixed workflow id with
 * USE_EXISTING): two "sync now" calls never run twice.
 */
export async function startSync(
  target: SyncTarget,
  source: string,
  options: SyncOptions = {},
): Promise<WorkflowHandleWithFirstExecutionRunId<typeof syncSource>> {
  return target.client.workflow.start<typeof syncSource>('syncSource', {
    taskQueue: target.taskQueue,
    workflowId: syncWorkflowId(source),
    args: [{ source, trigger: 'manual', options }],
    workflowIdConflictPolicy: 'USE_EXISTING',
    typedSearchAttributes: [
      { key: AfasSource, value: source },
      { key: AfasWorkflowKind, value: 'sync' },
    ],
    staticSummary: syncSummary(source, 'manual'),
  });
}

/** Live progress of the source's current (or last) sync; undefined when it never ran. */
export async function syncProgress(target: SyncTarget, source: string): Promise<SyncProgress | undefined> {
  try {
    return await target.client.workflow.getHandle(syncWorkflowId(source)).query(syncProgressQuery);
  } catch (error) {
    if (error instanceof WorkflowNotFoundError) return undefined;
    throw error;
  }
}

export interface ScheduleState {
  exists: boolean;
  paused: boolean;
  everySeconds: number | null;
  nextRunAt: Date | null;
  note: string | null;
}

/**
 * Creates or updates the source's Schedule to match its settings (interval; overlap SKIP). The
 * schedule starts `scheduledSync`, which runs the sync under the fixed id.
 */
export async function ensureSchedule(
  target: SyncTarget,
  source: Pick<SourceRecord, 'name' | 'syncIntervalSeconds'>,
  options: { paused?: boolean; syncOptions?: SyncOptions } = {},
): Promise<void> {
  const scheduleId = scheduleIdFor(source.name);
  const spec = { intervals: [{ every: `${source.syncIntervalSeconds} seconds` as const }] };
  const action = {
    type: 'startWorkflow' as const,
    workflowType: 'scheduledSync',
    taskQueue: target.taskQueue,
    workflowId: `afas-scheduled/${source.name}`,
    args: [
      {
        source: source.name,
        trigger: 'schedule' as const,
        ...(options.syncOptions ? { options: options.syncOptions } : {}),
      },
    ],
    typedSearchAttributes: [
      { key: AfasSource, value: source.name },
      { key: AfasWorkflowKind, value: 'scheduled-sync' },
    ],
    // Updates replace the whole action, so a schedule created before summaries gets one too.
    staticSummary: syncSummary(source.name, 'schedule'),
  };
  const handle = target.client.schedule.getHandle(scheduleId);
  try {
    await handle.update((previous) => ({
      ...previous,
      spec,
      action,
      policies: { ...previous.policies, overlap: ScheduleOverlapPolicy.SKIP },
      state: { ...previous.state, ...(options.paused === undefined ? {} : { paused: options.paused }) },
    }));
  } catch (error) {
    if (!(error instanceof ScheduleNotFoundError)) throw error;
    await target.client.schedule.create({
      scheduleId,
      spec,
      action,
      policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: '10 minutes' },
      state: { paused: options.paused ?? false, note: `AFAS sync of ${source.name}` },
    });
  }
}

export async function setSchedulePaused(
  target: SyncTarget,
  source: string,
  paused: boolean,
  note?: string,
): Promise<void> {
  const handle = target.client.schedule.getHandle(scheduleIdFor(source));
  if (paused) await handle.pause(note ?? 'paused by operator');
  else await handle.unpause(note ?? 'resumed by operator');
}

export async function deleteSchedule(target: SyncTarget, source: string): Promise<void> {
  try {
    await target.client.schedule.getHandle(scheduleIdFor(source)).delete();
  } catch (error) {
    if (!(error instanceof ScheduleNotFoundError)) throw error;
  }
}

export async function describeSchedule(target: SyncTarget, source: string): Promise<ScheduleState> {
  try {
    const description = await target.client.schedule.getHandle(scheduleIdFor(source)).describe();
    const interval = description.spec.intervals?.[0];
    const every = interval ? Number(interval.every) : null;
    return {
      exists: true,
      paused: description.state.paused,
      everySeconds: every === null || Number.isNaN(every) ? null : Math.round(every / 1000),
      nextRunAt: description.info.nextActionTimes[0] ?? null,
      note: description.state.note ?? null,
    };
  } catch (error) {
    if (error instanceof ScheduleNotFoundError)
      return { exists: false, paused: false, everySeconds: null, nextRunAt: null, note: null };
    throw error;
  }
}
