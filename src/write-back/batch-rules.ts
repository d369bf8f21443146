// The checks a batch passes on its own, before anything is looked up: keys unique within the
// batch, and every entry balanced exactly (debit total = credit total, decimal arithmetic, no floats).
import { formatDecimal, parseDecimal, subtract, sumDecimals, isZero } from '../decimal/decimal.js';
import type { BatchEntry, ParsedBatch } from './batch-format.js';
import type { BatchProblem } from './problems.js';

/** Keys used by more than one entry: one problem per repeated use, naming the first. */
export function duplicateKeyProblems(keys: readonly string[]): BatchProblem[] {
  const first = new Map<string, number>();
  const problems: BatchProblem[] = [];
  keys.forEach((key, index) => {
    const seen = first.get(key);
    if (seen === undefined) first.set(key, index);
    else
      problems.push({
        entry: key,
        line: null,
        field: 'key',
        message: `entries[${index}] repeats the key of entries[${seen}]: keys must be unique within the batch`,
      });
  });
  return problems;
}

export function balanceProblems(entry: BatchEntry): BatchProblem[] {
  const debit = sumDecimals(entry.lines.map((line) => parseDecimal(line.debit)));
  const credit = sumDecimals(entry.lines.map((line) => parseDecimal(line.credit)));
  const difference = subtract(debit, credit);
  if (isZero(difference)) return [];
  return [
    {
      entry: entry.key,
      line: null,
      field: 'lines',
      message:
        `does not balance: debit ${formatDecimal(debit, 2)}, credit ${formatDecimal(credit, 2)} ` +
        `(debit − credit = ${formatDecimal(difference, 2)})`,
    },
  ];
}

/** Every problem the batch has on its own (its format's, repeated keys, unbalanced entries). */
export function batchProblems(parsed: ParsedBatch): BatchProblem[] {
  return [
    ...parsed.problems,
    ...duplicateKeyProblems(parsed.keys),
    ...parsed.entries.flatMap((entry) => balanceProblems(entry)),
  ];
}
