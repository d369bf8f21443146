// Operator-side control of syncs through Temporal: start/attach, progress, schedules.
import {
  ScheduleNotFoundError,
  ScheduleOverlapPolicy,
  WorkflowExecutionAlreadyStartedError,
  WorkflowNotFoundError,
  type Client,
  type WorkflowHandle,
  type WorkflowHandleWithFirstExecutionRunId,
} from '@temporalio/client';
import type { SourceRecord } from '../db/sources.js';
import { AfasSource, AfasWorkflowKind } from '../temporal/search-attributes.js';
import {
  requestSyncSignal,
  scheduleIdFor,
  syncProgressQuery,
  syncWorkflowId,
  type SyncProgress,
  type SyncRequest,
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
  return startSyncWorkflow(target, source, options, 'USE_EXISTING');
}

function startSyncWorkflow(
  target: SyncTarget,
  source: string,
  options: SyncOptions,
  conflict: 'USE_EXISTING' | 'FAIL',
): Promise<WorkflowHandleWithFirstExecutionRunId<typeof syncSource>> {
  return target.client.workflow.start<typeof syncSource>('syncSource', {
    taskQueue: target.taskQueue,
    workflowId: syncWorkflowId(source),
    args: [{ source, trigger: 'manual', options }],
    workflowIdConflictPolicy: conflict,
    typedSearchAttributes: [
      { key: AfasSource, value: source },
      { key: AfasWorkflowKind, value: 'sync' },
    ],
    staticSummary: syncSummary(source, 'manual'),
  });
}

/** A requested sync: started now, or queued behind the one running (which then runs it). */
export interface RequestedSync {
  /** Follows the source's sync workflow through the queued run (continue-as-new). */
  handle: WorkflowHandle<typeof syncSource>;
  /** The run it was started as, or the running one it was queued behind. */
  runId: string;
  queued: boolean;
}

/** How often start and signal may cross a sync that ends in between before the request gives up. */
const REQUEST_ATTEMPTS = 5;

/**
 * Starts a sync that must do `request` (`--full`, `--allow-mass-delete`). When one is already
 * running, the request is signalled to it instead of being dropped: the running sync records it
 * in its history and continues as the requested run the moment it ends, so the request survives
 * this process. A sync that ends between the start and the signal is simply started again.
 */
export async function requestSync(
  target: SyncTarget,
  source: string,
  request: SyncRequest,
  options: SyncOptions = {},
): Promise<RequestedSync> {
  const workflowId = syncWorkflowId(source);
  for (let attempt = 1; ; attempt += 1) {
    try {
      const started = await startSyncWorkflow(target, source, { ...options, ...request }, 'FAIL');
      return { handle: started, runId: started.firstExecutionRunId, queued: false };
    } catch (error) {
      if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
    }
    const running = target.client.workflow.getHandle<typeof syncSource>(workflowId);
    try {
      const { runId } = await running.describe();
      await running.signal(requestSyncSignal, request);
      return { handle: running, runId, queued: true };
    } catch (error) {
      // It ended between the two calls: start it again (a few times at most).
      if (!(error instanceof WorkflowNotFoundError) || attempt >= REQUEST_ATTEMPTS) throw error;
    }
  }
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
