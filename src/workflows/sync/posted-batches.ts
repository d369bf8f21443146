import { log } from '@temporalio/workflow';
import type { syncActivities } from '../policies.js';
import { isCancellation, summarizeFailure } from '../failures.js';

/**
 * A sync's last step before finishing (issue 19 point 6): write-back batches whose entries are all
 * in AFAS but were not yet seen in journal_lines are checked against the lines this run loaded. A
 * failure here is the batches' business, not the sync's: it is logged, and the next sync checks
 * again. Returns whether the workflow was cancelled meanwhile.
 */
export async function confirmPostedBatches(
  activities: ReturnType<typeof syncActivities>,
  source: string,
): Promise<boolean> {
  try {
    const checked = await activities.posting.confirmPostedBatches.executeWithOptions(
      { summary: 'confirm posted batches' },
      [{ source }],
    );
    if (checked.confirmed.length + checked.unconfirmed.length > 0)
      log.info('posted batches checked', { source, ...checked });
    return false;
  } catch (error) {
    if (isCancellation(error)) return true;
    log.warn('confirming posted batches failed', { source, error: summarizeFailure(error).message });
    return false;
  }
}
