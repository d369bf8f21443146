// Lossless JSON for AFAS pages, and exact decimal-literal helpers.
//
// JSON.parse turns every number into a float64. A literal with at most 15 significant digits and an
// exponent below 100 always survives that (the nearest double prints back as the same decimal value),
// so the fast path is plain JSON.parse. A cheap scan looks for what could break that rule anywhere in
// the text: 8 digits followed by a digit or a dot (any literal with 16+ significant digits contains
// that), or a 3-digit exponent. Only then does a second pass, which knows where strings are, put
// quotes around each number literal that would NOT round-trip, so JSON.parse keeps it as its exact
// decimal string. False alarms (e.g. an IBAN inside a string) only cost that second pass.

/** JSON's number grammar. */
const NUMBER_LITERAL = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?$/;

/**
 * One scan for either sign of trouble: 8 digits followed by a digit or a dot (could be part of a
 * literal with 16+ significant digits; also matches inside strings), or a 3-digit exponent (could
 * be outside float64's range). Written out as `\d\d…` rather than `\d{8}` and as one alternation:
 * V8's regexp engine scans that several times faster, and this scan runs over every page.
 */
const SUSPECT = /\d\d\d\d\d\d\d\d[\d.]|[eE][-+]?\d\d\d/;

/** Decimal notations accepted from strings: JSON's plus a leading `+`, `.5`, `5.` (older AFAS wrote `-.5`). */
const RELAXED_DECIMAL = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

/** Beyond this exponent a decimal is not expanded into plain notation (guards against "1e999999999"). */
const MAX_PLAIN_EXPONENT = 1000;

interface DecimalParts {
  readonly negative: boolean;
  /** Significant digits without leading or trailing zeros; '' for zero. */
  readonly digits: string;
  /** value = digits × 10^exponent */
  readonly exponent: number;
}

function decimalParts(literal: string): DecimalParts {
  let body = literal;
  let negative = false;
  if (body.startsWith('-')) {
    negative = true;
    body = body.slice(1);
  } else if (body.startsWith('+')) {
    body = body.slice(1);
  }
  let exponent = 0;
  const e = body.search(/[eE]/);
  if (e >= 0) {
    exponent = Number(body.slice(e + 1));
    body = body.slice(0, e);
  }
  const dot = body.indexOf('.');
  let digits = body;
  if (dot >= 0) {
    digits = body.slice(0, dot) + body.slice(dot + 1);
    exponent -= body.length - dot - 1;
  }
  let start = 0;
  while (start < digits.length && digits.charCodeAt(start) === 48) start++;
  let end = digits.length;
  while (end > start && digits.charCodeAt(end - 1) === 48) end--;
  exponent += digits.length - end;
  digits = digits.slice(start, end);
  if (digits === '') return { negative: false, digits: '', exponent: 0 };
  return { negative, digits, exponent };
}

/** True when `literal` is a JSON number literal (e.g. "-0.5", "1806.22", "1e3"). */
export function isNumberLiteral(literal: string): boolean {
  return NUMBER_LITERAL.test(literal);
}

/**
 * The exact decimal value of a decimal literal in plain notation: no exponent, no superfluous zeros,
 * no "-0" (e.g. "1806.20" → "1806.2", "-.5" → "-0.5", "1e3" → "1000").
 * Returns null when the text is not a decimal literal or its exponent is absurdly large.
 */
export function toPlainDecimal(literal: string): string | null {
  if (!RELAXED_DECIMAL.test(literal)) return null;
  const { negative, digits, exponent } = decimalParts(literal);
  if (digits === '') return '0';
  if (Math.abs(exponent) + digits.length > MAX_PLAIN_EXPONENT) return null;
  let plain: string;
  if (exponent >= 0) {
    plain = digits + '0'.repeat(exponent);
  } else {
    const point = digits.length + exponent;
    plain =
      point > 0 ? `${digits.slice(0, point)}.${digits.slice(point)}` : `0.${'0'.repeat(-point)}${digits}`;
  }
  return negative ? `-${plain}` : plain;
}

/** A finite double in plain decimal notation using its shortest round-trip digits (0.1 → "0.1", 1e21 → "1000…0"). */
export function numberToPlainDecimal(value: number): string {
  if (!Number.isFinite(value)) throw new RangeError('not a finite number');
  // String() gives the shortest digits that round-trip ("0" for -0); only exponent notation needs fixing.
  const text = String(value);
  return text.includes('e') ? (toPlainDecimal(text) ?? text) : text;
}

function significantDigitCount(literal: string): number {
  let count = 0;
  for (let i = 0; i < literal.length; i++) {
    const c = literal.charCodeAt(i);
    if (c >= 48 && c <= 57) count++;
  }
  return count;
}

/** True when JSON.parse of this literal gives a double whose shortest form has the same decimal value. */
export function literalRoundTrips(literal: string): boolean {
  if (significantDigitCount(literal) <= 15 && !/[eE]/.test(literal)) return true;
  const value = Number(literal);
  if (!Number.isFinite(value)) return false;
  const a = decimalParts(literal);
  const b = decimalParts(String(value));
  return a.negative === b.negative && a.digits === b.digits && a.exponent === b.exponent;
}

/** Index just past the string that opens at `start` (a `"`), or the text length when unterminated. */
function skipString(text: string, start: number): number {
  let i = start;
  for (;;) {
    i = text.indexOf('"', i + 1);
    if (i < 0) return text.length;
    let backslashes = 0;
    for (let j = i - 1; text.charCodeAt(j) === 92; j--) backslashes++;
    if (backslashes % 2 === 0) return i + 1;
  }
}

function isNumberChar(c: number): boolean {
  // 0-9 . - + e E
  return (c >= 48 && c <= 57) || c === 46 || c === 45 || c === 43 || c === 101 || c === 69;
}

/** Puts quotes around every number literal (outside strings) that would not survive JSON.parse. */
export function quoteUnsafeNumbers(text: string): string {
  let parts: string[] | null = null;
  let copied = 0;
  let i = 0;
  const n = text.length;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === 34) {
      i = skipString(text, i);
    } else if (c === 45 || (c >= 48 && c <= 57)) {
      let j = i + 1;
      while (j < n && isNumberChar(text.charCodeAt(j))) j++;
      const literal = text.slice(i, j);
      if (NUMBER_LITERAL.test(literal) && !literalRoundTrips(literal)) {
        parts ??= [];
        parts.push(text.slice(copied, i), '"', literal, '"');
        copied = j;
      }
      i = j;
    } else {
      i++;
    }
  }
  if (parts === null) return text;
  parts.push(text.slice(copied));
  return parts.join('');
}

/**
 * Parses JSON like JSON.parse, except that a number literal which does not survive a float64 round
 * trip is returned as its exact literal string (e.g. 12345678901234567.89 → "12345678901234567.89").
 * Throws SyntaxError for malformed JSON, as JSON.parse does.
 */
export function parseAfasJson(text: string): unknown {
  const suspect = SUSPECT.test(text);
  return JSON.parse(suspect ? quoteUnsafeNumbers(text) : text);
}
