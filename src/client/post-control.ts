// Operator-side control of write-back batches through Temporal (issue 19): start or attach to a
// batch's `postEntries` workflow, wait for its result, ask its progress, signal a cancel. Workflow
// id `afas-post/<source>/<batch>`, one per batch.
import {
  WorkflowExecutionAlreadyStartedError,
  WorkflowNotFoundError,
  type WorkflowHandle,
} from '@temporalio/client';
import { AfasSource, AfasWorkflowKind } from '../temporal/search-attributes.js';
import { cancelPostSignal, postProgressQuery, postWorkflowId } from '../workflows/definitions.js';
import type { PostBatchInput, PostBatchResult, PostProgress } from '../write-back/post-types.js';
import { workflowStatus, type SyncTarget } from './sync-control.js';

/** The workflow type the worker registers (src/workflows/post-entries.ts). */
export const POST_WORKFLOW_TYPE = 'postEntries';

type PostWorkflow = (input: PostBatchInput) => Promise<PostBatchResult>;

export interface StartedPost {
  handle: WorkflowHandle<PostWorkflow>;
  /** False: a workflow of this batch already ran or runs (this command attached to it). */
  started: boolean;
}

/**
 * Starts the batch's workflow, or attaches to it. A batch's workflow that completed is never run
 * again (its id stays taken while Temporal keeps it); one that failed or was terminated may be
 * started again, and resumes: entries already in AFAS carry their entry number and are not posted
 * again. Registration in PostgreSQL comes first, so the workflow finds its rows.
 */
export async function startPost(target: SyncTarget, source: string, batch: string): Promise<StartedPost> {
  const workflowId = postWorkflowId(source, batch);
  try {
    const handle = await target.client.workflow.start<PostWorkflow>(POST_WORKFLOW_TYPE, {
      taskQueue: target.taskQueue,
      workflowId,
      args: [{ source, batch }],
      workflowIdConflictPolicy: 'FAIL',
      workflowIdReusePolicy: 'ALLOW_DUPLICATE_FAILED_ONLY',
      typedSearchAttributes: [
        { key: AfasSource, value: source },
        { key: AfasWorkflowKind, value: 'post' },
      ],
      staticSummary: `post batch ${batch} of ${source} to AFAS`,
    });
    return { handle, started: true };
  } catch (error) {
    if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
    return { handle: target.client.workflow.getHandle<PostWorkflow>(workflowId), started: false };
  }
}

/** The workflow's result; undefined when Temporal no longer keeps (or never had) the workflow. */
export async function postResult(handle: WorkflowHandle<PostWorkflow>): Promise<PostBatchResult | undefined> {
  try {
    return await handle.result();
  } catch (error) {
    if (error instanceof WorkflowNotFoundError) return undefined;
    throw error;
  }
}

/** Whether the batch's workflow is running now. */
export async function postRunning(target: SyncTarget, source: string, batch: string): Promise<boolean> {
  return (await workflowStatus(target, postWorkflowId(source, batch))) === 'RUNNING';
}

/** Live progress of a running batch; queries need a worker, so a deadline keeps the CLI from hanging. */
export async function postProgress(
  target: SyncTarget,
  source: string,
  batch: string,
  timeoutMs = 3_000,
): Promise<PostProgress> {
  return target.client.connection.withDeadline(Date.now() + timeoutMs, () =>
    target.client.workflow.getHandle(postWorkflowId(source, batch)).query(postProgressQuery),
  );
}

/** Signals a cancel to the batch's running workflow; false when none runs. */
export async function signalCancelPost(target: SyncTarget, source: string, batch: string): Promise<boolean> {
  try {
    await target.client.workflow.getHandle(postWorkflowId(source, batch)).signal(cancelPostSignal);
    return true;
  } catch (error) {
    if (error instanceof WorkflowNotFoundError) return false;
    throw error;
  }
}
