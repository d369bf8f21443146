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
    const closed =
      event.activityTaskCompletedEventAttributes ??
      event.activityTaskFailedEventAttributes ??
      event.activityTaskTimedOutEventAttributes ??
      event.activityTaskCanceledEventAttributes;
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

export function formatActivityTimes(times: readonly ActivityTypeTime[]): string {
  return times.map((t) => `${t.type} ×${t.count} Σ${t.totalMs} ms max ${t.maxMs} ms`).join('; ');
}
