// What the fleet's syncs did, read back from Temporal: every scheduled tick (when the schedule fired
// it, when it was done, whether it ran or stepped aside) and the history length of every sync run.
import type { Client, WorkflowExecutionInfo } from '@temporalio/client';
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';
import type { scheduledSync } from '../../src/workflows/index.js';

/**
 * Set by Temporal on every workflow a schedule starts: the tick's nominal time (interval boundary
 * plus offset, before jitter), the same time the schedule appends to the workflow id.
 */
const SCHEDULED_START = defineSearchAttributeKey('TemporalScheduledStartTime', SearchAttributeType.DATETIME);

export interface ScheduledTick {
  source: string;
  /** The tick's slot: the interval boundary plus the source's offset, before jitter. */
  nominalAtMs: number;
  /**
   * When the schedule started the workflow: the slot plus its jitter, a deliberate delay. So
   * schedule-to-done counts the wait for a worker and the sync, not the jitter.
   */
  scheduledAtMs: number;
  /** undefined while it runs. */
  doneAtMs: number | undefined;
  /** Temporal's status of the wrapper (COMPLETED, FAILED, TIMED_OUT, TERMINATED, RUNNING, …). */
  workflowStatus: string;
  /** The sync's status (succeeded, partial, failed, …) or 'skipped' when the tick stepped aside. */
  outcome: string;
  error: string | null;
}

export interface SyncRunFacts {
  source: string;
  startMs: number;
  closeMs: number | undefined;
  historyEvents: number;
  status: string;
}

async function list(client: Client, query: string): Promise<WorkflowExecutionInfo[]> {
  const executions: WorkflowExecutionInfo[] = [];
  for await (const execution of client.workflow.list({ query })) executions.push(execution);
  return executions;
}

/** The source a workflow belongs to, from its id: `afas-scheduled/<source>-<time>` or `afas-sync/<source>`. */
function sourceOf(workflowId: string, sources: readonly string[]): string {
  return sources.find((source) => workflowId.includes(`/${source}`)) ?? '?';
}

/** The time a schedule appends to the ids it starts (`…-2026-12-06T07:10:00Z`; jitter not included). */
function nominalTime(workflowId: string): Date | undefined {
  const match = /-(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ)$/.exec(workflowId);
  return match ? new Date(match[1] as string) : undefined;
}

/** Every tick the fleet's schedules fired at or after `sinceMs`, with its outcome. */
export async function scheduledTicks(
  target: { client: Client; taskQueue: string },
  sources: readonly string[],
  sinceMs: number,
): Promise<ScheduledTick[]> {
  const executions = await list(
    target.client,
    `WorkflowType = 'scheduledSync' AND TaskQueue = '${target.taskQueue}' AND StartTime >= '${new Date(sinceMs).toISOString()}'`,
  );
  const ticks: ScheduledTick[] = [];
  for (const execution of executions) {
    const nominal =
      execution.typedSearchAttributes.get(SCHEDULED_START) ??
      nominalTime(execution.workflowId) ??
      execution.startTime;
    const tick: ScheduledTick = {
      source: sourceOf(execution.workflowId, sources),
      nominalAtMs: nominal.getTime(),
      scheduledAtMs: execution.startTime.getTime(),
      doneAtMs: execution.closeTime?.getTime(),
      workflowStatus: execution.status.name,
      outcome: execution.status.name === 'RUNNING' ? 'running' : execution.status.name.toLowerCase(),
      error: null,
    };
    if (execution.status.name === 'COMPLETED') {
      const result = await target.client.workflow
        .getHandle<typeof scheduledSync>(execution.workflowId, execution.runId)
        .result();
      if (result.skipped) tick.outcome = 'skipped';
      else {
        tick.outcome = result.status;
        const failures = result.failures.map((failure) => `${failure.dataset}: ${failure.message}`);
        tick.error = result.error ?? (failures.join('; ') || null);
      }
    }
    ticks.push(tick);
  }
  return ticks.sort((a, b) => a.scheduledAtMs - b.scheduledAtMs);
}

/** Every syncSource run started at or after `sinceMs` (manual and scheduled). */
export async function syncRuns(
  target: { client: Client; taskQueue: string },
  sources: readonly string[],
  sinceMs: number,
): Promise<SyncRunFacts[]> {
  const executions = await list(
    target.client,
    `WorkflowType = 'syncSource' AND TaskQueue = '${target.taskQueue}' AND StartTime >= '${new Date(sinceMs).toISOString()}'`,
  );
  return executions.map((execution) => ({
    source: sourceOf(execution.workflowId, sources),
    startMs: execution.startTime.getTime(),
    closeMs: execution.closeTime?.getTime(),
    historyEvents: execution.historyLength,
    status: execution.status.name,
  }));
}

/** Workflows still running on the queue (visibility trails a little, so it is asked a few times). */
export async function runningWorkflows(target: { client: Client; taskQueue: string }): Promise<string[]> {
  let ids: string[] = [];
  for (let attempt = 0; attempt < 5; attempt++) {
    ids = (
      await list(target.client, `TaskQueue = '${target.taskQueue}' AND ExecutionStatus = 'Running'`)
    ).map((execution) => execution.workflowId);
    if (ids.length === 0) return ids;
    await new Promise((resolve) => setTimeout(resolve, 1_000));
  }
  return ids;
}
