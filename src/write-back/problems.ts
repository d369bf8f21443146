// What is wrong with a batch of journal entries to post, one problem per finding, each naming where
// it is: the entry (its key), the line (1-based) and the field, so the author can fix the file.

export interface BatchProblem {
  /** The entry's key; `entries[i]` (0-based) when the entry has no readable key; null: the batch. */
  entry: string | null;
  /** The line's number within its entry, from 1; null: the entry (or batch) itself. */
  line: number | null;
  /** The field as the batch file names it (`debit`, `allocations[0].code`), or a dataset to sync. */
  field: string;
  message: string;
}

/** Problems in file order: batch-wide first, then by entry as listed, then by line. */
export function sortProblems(
  problems: readonly BatchProblem[],
  entryOrder: readonly string[],
): BatchProblem[] {
  // A repeated key ranks where it is first listed.
  const rank = new Map<string, number>();
  entryOrder.forEach((key, index) => {
    if (!rank.has(key)) rank.set(key, index);
  });
  const entryRank = (problem: BatchProblem) =>
    problem.entry === null ? -1 : (rank.get(problem.entry) ?? entryOrder.length);
  return problems
    .map((problem, index) => ({ problem, index }))
    .sort(
      (a, b) =>
        entryRank(a.problem) - entryRank(b.problem) ||
        (a.problem.line ?? 0) - (b.problem.line ?? 0) ||
        a.index - b.index,
    )
    .map(({ problem }) => problem);
}
