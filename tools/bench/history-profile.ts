// Where a workflow's wall time went, read from its Temporal history: per activity type, how many
// ran, their summed and longest schedule-to-close time. The bench prints it for the syncs so a
// slow phase is visible without a profiler.
import type { WorkflowHandle } from '@temporalio/client';

type History = Awaited<ReturnType<WorkflowHandle['fetchHistory']>>;
type HistoryEvent = NonNullable<History['events']>[number];

export interface ActivityTypeTime {
  type: string;
  count: number;
  totalMs: number;
  maxMs: number;
}

function eventMs(event: HistoryEvent): number {
  const time = event.eventTime;
  if (!time) return 0;
  return Number(time.seconds ?? 0) * 1000 + Math.floor((time.nanos ?? 0) / 1e6);
}

/** The attributes of an event that closes an activity (completed, failed, timed out, cancelled). */
function closedActivity(event: HistoryEvent): { scheduledEventId?: unknown } | null | undefined {
  return (
    event.activityTaskCompletedEventAttributes ??
    event.activityTaskFailedEventAttributes ??
    event.activityTaskTimedOutEventAttributes ??
    event.activityTaskCanceledEventAttributes
  );
}

/** Activity time per type, longest total first. */
export function activityTimes(events: readonly HistoryEvent[]): ActivityTypeTime[] {
  const scheduled = new Map<number, { type: string; at: number }>();
  const byType = new Map<string, ActivityTypeTime>();
  for (const event of events) {
    const id = Number(event.eventId ?? 0);
    const scheduledAttributes = event.activityTaskScheduledEventAttributes;
    if (scheduledAttributes) {
      scheduled.set(id, { type: scheduledAttributes.activityType?.name ?? '?', at: eventMs(event) });
      continue;
    }
    const closed = closedActivity(event);
    if (!closed) continue;
    const start = scheduled.get(Number(closed.scheduledEventId ?? 0));
    if (!start) continue;
    const ms = eventMs(event) - start.at;
    const entry = byType.get(start.type) ?? { type: start.type, count: 0, totalMs: 0, maxMs: 0 };
    entry.count += 1;
    entry.totalMs += ms;
    entry.maxMs = Math.max(entry.maxMs, ms);
    byType.set(start.type, entry);
  }
  return [...byType.values()].sort((a, b) => b.totalMs - a.totalMs);
}

/** Several runs' activity times as one (event ids are per run: each run is read on its own). */
export function mergeActivityTimes(runs: readonly (readonly ActivityTypeTime[])[]): ActivityTypeTime[] {
  const byType = new Map<string, ActivityTypeTime>();
  for (const times of runs.flat()) {
    const entry = byType.get(times.type) ?? { type: times.type, count: 0, totalMs: 0, maxMs: 0 };
    entry.count += times.count;
    entry.totalMs += times.totalMs;
    entry.maxMs = Math.max(entry.maxMs, times.maxMs);
    byType.set(times.type, entry);
  }
  return [...byType.values()].sort((a, b) => b.totalMs - a.totalMs);
}

export function formatActivityTimes(times: readonly ActivityTypeTime[]): string {
  return times.map((t) => `${t.type} ×${t.count} Σ${t.totalMs} ms max ${t.maxMs} ms`).join('; ');
}

/** A workflow's own turns: its workflow tasks, how long each waited for a worker and ran on it. */
export interface WorkflowTaskTimes {
  count: number;
  /** Mean scheduled → started (waiting for a worker to pick it up), ms. */
  waitMs: number;
  /** Mean started → completed (the worker running the workflow code), ms. */
  runMs: number;
}

export function workflowTaskTimes(events: readonly HistoryEvent[]): WorkflowTaskTimes {
  const scheduledAt = new Map<number, number>();
  /** Started event id → when it started and how long it had waited. */
  const started = new Map<number, { at: number; waitMs: number }>();
  let count = 0;
  let waitMs = 0;
  let runMs = 0;
  for (const event of events) {
    const id = Number(event.eventId ?? 0);
    if (event.workflowTaskScheduledEventAttributes) scheduledAt.set(id, eventMs(event));
    const start = event.workflowTaskStartedEventAttributes;
    const scheduled = start ? scheduledAt.get(Number(start.scheduledEventId ?? 0)) : undefined;
    if (scheduled !== undefined) started.set(id, { at: eventMs(event), waitMs: eventMs(event) - scheduled });
    // Only tasks that completed count: one whose worker died (or timed out) has no run time.
    const completed = event.workflowTaskCompletedEventAttributes;
    const task = completed ? started.get(Number(completed.startedEventId ?? 0)) : undefined;
    if (task !== undefined) {
      count += 1;
      waitMs += task.waitMs;
      runMs += eventMs(event) - task.at;
    }
  }
  const mean = (total: number) => (count === 0 ? 0 : Math.round((total / count) * 10) / 10);
  return { count, waitMs: mean(waitMs), runMs: mean(runMs) };
}

/** Where an import's wall time went: before its first partition, paging partitions, after the last. */
export interface ImportTimeline {
  /** Workflow start → first partition activity scheduled (planning). */
  beforeMs: number;
  /** First partition scheduled → last partition closed. */
  pagingMs: number;
  /** Last partition closed → workflow closed (finishing, watermark, ANALYZE). */
  afterMs: number;
  /** Σ partition activity time ÷ (pagingMs × concurrency): how busy the partition slots were. */
  slotUse: number;
}

/**
 * Reads an import's timeline from the histories of its continue-as-new chain, first run first.
 * `partitionActivity` names the activity type that pages partitions.
 */
export function importTimeline(
  runs: readonly (readonly HistoryEvent[])[],
  partitionActivity: string,
  concurrency: number,
): ImportTimeline | null {
  const first = runs[0]?.[0];
  const lastRun = runs[runs.length - 1];
  const last = lastRun?.[lastRun.length - 1];
  if (!first || !last) return null;
  let firstScheduled = Number.POSITIVE_INFINITY;
  let lastClosed = 0;
  let busyMs = 0;
  for (const events of runs) {
    // Event ids are per run.
    const scheduled = new Map<number, number>();
    for (const event of events) {
      const attributes = event.activityTaskScheduledEventAttributes;
      if (attributes?.activityType?.name === partitionActivity) {
        const at = eventMs(event);
        scheduled.set(Number(event.eventId ?? 0), at);
        firstScheduled = Math.min(firstScheduled, at);
        continue;
      }
      const closed = closedActivity(event);
      const start = closed ? scheduled.get(Number(closed.scheduledEventId ?? 0)) : undefined;
      if (start === undefined) continue;
      const at = eventMs(event);
      busyMs += at - start;
      lastClosed = Math.max(lastClosed, at);
    }
  }
  if (!Number.isFinite(firstScheduled)) return null;
  const pagingMs = lastClosed - firstScheduled;
  return {
    beforeMs: firstScheduled - eventMs(first),
    pagingMs,
    afterMs: eventMs(last) - lastClosed,
    slotUse: pagingMs > 0 ? Math.round((busyMs / (pagingMs * concurrency)) * 100) / 100 : 0,
  };
}

export function formatImportTimeline(timeline: ImportTimeline | null): string {
  if (!timeline) return 'no partition activity in the history';
  const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
  return (
    `planning ${seconds(timeline.beforeMs)}, paging ${seconds(timeline.pagingMs)} ` +
    `(slots ${Math.round(timeline.slotUse * 100)}% busy), finishing ${seconds(timeline.afterMs)}`
  );
}
