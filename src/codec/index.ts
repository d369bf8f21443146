// AFAS page bytes → COPY bytes. Pure: no HTTP, no PostgreSQL connection. The scanner's slot
// layout stays inside this folder; the rest of the code sees pages, rows and encoded pages.
export { RowLimitError, scanPage, scannedRowText, type ScannedPage } from './scan.js';
export { rowsAtMost } from './row-count.js';
export {
  copyEscape,
  encodeValue,
  fieldValue,
  keyValueText,
  rowKeyText,
  RowDataError,
  wallTime,
  type RawRow,
} from './cells.js';
export { encodePage, EMPTY_PAGE, type EncodedPage, type PageRows } from './encode-page.js';
export { COPY_CHUNK_ROWS, type RowContext, type WriterContext } from './lines.js';
export { latestWallTime } from './page-fields.js';
export { PAGE_BUFFERS_MAX_IDLE_BYTES, PageBufferPool, pageBuffers } from './page-buffers.js';
