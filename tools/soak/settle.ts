// After the chaos: faults cleared, everything up. Wait for what is still running, then sync each
// source until a sync that started after the last mutation succeeds, and look for stuck workflows.
import { setTimeout as sleep } from 'node:timers/promises';
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import { startSync } from '../../src/client/sync-control.js';
import { importWorkflowId, syncWorkflowId } from '../../src/workflows/definitions.js';
import type { historicalImport } from '../../src/workflows/historical-import.js';
import type { syncSource } from '../../src/workflows/sync-source.js';
import { SOAK_SYNC_OPTIONS } from './sync-driver.js';

type Target = { client: Client; taskQueue: string };

/** Fresh syncs per source at most, before the source counts as not settled. */
const MAX_FINAL_SYNCS = 6;
/** Client calls per wait at most (each failure waits a second; a Temporal restart takes a few). */
const MAX_CLIENT_ATTEMPTS = 20;

/**
 * Runs a client call that must end by `deadline`: it is cancelled then (an abandoned long-poll
 * would outlive the connection and throw once that is closed).
 */
async function withDeadline<T>(
  client: Client,
  work: () => Promise<T>,
  deadline: number,
  what: string,
): Promise<T> {
  const left = deadline - Date.now();
  if (left <= 0) throw new Error(`${what}: out of time`);
  try {
    return await client.withAbortSignal(AbortSignal.timeout(left), work);
  } catch (error) {
    if (Date.now() >= deadline) throw new Error(`${what}: no result within ${Math.round(left / 1000)} s`);
    throw error;
  }
}

/** Waits for the workflow's current run to close; client errors (a restart just before) are retried. */
async function awaitClosed<T>(
  client: Client,
  result: () => Promise<T>,
  deadline: number,
  what: string,
): Promise<T | undefined> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await withDeadline(client, result, deadline, what);
    } catch (error) {
      if (error instanceof WorkflowNotFoundError) return undefined;
      if (Date.now() >= deadline || attempt >= MAX_CLIENT_ATTEMPTS) throw error;
      await sleep(1_000);
    }
  }
}

/** The historical import's final status (undefined when none ran). */
export async function awaitImport(
  target: Target,
  source: string,
  deadline: number,
): Promise<string | undefined> {
  const handle = target.client.workflow.getHandle<typeof historicalImport>(importWorkflowId(source));
  const result = await awaitClosed(target.client, () => handle.result(), deadline, `import of ${source}`);
  return result?.status;
}

export interface SettledSource {
  source: string;
  /** Fresh syncs it took (1 = the first one after the chaos succeeded). */
  finalSyncs: number;
  status: string;
  error: string | null;
}

/** Lets the sync that may still run finish, then syncs until one succeeds (bounded). */
export async function settleSource(target: Target, source: string, deadline: number): Promise<SettledSource> {
  const running = target.client.workflow.getHandle<typeof syncSource>(syncWorkflowId(source));
  await awaitClosed(
    target.client,
    () => running.result(),
    deadline,
    `sync of ${source} running at the end of the chaos`,
  ).catch(() => undefined);
  let last: { status: string; error: string | null } = { status: 'not started', error: null };
  for (let attempt = 1; attempt <= MAX_FINAL_SYNCS && Date.now() < deadline; attempt++) {
    try {
      const handle = await startSync(target, source, SOAK_SYNC_OPTIONS);
      const result = await withDeadline(
        target.client,
        () => handle.result(),
        deadline,
        `final sync of ${source}`,
      );
      if (result.status === 'succeeded')
        return { source, finalSyncs: attempt, status: 'succeeded', error: null };
      const failures = result.failures.map((failure) => `${failure.dataset}: ${failure.message}`).join('; ');
      last = { status: result.status, error: result.error ?? (failures || null) };
    } catch (error) {
      last = { status: 'error', error: (error as Error).message };
      await sleep(2_000);
    }
  }
  return { source, finalSyncs: MAX_FINAL_SYNCS, status: last.status, error: last.error };
}

/** Workflows still running on the queue; the visibility store trails a little, so it is asked a few times. */
export async function runningWorkflows(target: Target, deadline: number): Promise<string[]> {
  let ids: string[] = [];
  for (let attempt = 0; attempt < 15; attempt++) {
    ids = [];
    for await (const execution of target.client.workflow.list({
      query: `TaskQueue = '${target.taskQueue}' AND ExecutionStatus = 'Running'`,
    })) {
      ids.push(execution.workflowId);
    }
    if (ids.length === 0 || Date.now() >= deadline) return ids;
    await sleep(2_000);
  }
  return ids;
}
