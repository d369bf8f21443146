// COPY lines straight from a scanned page's bytes (see scan.ts): cells and each row's `_raw` are
// copied from the page's UTF-8 JSON, which holds no escape, into COPY bytes. No row object is
// built, no number printed again, no string encoded for the socket.
import type { ResolvedDataset } from '../db/dataset-schema.js';
import { digitsIn, emptyRowError, NULL, printsAsItself, wallTimeLength } from './cells.js';
import { columnKind, KIND_BOOLEAN, KIND_DATE, KIND_INT, KIND_NUMBER, KIND_STRING } from './column-kinds.js';
import type { LineFrame, RowContext } from './lines.js';
import type { PageBufferPool } from './page-buffers.js';
import {
  FIELD_SLOTS,
  ROW_SLOTS,
  VALUE_FALSE,
  VALUE_NULL,
  VALUE_NUMBER,
  VALUE_STRING,
  VALUE_TRUE,
  type ScannedPage,
} from './scan.js';

/** Copies bytes[from, to) into `out` at `at`; returns the position after it. */
function put(bytes: Buffer, from: number, to: number, out: Buffer, at: number): number {
  if (to - from > 48) return at + bytes.copy(out, at, from, to);
  let position = at;
  for (let i = from; i < to; i++) out[position++] = bytes[i] as number;
  return position;
}

const TAB = 9;
const NEWLINE = 10;
const NULL_BYTES = Buffer.from(NULL);

/**
 * encodeRowChunks() for a page that was scanned instead of parsed (see scan.ts): cells and
 * each row's `_raw` are copied from the page's UTF-8 JSON bytes, which hold no escape, straight
 * into COPY bytes. No row object is built, no number printed again, no string encoded for the
 * socket. The lines are the ones encodeRowChunks() writes for the same rows (the `_raw` JSON is
 * AFAS's own text, which jsonb stores the same). Returns null when a row needs more than copying:
 * a value of an unexpected type or form, a missing key, a repeated field, another administration.
 * The caller then encodes the parsed rows with encodeRowChunks(), which also names what is wrong.
 * An empty row (`{}`) throws RowDataError before anything is sized, as encodeRowChunks() does.
 */
