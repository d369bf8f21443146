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
import { scheduleSpecFor } from './schedule-spec.js';
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
  /** Where in each interval the ticks fall (0 for a schedule made before offsets). */
  offsetSeconds: number | null;
  /** Each tick starts up to this much later (Temporal schedule jitter); 0 for a schedule made before jitter. */
  jitterSeconds: number | null;
  nextRunAt: Date | null;
  note: string | null;
}

/**
 * Creates or updates the source's Schedule to match its settings (interval, the source's offset
 * into it, jitter; overlap SKIP).
 * The schedule starts `scheduledSync`, which runs the sync under the fixed id. An update rewrites
 * spec and action whole, so a schedule created before jitter (or summaries) gets them too.
 */
export async function ensureSchedule(
  target: SyncTarget,
  source: Pick<SourceRecord, 'name' | 'syncIntervalSeconds'>,
  options: { paused?: boolean; note?: string; syncOptions?: SyncOptions } = {},
): Promise<void> {
  const scheduleId = scheduleIdFor(source.name);
  const spec = scheduleSpecFor(source.name, source.syncIntervalSeconds);
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
      state: {
        ...previous.state,
        ...(options.paused === undefined ? {} : { paused: options.paused }),
        ...(options.note === undefined ? {} : { note: options.note }),
      },
    }));
  } catch (error) {
    if (!(error instanceof ScheduleNotFoundError)) throw error;
    await target.client.schedule.create({
      scheduleId,
      spec,
      action,
      policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: '10 minutes' },
      state: { paused: options.paused ?? false, note: options.note ?? `AFAS sync of ${source.name}` },
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

/** A schedule that does not exist. */
export const NO_SCHEDULE: ScheduleState = {
  exists: false,
  paused: false,
  everySeconds: null,
  offsetSeconds: null,
  jitterSeconds: null,
  nextRunAt: null,
  note: null,
};

/** What describe and list report of a schedule (both give the spec in milliseconds). */
export function scheduleStateOf(description: {
  spec?: { intervals?: { every: unknown; offset?: unknown }[]; jitter?: unknown };
  state: { paused: boolean; note?: string };
  info: { nextActionTimes: Date[] };
}): ScheduleState {
  const seconds = (value: unknown): number | null => {
    const ms = Number(value);
    return value === undefined || Number.isNaN(ms) ? null : Math.round(ms / 1000);
  };
  const interval = description.spec?.intervals?.[0];
  return {
    exists: true,
    paused: description.state.paused,
    everySeconds: interval ? seconds(interval.every) : null,
    offsetSeconds: interval ? seconds(interval.offset ?? 0) : null,
    jitterSeconds: seconds(description.spec?.jitter ?? 0),
    nextRunAt: description.info.nextActionTimes[0] ?? null,
    note: description.state.note ?? null,
  };
}

export async function describeSchedule(target: SyncTarget, source: string): Promise<ScheduleState> {
  try {
    return scheduleStateOf(await target.client.schedule.getHandle(scheduleIdFor(source)).describe());
  } catch (error) {
    if (error instanceof ScheduleNotFoundError) return NO_SCHEDULE;
    throw error;
  }
}
