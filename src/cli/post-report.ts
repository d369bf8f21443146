// How `afas-sync post check` reads: one summary line, then every problem as a table row naming
// the entry's key, the line and the field.
import type { BatchCheckReport } from '../write-back/check-batch.js';
import type { BatchProblem } from '../write-back/problems.js';
import type { Output } from './output.js';

export function printBatchCheck(out: Output, report: BatchCheckReport): void {
  const batch = report.batch === null ? 'the file' : `batch ${report.batch}`;
  const size = `${report.entries} entr${report.entries === 1 ? 'y' : 'ies'}, ${report.lines} line(s)`;
  if (report.valid) {
    out.line(`${batch} for "${report.source}": ${size}: valid (checked only; nothing was posted)`);
    return;
  }
  out.line(
    `${batch} for "${report.source}": ${size}: ${report.problems.length} problem(s); nothing can be posted`,
  );
  out.table(
    [
      { header: 'entry', value: (problem: BatchProblem) => problem.entry ?? '(batch)' },
      {
        header: 'line',
        value: (problem) => (problem.line === null ? null : String(problem.line)),
        align: 'right',
      },
      { header: 'field', value: (problem) => problem.field },
      { header: 'problem', value: (problem) => problem.message },
    ],
    report.problems,
  );
}
