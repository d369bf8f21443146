// Operator-side control of historical imports through Temporal: start/attach, progress, pause,
// resume, concurrency, cancel. Workflow id `afas-import/<source>`.
import {
  WorkflowNotFoundError,
  type WorkflowHandle,
  type WorkflowHandleWithFirstExecutionRunId,
} from '@temporalio/client';
import { instantToAmsterdamWallTime } from '../afas/amsterdam-time.js';
import { AfasSource, AfasWorkflowKind } from '../temporal/search-attributes.js';
import {
  importProgressQuery,
  importWorkflowId,
  pauseImportSignal,
  resumeImportSignal,
  setImportConcurrencyUpdate,
  type ImportProgress,
} from '../workflows/definitions.js';
import type { historicalImport } from '../workflows/historical-import.js';
import { importOptionsProblem, type ImportOptions } from '../workflows/import/options.js';
import { importSummary } from '../workflows/summaries.js';
import type { SyncTarget } from './sync-control.js';

export type { ImportOptions } from '../workflows/import/options.js';

export class ImportOptionsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ImportOptionsError';
  }
}

/**
 * Starts the source's historical import, or attaches to the one already running (fixed workflow
 * id with USE_EXISTING; the running one keeps its own options). A new start after a cancelled or
 * failed import resumes it: partitions already done are not fetched again.
 */
export async function startImport(
  target: SyncTarget,
  source: string,
  options: ImportOptions,
): Promise<WorkflowHandleWithFirstExecutionRunId<typeof historicalImport>> {
  const problem = importOptionsProblem(options);
  if (problem) throw new ImportOptionsError(`historical import of ${source}: ${problem}`);
  return target.client.workflow.start<typeof historicalImport>('historicalImport', {
    taskQueue: target.taskQueue,
    workflowId: importWorkflowId(source),
    args: [{ ...options, source }],
    workflowIdConflictPolicy: 'USE_EXISTING',
    typedSearchAttributes: [
      { key: AfasSource, value: source },
      { key: AfasWorkflowKind, value: 'import' },
    ],
    // Without --to-year the import runs to the current Amsterdam year (the activity decides the same).
    staticSummary: importSummary(
      source,
      options.fromYear,
      options.toYear ?? instantToAmsterdamWallTime(new Date()).year,
    ),
  });
}

function handleFor(target: SyncTarget, source: string): WorkflowHandle<typeof historicalImport> {
  return target.client.workflow.getHandle<typeof historicalImport>(importWorkflowId(source));
}

/** Live progress of the source's current (or last) import; undefined when none ever ran. */
export async function importProgress(
  target: SyncTarget,
  source: string,
): Promise<ImportProgress | undefined> {
  try {
    return await handleFor(target, source).query(importProgressQuery);
  } catch (error) {
    if (error instanceof WorkflowNotFoundError) return undefined;
    throw error;
  }
}

/** Stops starting partition chunks; running chunks finish their pages. Delivered even while no worker runs. */
export async function pauseImport(target: SyncTarget, source: string): Promise<void> {
  await handleFor(target, source).signal(pauseImportSignal);
}

export async function resumeImport(target: SyncTarget, source: string): Promise<void> {
  await handleFor(target, source).signal(resumeImportSignal);
}

/** Sets the concurrent partition activities (1..5); the workflow's validator rejects anything else. */
export async function setImportConcurrency(
  target: SyncTarget,
  source: string,
  concurrency: number,
): Promise<number> {
  const result = await handleFor(target, source).executeUpdate(setImportConcurrencyUpdate, {
    args: [concurrency],
  });
  return result.concurrency;
}

/**
 * Cancels the running import: activities stop at their next heartbeat, committed partitions stay,
 * the rest stay pending (with their cursor) for the next start.
 */
export async function cancelImport(target: SyncTarget, source: string): Promise<void> {
  await handleFor(target, source).cancel();
}
