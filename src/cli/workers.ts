// Is any worker polling the task queue? Syncs only make progress (and queries only answer) then.
import type { SyncTarget } from '../client/sync-control.js';

export interface WorkerPresence {
  taskQueue: string;
  /** Workers that polled the queue recently (Temporal keeps a few minutes); null when unknown. */
  pollers: number | null;
}

export async function workerPresence(target: SyncTarget): Promise<WorkerPresence> {
  try {
    const response = await target.client.workflowService.describeTaskQueue({
      namespace: target.client.options.namespace,
      taskQueue: { name: target.taskQueue },
    });
    return { taskQueue: target.taskQueue, pollers: response.pollers?.length ?? 0 };
  } catch {
    return { taskQueue: target.taskQueue, pollers: null };
  }
}

/** `what` waits for a worker: "the sync", "the import", "the pause". */
export function noWorkerHint(presence: WorkerPresence, what = 'the sync'): string | undefined {
  if (presence.pollers !== 0) return undefined;
  return `no worker is polling task queue "${presence.taskQueue}": ${what} waits until one runs (start it with \`afas-sync worker\`)`;
}
