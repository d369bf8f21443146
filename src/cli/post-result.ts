// How a batch's end reads (`post --wait`), and that end rebuilt from PostgreSQL when Temporal no
// longer keeps the workflow (or the batch ended before this command attached).
import type { PostBatchReport } from '../db/post-batches.js';
import type { PostBatchResult } from '../write-back/post-types.js';
import type { Output } from './output.js';

/** The result the workflow returned, as the batch's rows record it. */
export function resultFromReport(report: PostBatchReport): PostBatchResult {
  const { batch, entries } = report;
  const withStatus = (status: string) => entries.filter((entry) => entry.status === status);
  // An entry still `posted` when the compensation gave up was never taken out: it is in AFAS.
  const incomplete = batch.status === 'compensation_incomplete';
  return {
    source: batch.source,
    batch: batch.batch,
    status: batch.status,
    reason: batch.reason,
    entries: batch.entries,
    posted: entries.filter((entry) => entry.entryNo !== null).length,
    deleted: withStatus('deleted').length,
    reversed: withStatus('reversed').length,
    remaining: entries
      .filter((entry) => entry.status === 'compensation_failed' || (incomplete && entry.status === 'posted'))
      .map((entry) => entry.key),
  };
}

export function printPostResult(out: Output, result: PostBatchResult): void {
  const counts = [`${result.entries} entr${result.entries === 1 ? 'y' : 'ies'}`, `${result.posted} posted`];
  if (result.deleted > 0 || result.reversed > 0 || result.status !== 'confirmed')
    counts.push(`${result.deleted} deleted`, `${result.reversed} reversed`);
  const reason = result.reason === null ? '' : ` (${result.reason})`;
  out.line(`batch ${result.batch} of "${result.source}": ${result.status}${reason}: ${counts.join(', ')}`);
  if (result.remaining.length > 0)
    out.line(
      `still in AFAS (not taken back out): ${result.remaining.join(', ')}; details: ` +
        `afas-sync post status ${result.source} --batch ${result.batch}`,
    );
}
