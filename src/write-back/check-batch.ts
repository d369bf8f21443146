// `post check`'s work: a batch file's text checked as a whole, its format, its own arithmetic and
// then the source's synced master data, without any AFAS call and without writing anything.
import type pg from 'pg';
import { loadWriteBackReference } from '../db/write-back-reference.js';
import { parseBatch } from './batch-format.js';
import { batchProblems } from './batch-rules.js';
import { sortProblems, type BatchProblem } from './problems.js';
import { referenceProblems } from './validate-batch.js';

export interface BatchCheckReport {
  source: string;
  /** The batch id; null when the file is not a batch at all. */
  batch: string | null;
  entries: number;
  lines: number;
  valid: boolean;
  /** Every problem, in file order. */
  problems: BatchProblem[];
}

export async function checkBatch(
  pool: pg.Pool,
  schema: string,
  source: string,
  text: string,
): Promise<BatchCheckReport> {
  const parsed = parseBatch(text);
  const problems = batchProblems(parsed);
  // Entries that parsed are checked against the data even when others did not: one report lists all.
  if (parsed.entries.length > 0) {
    const reference = await loadWriteBackReference(pool, schema, source, parsed.entries);
    problems.push(...referenceProblems(source, parsed.entries, reference));
  }
  return {
    source,
    batch: parsed.batch,
    entries: parsed.keys.length,
    lines: parsed.entries.reduce((sum, entry) => sum + entry.lines.length, 0),
    valid: problems.length === 0,
    problems: sortProblems(problems, parsed.keys),
  };
}
