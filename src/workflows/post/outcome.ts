// How a batch ends after compensation (issue 19 point 5), decided from what each entry's
// compensation did. Pure: the workflow records what this says.
import type { BatchStatus, CompensationOutcome } from '../../write-back/post-types.js';

export interface CompensatedEntry {
  key: string;
  outcome: CompensationOutcome;
  message: string | null;
}

export interface CompensationVerdict {
  status: Extract<BatchStatus, 'compensated' | 'reversed' | 'compensation_incomplete'>;
  reason: string;
}

/**
 * compensation_incomplete when any entry is still in AFAS without a reversal (the reason names
 * each, with AFAS's answer); reversed when any entry stands beside its reversal; otherwise
 * compensated: AFAS is as it was before the batch.
 */
export function compensationVerdict(why: string, entries: readonly CompensatedEntry[]): CompensationVerdict {
  const failed = entries.filter((entry) => entry.outcome === 'failed');
  const reversed = entries.filter((entry) => entry.outcome === 'reversed');
  const deleted = entries.filter((entry) => entry.outcome === 'deleted');
  if (failed.length > 0) {
    const listed = failed.map((entry) => `${entry.key} (${entry.message ?? 'no answer recorded'})`);
    return {
      status: 'compensation_incomplete',
      reason: `${why}; still in AFAS: ${listed.join('; ')}`,
    };
  }
  if (reversed.length > 0)
    return {
      status: 'reversed',
      reason:
        `${why}; ${deleted.length} entr${deleted.length === 1 ? 'y' : 'ies'} deleted, ` +
        `${reversed.length} reversed (AFAS refused to delete: ${reversed.map((entry) => entry.key).join(', ')})`,
    };
  return {
    status: 'compensated',
    reason: `${why}; ${deleted.length} posted entr${deleted.length === 1 ? 'y' : 'ies'} deleted, AFAS is as before the batch`,
  };
}
