// `post check`'s work: a batch file's text checked as a whole, its format, its own arithmetic and
// then the source's synced master data, without any AFAS call and without writing anything.
// `post` runs the same check and, for a valid batch, also takes each entry's booking period from
// it: the period the check approved is the one registered, never one looked up a second time.
import type pg from 'pg';
import { loadWriteBackReference, type WriteBackReference } from '../db/write-back-reference.js';
import { parseBatch, type BatchEntry, type ParsedBatch } from './batch-format.js';
import { batchProblems } from './batch-rules.js';
import { sortProblems, type BatchProblem } from './problems.js';
import { bookingPeriod, referenceProblems } from './validate-batch.js';

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

/** An entry of a valid batch with the period it books into (its own, or the one containing its date). */
export interface ResolvedEntry {
  entry: BatchEntry;
  year: number;
  period: number;
}

/** A batch that passed every check: what `post` registers. */
export interface PostableBatch {
  batch: string;
  entries: ResolvedEntry[];
  lines: number;
}

export async function checkBatch(
  pool: pg.Pool,
  schema: string,
  source: string,
  text: string,
): Promise<BatchCheckReport> {
  return (await examine(pool, schema, source, text)).report;
}

/** The check of `checkBatch`, plus the batch with its booking periods when it is valid. */
export async function checkBatchToPost(
  pool: pg.Pool,
  schema: string,
  source: string,
  text: string,
): Promise<{ report: BatchCheckReport; postable: PostableBatch | null }> {
  const { report, parsed, reference } = await examine(pool, schema, source, text);
  if (!report.valid || parsed.batch === null || reference === null) return { report, postable: null };
  const periods = reference.periods;
  const entries = parsed.entries.map((entry): ResolvedEntry => {
    const booked = bookingPeriod(entry, periods?.get(entry.administration) ?? []);
    // A valid batch has a booking period for every entry (referenceProblems reports the lack).
    if (!booked) throw new Error(`entry ${entry.key} passed the check without a booking period`);
    return { entry, year: booked.year, period: booked.period };
  });
  return { report, postable: { batch: parsed.batch, entries, lines: report.lines } };
}

async function examine(
  pool: pg.Pool,
  schema: string,
  source: string,
  text: string,
): Promise<{ report: BatchCheckReport; parsed: ParsedBatch; reference: WriteBackReference | null }> {
  const parsed = parseBatch(text);
  const problems = batchProblems(parsed);
  let reference: WriteBackReference | null = null;
  // Entries that parsed are checked against the data even when others did not: one report lists all.
  if (parsed.entries.length > 0) {
    reference = await loadWriteBackReference(pool, schema, source, parsed.entries);
    problems.push(...referenceProblems(source, parsed.entries, reference));
  }
  const report: BatchCheckReport = {
    source,
    batch: parsed.batch,
    entries: parsed.keys.length,
    lines: parsed.entries.reduce((sum, entry) => sum + entry.lines.length, 0),
    valid: problems.length === 0,
    problems: sortProblems(problems, parsed.keys),
  };
  return { report, parsed, reference };
}
