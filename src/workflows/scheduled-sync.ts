import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import { ParentClosePolicy, patched, startChild } from '@temporalio/workflow';
import { syncWorkflowId } from './definitions.js';
import { syncSummary } from './summaries.js';
import { syncSource, type SyncResult, type SyncSourceInput } from './sync-source.js';

export type ScheduledSyncResult = { skipped: true; reason: string } | ({ skipped: false } & SyncResult);

/**
 * What a source's Temporal Schedule starts. Schedules append a timestamp to workflow ids, so
 * the real sync runs as a child under the fixed id `afas-sync/<source>`: a sync started by hand
 * (or a long one from the previous tick) makes this tick skip instead of running twice.
 */
export async function scheduledSync(input: SyncSourceInput): Promise<ScheduledSyncResult> {
  try {
    const child = await startChild(syncSource, {
      workflowId: syncWorkflowId(input.source),
      args: [{ ...input, trigger: 'schedule' }],
      staticSummary: syncSummary(input.source, 'schedule'),
      // The sync finishes its run log even if this wrapper is terminated.
      parentClosePolicy: ParentClosePolicy.ABANDON,
    });
    const result = await child.result();
    // The sync stepped aside (the source needs attention, an import runs): so did this tick.
    if (result.status === 'skipped' && patched('scheduled-skip-result'))
      return { skipped: true, reason: result.reason ?? 'the sync was skipped' };
    return { skipped: false, ...result };
  } catch (error) {
    if (error instanceof WorkflowExecutionAlreadyStartedError) {
      return { skipped: true, reason: 'a sync of this source is already running' };
    }
    throw error;
  }
}
