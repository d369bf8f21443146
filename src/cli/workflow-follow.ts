// What `sync --wait` and `import --wait` share while they follow a workflow: its result with a flag
// the poll loop can check, the one line a workflow failure is reported with, and the exit code.
import type { RunStatus } from '../db/runs.js';
import type { SyncResult } from '../workflows/sync-source.js';

interface FollowedResult<T> {
  /** The workflow's result; rejects when the workflow failed. */
  result: Promise<T>;
  /** Settles with the result but never rejects: a poll's wait races it to stop early. */
  ended: Promise<void>;
  /** True once the result settled. */
  settled: () => boolean;
}

/** Asks for the workflow's result once, so the poll loop can see when it ends. */
export function followResult<T>(handle: { result(): Promise<T> }): FollowedResult<T> {
  let settled = false;
  const result = handle.result().finally(() => {
    settled = true;
  });
  const ended = result.then(
    () => undefined,
    () => undefined,
  );
  return { result, ended, settled: () => settled };
}

/** A workflow failure's own message says "Workflow execution failed"; its cause says why. */
export function workflowFailureText(error: unknown): string {
  const outer = error as Error & { cause?: Error };
  const text = outer.cause?.message ? `${outer.message}: ${outer.cause.message}` : outer.message;
  return text.split('\n')[0] ?? 'failed';
}

/** 0 succeeded, 3 partial, 1 failed or cancelled (a skipped sync too). */
export function exitCodeForStatus(status: RunStatus | SyncResult['status']): number {
  if (status === 'succeeded') return 0;
  if (status === 'partial') return 3;
  return 1;
}
