// One page of AFAS rows → validated COPY bytes: the first step of the one write path, shared by
// syncs and imports (see db/dataset-writer.ts for what happens to the bytes next).
import type { ResolvedDataset } from '../db/dataset-schema.js';
import type { RawRow } from './cells.js';
import { encodeRowChunks } from './encode-parsed.js';
import { encodeScannedRows } from './encode-scanned.js';
import { COPY_CHUNK_ROWS, lineFrame, type RowContext, type WriterContext } from './lines.js';
import { pageBuffers } from './page-buffers.js';
import type { ScannedPage } from './scan.js';

/** A page as the encoder needs it (an AfasPage is one). */
export interface PageRows {
  /** The page's JSON bytes with the position of every row and value, or null (see scanPage()). */
  readonly scanned: ScannedPage | null;
  /** The page's JSON held no backslash (see RowContext.plain). */
  readonly plain: boolean;
  readonly rowCount: number;
  /** Parses the page's rows (each call parses anew). */
  parse(): readonly RawRow[];
}

/**
 * A page's rows as validated COPY lines. Lines have the same columns for a stage and for the
 * table: `_source, _administration, <columns…>, _raw[, _entry_day], _run_id`.
 */
export interface EncodedPage {
  readonly rows: number;
  /** COPY text, or its UTF-8 bytes when encoded from a scanned page. */
  readonly chunks: readonly (string | Buffer)[];
  /**
   * Gives the buffer the chunks are views of back to its pool (see page-buffers.ts). Call it once
   * the page's COPY committed, and never read the chunks after; a page that was not committed is
   * left to the garbage collector.
   */
  readonly release: () => void;
}

const NOTHING_TO_RELEASE = () => undefined;

/** A page with no rows. */
export const EMPTY_PAGE: EncodedPage = { rows: 0, chunks: [], release: NOTHING_TO_RELEASE };

/**
 * Validates and encodes a page's rows. Call it as soon as the page arrives: the COPY bytes are a
 * fraction of the size of row objects, and nothing of the page but its bytes outlives this call.
 * A scanned page is encoded from its bytes without parsing its rows, unless a value needs more
 * than copying; then (and for a page the scanner refused) the rows are parsed and encoded, which
 * also names what is wrong. Throws RowDataError on the first bad value, before anything is
 * written, and on an empty row (`{}`) before any row is encoded.
 */
export function encodePage(
  dataset: ResolvedDataset,
  context: WriterContext,
  page: PageRows,
  rows: RowContext,
): EncodedPage {
  const frame = lineFrame(context);
  const scanned = page.scanned;
  if (scanned !== null) {
    const encoded = encodeScannedRows(dataset, scanned, rows, frame, COPY_CHUNK_ROWS, pageBuffers);
    if (encoded !== null) {
      const { chunks, buffer } = encoded;
      if (buffer === null) return { rows: scanned.rowCount, chunks, release: NOTHING_TO_RELEASE };
      let released = false;
      const release = () => {
        if (released) return;
        released = true;
        pageBuffers.release(buffer);
      };
      return { rows: scanned.rowCount, chunks, release };
    }
  }
  const parsed = page.parse();
  // A scanned page's text has no backslash at all: its parsed rows are plain.
  const rowContext = { ...rows, plain: scanned !== null || page.plain };
  return {
    rows: parsed.length,
    chunks: encodeRowChunks(dataset, parsed, rowContext, COPY_CHUNK_ROWS, frame),
    release: NOTHING_TO_RELEASE,
  };
}
