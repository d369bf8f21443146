// The shape of a COPY line, shared by both encoders and the writer:
// `_source, _administration, <columns…>, _raw[, _entry_day], _run_id`.
import { copyEscape } from './cells.js';

/**
 * Rows per COPY text chunk: a few hundred KB, so no page-sized string is ever built. (150-row
 * chunks, below V8's 128 KB large-object size, measured worse: 379 instead of 280 young-generation
 * collections per 1M rows, the same number of full ones.)
 */
export const COPY_CHUNK_ROWS = 500;

/** Who writes: stored in every row's `_source` and `_run_id`. */
export interface WriterContext {
  source: string;
  runId: string;
}

/** Fixed COPY text around every line, for the columns the rows do not hold (source and run). */
export interface LineFrame {
  /** Put before `_administration`, including its tab. */
  readonly before: string;
  /** Put after the last column, including its tab. */
  readonly after: string;
}

export function lineFrame(context: WriterContext): LineFrame {
  return { before: `${copyEscape(context.source)}\t`, after: `\t${copyEscape(context.runId)}` };
}

/** Where a page's rows came from, for error messages and the administration check. */
export interface RowContext {
  page?: number;
  administration?: number;
  /**
   * The rows were parsed from JSON text without a single backslash (see AfasPage.plain): then no
   * string in them, name or value, holds a NUL, a lone surrogate, a quote, a backslash or any
   * control character (JSON can only write those escaped), so nothing needs cleaning or escaping.
   */
  plain?: boolean;
}