export function encodeScannedRows(
  dataset: ResolvedDataset,
  page: ScannedPage,
  context: RowContext,
  frame: LineFrame,
  chunkRows: number,
  buffers?: PageBufferPool,
): { chunks: Buffer[]; buffer: Buffer | null } | null {
  const { bytes, rowBounds, fields: tokens, rowCount } = page;
  for (let r = 0; r < rowCount; r++)
    if (rowBounds[r * ROW_SLOTS + 3] === 0) throw emptyRowError(dataset, r, context.page);
  const columns = dataset.columns;
  const keys = new Set(dataset.keyFields);
  // Slots: the columns, then the administration and entry-day fields when they are not columns.
  const names = columns.map((column) => column.field);
  const slotOf = new Map<string, number>();
  names.forEach((name, index) => {
    if (!slotOf.has(name)) slotOf.set(name, index);
  });
  const slotFor = (field: string | null | undefined): number => {
    if (!field) return -1;
    const known = slotOf.get(field);
    if (known !== undefined) return known;
    names.push(field);
    slotOf.set(field, names.length - 1);
    return names.length - 1;
  };
  const administrationSlot = slotFor(dataset.administrationField);
  const entryDaySlot = slotFor(dataset.entryDateField);
  const kinds = columns.map(columnKind);
  const isKey = columns.map((column) => keys.has(column.field));
  const before = Buffer.from(frame.before);
  const after = Buffer.from(frame.after);
  const tokenOf = new Int32Array(names.length);
  // Rows of one page nearly always list their fields in the same order: the field at position j is
  // compared with the name found there in the previous row before it is looked up.
  const guessName: Buffer[] = [];
  const guessSlot: number[] = [];
  // Worst case of a line: every cell and the row's JSON copied from the row, plus a tab and `\N`
  // per column, the frame, the administration, the entry day and the newline.
  const lineExtra = columns.length * 3 + before.length + after.length + 32;
  const chunks: Buffer[] = [];
  if (rowCount === 0) return { chunks, buffer: null };
  // One buffer for the whole page, its chunks views of it (from `buffers` when given): every
  // allocation outside V8's heap adds to the external memory that makes V8 collect early.
  const size =
    2 * ((rowBounds[(rowCount - 1) * ROW_SLOTS + 1] as number) - (rowBounds[0] as number)) +
    rowCount * lineExtra;
  const out = buffers ? buffers.acquire(size) : Buffer.allocUnsafeSlow(size);
  // A row that needs the parsed path gives the buffer back at once.
  const giveUp = (): null => {
    buffers?.release(out);
    return null;
  };
  let at = 0;
  for (let first = 0; first < rowCount; first += chunkRows) {
    const last = Math.min(rowCount, first + chunkRows);
    const chunkStart = at;
    for (let r = first; r < last; r++) {
      const row = r * ROW_SLOTS;
      const firstField = rowBounds[row + 2] as number;
      const fieldCount = rowBounds[row + 3] as number;
      tokenOf.fill(-1);
      for (let j = 0; j < fieldCount; j++) {
        const token = (firstField + j) * FIELD_SLOTS;
        const nameStart = tokens[token] as number;
        const nameEnd = tokens[token + 1] as number;
        const guess = guessName[j];
        let slot: number;
        if (guess !== undefined && sameBytes(bytes, nameStart, nameEnd, guess)) {
          slot = guessSlot[j] as number;
        } else {
          slot = slotOf.get(bytes.toString('utf8', nameStart, nameEnd)) ?? -1;
          guessName[j] = bytes.subarray(nameStart, nameEnd);
          guessSlot[j] = slot;
        }
        if (slot < 0) continue; // a field with no column: it is kept in _raw only
        if (tokenOf[slot] !== -1) return giveUp(); // the same field twice: JSON.parse keeps the last
        tokenOf[slot] = token;
      }
      at = put(before, 0, before.length, out, at);
      if (administrationSlot >= 0) {
        const token = tokenOf[administrationSlot] as number;
        if (token < 0 || tokens[token + 4] !== VALUE_NUMBER) return giveUp();
        const from = tokens[token + 2] as number;
        const to = tokens[token + 3] as number;
        if (bytes[from] === 45 || to - from > 10 || !printsAsItself(bytes, from, to, true)) return giveUp();
        const value = digitsIn(bytes, from, to - from);
        if (value > 2_147_483_647) return giveUp();
        if (context.administration !== undefined && value !== context.administration) return giveUp();
        at = put(bytes, from, to, out, at);
      } else {
        out[at++] = 48; // 0
      }
      for (let c = 0; c < columns.length; c++) {
        out[at++] = TAB;
        const token = tokenOf[c] as number;
        const kind = token < 0 ? VALUE_NULL : (tokens[token + 4] as number);
        if (kind === VALUE_NULL) {
          if (isKey[c]) return giveUp();
          at = put(NULL_BYTES, 0, 2, out, at);
          continue;
        }
        const from = tokens[token + 2] as number;
        let to = tokens[token + 3] as number;
        switch (kinds[c]) {
          case KIND_STRING:
            if (kind !== VALUE_STRING) return giveUp();
            break;
          case KIND_INT:
            if (kind !== VALUE_NUMBER || !printsAsItself(bytes, from, to, true)) return giveUp();
            break;
          case KIND_NUMBER:
            if (kind !== VALUE_NUMBER || !printsAsItself(bytes, from, to, false)) return giveUp();
            break;
          case KIND_DATE: {
            const length = kind === VALUE_STRING ? wallTimeLength(bytes, from, to) : -1;
            if (length < 0) return giveUp();
            to = from + length;
            break;
          }
          case KIND_BOOLEAN:
            if (kind !== VALUE_TRUE && kind !== VALUE_FALSE) return giveUp();
            out[at++] = kind === VALUE_TRUE ? 116 : 102; // t, f
            continue;
          default:
            return giveUp(); // blob: hex-encoded by encodeValue()
        }
        at = put(bytes, from, to, out, at);
      }
      out[at++] = TAB;
      at = put(bytes, rowBounds[row] as number, rowBounds[row + 1] as number, out, at);
      if (entryDaySlot >= 0) {
        out[at++] = TAB;
        const token = tokenOf[entryDaySlot] as number;
        if (token >= 0 && tokens[token + 4] === VALUE_STRING) {
          const from = tokens[token + 2] as number;
          const to = tokens[token + 3] as number;
          // The first ten characters, as encodeRowChunks() takes them (ASCII in a valid date).
          const dayEnd = dayTextEnd(bytes, from, to);
          if (dayEnd < 0) return giveUp();
          at = put(bytes, from, dayEnd, out, at);
        } else {
          at = put(NULL_BYTES, 0, 2, out, at);
        }
      }
      at = put(after, 0, after.length, out, at);
      out[at++] = NEWLINE;
    }
    chunks.push(out.subarray(chunkStart, at));
  }
  return { chunks, buffer: buffers ? out : null };
}

/** Whether bytes[from, to) equals `name`. */
function sameBytes(bytes: Buffer, from: number, to: number, name: Buffer): boolean {
  if (to - from !== name.length) return false;
  for (let i = 0; i < name.length; i++) if (bytes[from + i] !== name[i]) return false;
  return true;
}

/** End of the first ten characters of bytes[from, to) when they are ASCII (else -1: the parsed path slices characters). */
function dayTextEnd(bytes: Buffer, from: number, to: number): number {
  const end = Math.min(to, from + 10);
  for (let i = from; i < end; i++) if ((bytes[i] as number) >= 0x80) return -1;
  return end;
}
