// How many rows a page holds, counted on its bytes before JSON.parse builds them. The scanner counts
// the pages it reads itself (see scan.ts); this is for the pages it leaves to JSON.parse (escapes,
// whitespace, nested values), where a page of millions of `{}` would otherwise become millions of
// objects before anything could count them.
//
// Works on UTF-8 bytes for the reason scan.ts gives: a byte `"`, `\`, `[`, `{`, `,` is always that
// ASCII character. Malformed JSON is not this count's business: JSON.parse reports it afterwards.

const QUOTE = 34;
const COMMA = 44;
const BACKSLASH = 92;
const OPEN_BRACKET = 91;
const CLOSE_BRACKET = 93;
const OPEN_BRACE = 123;
const CLOSE_BRACE = 125;

/** Index just past the string whose opening quote is at `start` (n when it never ends). */
function afterString(bytes: Buffer, start: number, n: number): number {
  let i = start;
  for (;;) {
    i = bytes.indexOf(QUOTE, i + 1);
    if (i < 0) return n;
    let backslashes = 0;
    for (let j = i - 1; bytes[j] === BACKSLASH; j--) backslashes++;
    if (backslashes % 2 === 0) return i + 1;
  }
}

/**
 * How many rows the body holds, counting no further than `limit + 1`: at most `limit` when it
 * holds that many or fewer, else `limit + 1`. Counted is every value JSON.parse would build beyond
 * a flat row's cells: each element of an array (the envelope's `rows`, or an array of any other
 * shape a hostile body may have), and each object or array nested in a row. For AFAS's flat rows
 * that is exactly the rows.
 */
export function countRows(bytes: Buffer, limit: number): number {
  const n = bytes.length;
  // The containers around the current one: true for an array.
  const outer: boolean[] = [];
  let inArray = false;
  // After `[` and after a comma in an array: the next value is an element.
  let expectElement = false;
  let count = 0;
  let i = 0;
  while (i < n) {
    const c = bytes[i] as number;
    if (c <= 32) {
      i++;
      continue;
    }
    if (expectElement) {
      expectElement = false;
      if (c !== CLOSE_BRACKET && ++count > limit) return count;
    } else if ((c === OPEN_BRACE || c === OPEN_BRACKET) && !inArray && outer.length >= 3) {
      // A container that is a member of a row (or deeper): JSON.parse builds it like a row.
      if (++count > limit) return count;
    }
    if (c === QUOTE) {
      i = afterString(bytes, i, n);
      continue;
    }
    if (c === OPEN_BRACE || c === OPEN_BRACKET) {
      outer.push(inArray);
      inArray = c === OPEN_BRACKET;
      expectElement = inArray;
    } else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) {
      inArray = outer.pop() ?? false;
    } else if (c === COMMA && inArray) {
      expectElement = true;
    }
    i++;
  }
  return count;
}

/** Whether the body holds at most `limit` bytes `{` and `[` together (counted natively, strings too). */
function containersAtMost(bytes: Buffer, limit: number): boolean {
  let count = 0;
  for (const container of [OPEN_BRACE, OPEN_BRACKET])
    for (let i = bytes.indexOf(container); i >= 0; i = bytes.indexOf(container, i + 1))
      if (++count > limit) return false;
  return true;
}

/**
 * Whether the body holds at most `maxRows` rows (see countRows()). Mostly answered by counting
 * the bytes `{` and `[` natively, one search per row: no more of them than the rows, the envelope
 * and its array means no more object rows, and JSON.parse builds no more objects or arrays than
 * that. Only a body with more (a flood, or braces inside strings) is counted value by value, which
 * costs about what JSON.parse does. Rows that are not objects can pass the quick answer; JSON.parse
 * builds them at a few bytes per byte of body, and the page fails as soon as they are seen.
 */
export function rowsAtMost(bytes: Buffer, maxRows: number): boolean {
  return containersAtMost(bytes, maxRows + 2) || countRows(bytes, maxRows) <= maxRows;
}
