// A GetConnector page read without JSON.parse: where every row and every value stands in the
// response body's bytes.
//
// A journal-line page is ~1.7 MB of flat objects. JSON.parse builds 4,000 objects of 18 properties,
// and the import then turns each back into text (COPY cells and `_raw`) and that text into UTF-8
// again for the socket. For the usual page, compact JSON whose strings need no escape, positions
// are enough: a consumer copies cells and each row's own JSON straight from the body's bytes (see
// encode-scanned.ts). Anything else (an escape, whitespace, a nested value, another
// envelope, bytes that are not UTF-8) is left to JSON.parse: scanPage() then returns null.
//
// Working on UTF-8 bytes is exact for this: every byte of a multi-byte character is ≥ 0x80, so a
// byte `"`, `\`, `{`, `,` or below 0x20 is always that ASCII character.
//
// Memory: everything the scan (and the encoder after it) allocates grows with the rows, so the
// scan stops at the first row beyond the `take` that was asked for. Bytes alone bound nothing
// here: a 128 MB body of `{},` is 40 million rows.

import { isUtf8 } from 'node:buffer';

/** Value kinds in ScannedPage.fields. */
export const VALUE_STRING = 1;
export const VALUE_NUMBER = 2;
export const VALUE_NULL = 3;
export const VALUE_TRUE = 4;
export const VALUE_FALSE = 5;

/** Int32 slots per row in ScannedPage.rowBounds, and per field in ScannedPage.fields. */
export const ROW_SLOTS = 4;
export const FIELD_SLOTS = 5;

/**
 * A page's rows as positions in its JSON bytes. The bytes are valid UTF-8 and hold no backslash and
 * no control character, so every string in them (name or value) is exactly the bytes between its
 * quotes.
 */
export interface ScannedPage {
  readonly bytes: Buffer;
  readonly rowCount: number;
  /**
   * ROW_SLOTS per row: start and end (exclusive) of its `{…}` in `bytes`, the index of its first
   * field in `fields`, and how many fields it has.
   */
  readonly rowBounds: Int32Array;
  /**
   * FIELD_SLOTS per field: name start, name end (inside the quotes), value start, value end
   * (inside the quotes for a string), value kind (VALUE_*).
   */
  readonly fields: Int32Array;
  /** The envelope's `take`, when it is a positive integer. */
  readonly echoedTake: number | null;
}

/** A page that holds more rows than were asked for: the scan stopped at the first one too many. */
export class RowLimitError extends Error {
  /** `maxRows`: the most rows the page may hold (the request's take). */
  constructor(readonly maxRows: number) {
    super(`the page holds more than the ${maxRows} rows asked for`);
    this.name = 'RowLimitError';
  }
}

