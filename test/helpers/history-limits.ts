// Measures what Temporal limits: the history events of every execution a workflow led to (its
// continue-as-new runs and its child workflows, theirs too) and the size of every payload in them.
import type { Client } from '@temporalio/client';
import { temporal } from '@temporalio/proto';

type HistoryEvent = temporal.api.history.v1.IHistoryEvent;

export interface ExecutionRef {
  workflowId: string;
  runId: string;
}

export interface MeasuredExecution extends ExecutionRef {
  workflowType: string;
  events: HistoryEvent[];
}

export interface PayloadSize {
  bytes: number;
  /** Where in the history: `event 12 EVENT_TYPE_ACTIVITY_TASK_COMPLETED .activityTaskCompletedEventAttributes.result`. */
  where: string;
}

/**
 * Every execution reachable from a run: the runs it continued as and the children it started, by
 * following their history events (so nothing depends on the visibility store catching up).
 */
export async function executionTree(client: Client, root: ExecutionRef): Promise<MeasuredExecution[]> {
  const found: MeasuredExecution[] = [];
  const seen = new Set<string>();
  const queue: ExecutionRef[] = [root];
  while (queue.length > 0) {
    const next = queue.shift();
    if (!next || seen.has(`${next.workflowId}/${next.runId}`)) continue;
    seen.add(`${next.workflowId}/${next.runId}`);
    const history = await client.workflow.getHandle(next.workflowId, next.runId).fetchHistory();
    const events = history.events ?? [];
    const started = events[0]?.workflowExecutionStartedEventAttributes;
    found.push({ ...next, workflowType: started?.workflowType?.name ?? '?', events });
    for (const event of events) {
      const continued = event.workflowExecutionContinuedAsNewEventAttributes?.newExecutionRunId;
      if (continued) queue.push({ workflowId: next.workflowId, runId: continued });
      const child = event.childWorkflowExecutionStartedEventAttributes?.workflowExecution;
      if (child?.workflowId && child.runId) queue.push({ workflowId: child.workflowId, runId: child.runId });
    }
  }
  return found;
}

function isPayload(value: object): value is { data: Uint8Array; metadata?: Record<string, Uint8Array> } {
  return 'data' in value && value.data instanceof Uint8Array;
}

function payloadBytes(payload: { data: Uint8Array; metadata?: Record<string, Uint8Array> | null }): number {
  let bytes = payload.data.byteLength;
  for (const [key, value] of Object.entries(payload.metadata ?? {})) bytes += key.length + value.byteLength;
  return bytes;
}

/**
 * Every payload in the events (inputs, results, failures' details, heartbeat details, memos,
 * search attributes, user metadata), each alone and each `payloads` list as a whole (what one
 * argument list or result weighs against the blob limit).
 */
export function payloadSizes(events: readonly HistoryEvent[]): PayloadSize[] {
  const sizes: PayloadSize[] = [];
  const walk = (value: unknown, where: string): void => {
    if (typeof value !== 'object' || value === null || value instanceof Uint8Array) return;
    if (Array.isArray(value)) {
      value.forEach((item, index) => walk(item, `${where}[${index}]`));
      return;
    }
    if (isPayload(value)) {
      sizes.push({ bytes: payloadBytes(value), where });
      return;
    }
    const list = (value as { payloads?: unknown }).payloads;
    if (Array.isArray(list) && list.length > 1) {
      const total = list.reduce(
        (sum: number, item: unknown) =>
          sum + (typeof item === 'object' && item !== null && isPayload(item) ? payloadBytes(item) : 0),
        0,
      );
      sizes.push({ bytes: total, where: `${where} (all ${list.length})` });
    }
    for (const [key, child] of Object.entries(value)) walk(child, `${where}.${key}`);
  };
  events.forEach((event) =>
    walk(event, `event ${String(event.eventId)} ${temporal.api.enums.v1.EventType[event.eventType ?? 0]}`),
  );
  return sizes;
}

/** The largest payload of the events, or a zero-byte stand-in when there is none. */
export function largestPayload(events: readonly HistoryEvent[]): PayloadSize {
  return payloadSizes(events).reduce<PayloadSize>(
    (largest, size) => (size.bytes > largest.bytes ? size : largest),
    { bytes: 0, where: 'none' },
  );
}
