// How a batch's end reads (`post --wait`).
import type { PostBatchResult } from '../write-back/post-types.js';
import type { Output } from './output.js';

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