/** `{"skip":0,"take":4000,"rows":[` and the like: integer members, then the rows. */
const ENVELOPE_HEAD = /^\{(?:"[A-Za-z]+":-?\d{1,15},)*"rows":\[$/;
const TAKE_MEMBER = /"take":(\d{1,15}),/;
/** Longest envelope head looked at. */
const HEAD_MAX = 200;

const QUOTE = 34;
const PLUS = 43;
const COMMA = 44;
const MINUS = 45;
const DOT = 46;
const ZERO = 48;
const NINE = 57;
const COLON = 58;
const BACKSLASH = 92;
const CLOSE_BRACKET = 93;
const LOWER_E = 101;
const UPPER_E = 69;
const OPEN_BRACE = 123;
const CLOSE_BRACE = 125;

function isDigit(c: number | undefined): boolean {
  return c !== undefined && c >= ZERO && c <= NINE;
}

/** End of the JSON number literal at `i`, or -1 when it is not one (JSON's grammar, exactly). */
function numberEnd(bytes: Buffer, i: number): number {
  let j = i;
  if (bytes[j] === MINUS) j++;
  const first = bytes[j];
  if (first === ZERO) j++;
  else if (first !== undefined && first > ZERO && first <= NINE) while (isDigit(bytes[++j]));
  else return -1;
  if (bytes[j] === DOT) {
    if (!isDigit(bytes[++j])) return -1;
    while (isDigit(bytes[++j]));
  }
  const e = bytes[j];
  if (e === LOWER_E || e === UPPER_E) {
    let c = bytes[++j];
    if (c === PLUS || c === MINUS) c = bytes[++j];
    if (!isDigit(c)) return -1;
    while (isDigit(bytes[++j]));
  }
  return j;
}

/** The kind of the literal `null`, `true` or `false` at `i`, or 0. */
function literalAt(bytes: Buffer, i: number): number {
  const c = bytes[i];
  if (c === 110) return spells(bytes, i, 'null') ? VALUE_NULL : 0; // n
  if (c === 116) return spells(bytes, i, 'true') ? VALUE_TRUE : 0; // t
  if (c === 102) return spells(bytes, i, 'false') ? VALUE_FALSE : 0; // f
  return 0;
}

/** Whether `bytes[i…]` spells `word`. */
function spells(bytes: Buffer, i: number, word: string): boolean {
  for (let k = 0; k < word.length; k++) if (bytes[i + k] !== word.charCodeAt(k)) return false;
  return true;
}

/**
 * Index of the `"` that ends the string whose content starts at `i`, or -1 when there is none or
 * the content holds a backslash (an escape) or a byte below 0x20 (invalid in JSON strings).
 * Outside strings every byte is checked by the scan itself, so this covers the whole page.
 */
function stringEnd(bytes: Buffer, i: number, n: number): number {
  for (let j = i; j < n; j++) {
    const b = bytes[j] as number;
    if (b === QUOTE) return j;
    if (b < 0x20 || b === BACKSLASH) return -1;
  }
  return -1;
}

/** A growable Int32Array. */
class IntList {
  array: Int32Array;
  length = 0;
  constructor(capacity: number) {
    this.array = new Int32Array(Math.max(16, capacity));
  }
  push(value: number): void {
    if (this.length === this.array.length) {
      const bigger = new Int32Array(this.array.length * 2);
      bigger.set(this.array);
      this.array = bigger;
    }
    this.array[this.length++] = value;
  }
  done(): Int32Array {
    return this.array.subarray(0, this.length);
  }
}

/**
 * Scans a GetConnector response body. Returns null when it is not compact, escape-free UTF-8
 * JSON of flat rows in an envelope of integer members: the caller parses it with JSON.parse then
 * (which also reports what is malformed). What it accepts is valid JSON with the same rows.
 * Throws RowLimitError as soon as it meets a row beyond `maxRows` (the take asked for), before
 * anything is sized for it.
 */
export function scanPage(bytes: Buffer, maxRows: number): ScannedPage | null {
  const n = bytes.length;
  // A UTF-8 byte-order mark is not part of the JSON.
  const start = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
  if (!isUtf8(bytes)) return null;
  const rowsAt = bytes.indexOf('"rows":[', start, 'latin1');
  if (rowsAt < 0 || rowsAt - start > HEAD_MAX) return null;
  const head = bytes.toString('latin1', start, rowsAt + 8);
  if (!ENVELOPE_HEAD.test(head)) return null;
  const take = TAKE_MEMBER.exec(head);
  // ~20 fields of ~24 bytes per row: a first guess at the sizes, grown when short.
  const guessRows = Math.min(Math.ceil(n / 400), maxRows);
  const rowBounds = new IntList(guessRows * ROW_SLOTS);
  const fields = new IntList(guessRows * 20 * FIELD_SLOTS);
  let rowCount = 0;
  let i = rowsAt + 8;
  if (bytes[i] === CLOSE_BRACKET) {
    i++;
  } else {
    for (;;) {
      if (bytes[i] !== OPEN_BRACE) return null;
      if (rowCount === maxRows) throw new RowLimitError(maxRows);
      const firstField = fields.length / FIELD_SLOTS;
      rowBounds.push(i);
      rowBounds.push(0); // its end and field count, set below
      rowBounds.push(firstField);
      rowBounds.push(0);
      i++;
      if (bytes[i] === CLOSE_BRACE) {
        i++;
      } else {
        for (;;) {
          if (bytes[i] !== QUOTE) return null;
          const nameStart = i + 1;
          const nameEnd = stringEnd(bytes, nameStart, n);
          if (nameEnd < 0 || bytes[nameEnd + 1] !== COLON) return null;
          i = nameEnd + 2;
          const c = bytes[i];
          let valueStart = i;
          let valueEnd: number;
          let kind: number;
          if (c === QUOTE) {
            valueStart = i + 1;
            valueEnd = stringEnd(bytes, valueStart, n);
            if (valueEnd < 0) return null;
            kind = VALUE_STRING;
            i = valueEnd + 1;
          } else if (c === MINUS || isDigit(c)) {
            valueEnd = numberEnd(bytes, i);
            if (valueEnd < 0) return null;
            kind = VALUE_NUMBER;
            i = valueEnd;
          } else {
            kind = literalAt(bytes, i);
            // Else a nested object or array, or something that is not JSON.
            if (kind === 0) return null;
            valueEnd = i + (kind === VALUE_FALSE ? 5 : 4);
            i = valueEnd;
          }
          fields.push(nameStart);
          fields.push(nameEnd);
          fields.push(valueStart);
          fields.push(valueEnd);
          fields.push(kind);
          const next = bytes[i++];
          if (next === CLOSE_BRACE) break;
          if (next !== COMMA) return null;
        }
      }
      rowBounds.array[rowCount * ROW_SLOTS + 1] = i;
      rowBounds.array[rowCount * ROW_SLOTS + 3] = fields.length / FIELD_SLOTS - firstField;
      rowCount++;
      const next = bytes[i++];
      if (next === CLOSE_BRACKET) break;
      if (next !== COMMA) return null;
    }
  }
  // Only the envelope's closing brace may follow the rows.
  if (i !== n - 1 || bytes[i] !== CLOSE_BRACE) return null;
  const echoed = take === null ? null : Number(take[1]);
  return {
    bytes,
    rowCount,
    rowBounds: rowBounds.done(),
    fields: fields.done(),
    echoedTake: echoed !== null && echoed > 0 ? echoed : null,
  };
}

/** The JSON text of row `index` (0-based). */
export function scannedRowText(page: ScannedPage, index: number): string {
  const at = index * ROW_SLOTS;
  return page.bytes.toString('utf8', page.rowBounds[at], page.rowBounds[at + 1]);
}

/**
 * Calls `visit` with the text of `field`'s value in every row where it is a string (JSON.parse
 * semantics: a field that comes twice counts with its last value).
 */
export function forEachStringValue(page: ScannedPage, field: string, visit: (value: string) => void): void {
  const name = Buffer.from(field, 'utf8');
  const { bytes, rowBounds, fields, rowCount } = page;
  for (let r = 0; r < rowCount; r++) {
    const first = rowBounds[r * ROW_SLOTS + 2] as number;
    const count = rowBounds[r * ROW_SLOTS + 3] as number;
    let found = -1;
    for (let f = first; f < first + count; f++) {
      const token = f * FIELD_SLOTS;
      const nameStart = fields[token] as number;
      const nameEnd = fields[token + 1] as number;
      if (
        nameEnd - nameStart === name.length &&
        bytes.compare(name, 0, name.length, nameStart, nameEnd) === 0
      )
        found = token;
    }
    if (found >= 0 && fields[found + 4] === VALUE_STRING)
      visit(bytes.toString('utf8', fields[found + 2], fields[found + 3]));
  }
}
