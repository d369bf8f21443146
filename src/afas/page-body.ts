// A GetConnector response body as a page value: scanned when it is compact JSON without escapes
// (the usual case: encoders then copy straight from the bytes), else parsed once to validate it.
import { RowLimitError, rowsAtMost, scanPage, scannedRowText, type ScannedPage } from '../codec/index.js';
import { parseAfasJson } from './json.js';
import type { FetchedPage, PageBody } from './pages.js';
import type { AfasRow } from './values.js';

const BACKSLASH = 0x5c;

/** The body as text (UTF-8, without a byte-order mark). */
function bodyText(body: Buffer): string {
  return body.toString('utf8').replace(/^\uFEFF/, '');
}

function rowsOf(body: Buffer): AfasRow[] {
  // Only called on a body that was validated as an object with a "rows" array of objects.
  return (parseAfasJson(bodyText(body)) as { rows: AfasRow[] }).rows;
}

/** The error for a page of more rows than the take asked for (refused before its rows are built). */
function tooManyRows(
  what: string,
  maxRows: number,
  bytes: number,
  badResponse: (message: string) => Error,
): Error {
  return badResponse(
    `${what}: AFAS sent more rows than the ${maxRows} asked for (counting stopped at row ` +
      `${maxRows + 1} of a ${bytes}-byte body); the page was refused before its rows were read`,
  );
}

/** scanPage(), with a page of too many rows refused as a bad response. */
function scanWithin(
  body: Buffer,
  what: string,
  maxRows: number,
  badResponse: (message: string) => Error,
): ScannedPage | null {
  try {
    return scanPage(body, maxRows);
  } catch (error) {
    if (error instanceof RowLimitError) throw tooManyRows(what, maxRows, body.length, badResponse);
    throw error;
  }
}

/**
 * Reads a response body into a page. `what` names the request in errors (`GetConnector X (skip
 * 0, take 100)`); `maxRows` is the take asked for: a body of more rows is refused before its rows
 * are built (AFAS answers at most take rows, and memory grows with rows, not with bytes);
 * `badResponse` makes the error to throw for a body that is not a page, with the message already
 * free of secrets (`redact` is applied to parser messages, which quote the body).
 */
export function pageBody(
  body: Buffer,
  what: string,
  maxRows: number,
  badResponse: (message: string) => Error,
  redact: (text: string) => string,
): Omit<FetchedPage, 'requestMs' | 'responseDateMs' | 'bytes' | 'parseMs'> {
  const scanned = scanWithin(body, what, maxRows, badResponse);
  if (scanned !== null) {
    return {
      body,
      scanned,
      plain: true,
      rowCount: scanned.rowCount,
      // What the scan accepted is valid JSON with an array of objects under "rows".
      parse: () => rowsOf(body),
      lastRow: () =>
        scanned.rowCount === 0
          ? undefined
          : (parseAfasJson(scannedRowText(scanned, scanned.rowCount - 1)) as AfasRow),
      echoedTake: scanned.echoedTake,
    };
  }
  // JSON.parse would build every row before anything could count them.
  if (!rowsAtMost(body, maxRows)) throw tooManyRows(what, maxRows, body.length, badResponse);
  let parsed: unknown;
  try {
    parsed = parseAfasJson(bodyText(body));
  } catch (error) {
    const detail = error instanceof Error ? redact(error.message).slice(0, 200) : 'parse error';
    throw badResponse(`Malformed JSON in the response of ${what}: ${detail}`);
  }
  if (typeof parsed !== 'object' || parsed === null || !Array.isArray((parsed as { rows?: unknown }).rows)) {
    throw badResponse(`${what}: the response has no "rows" array`);
  }
  const { rows, take } = parsed as { rows: unknown[]; take?: unknown };
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i];
    if (typeof row !== 'object' || row === null || Array.isArray(row)) {
      throw badResponse(`${what}: row ${i} is not an object`);
    }
  }
  const rowCount = rows.length;
  // The validated rows are dropped here (they die young); parse() reads the bytes again.
  return {
    body,
    scanned: null,
    plain: body.indexOf(BACKSLASH) < 0,
    rowCount,
    parse: () => rowsOf(body),
    lastRow: () => (rowCount === 0 ? undefined : rowsOf(body)[rowCount - 1]),
    echoedTake: typeof take === 'number' && Number.isInteger(take) && take > 0 ? take : null,
  };
}

/** A page of rows that were already parsed (the rows of a split part not seen in an earlier part). */
export function pageOfRows(rows: readonly AfasRow[]): PageBody {
  return pageBody(
    Buffer.from(JSON.stringify({ rows }), 'utf8'),
    'a page of parsed rows',
    rows.length,
    (message) => new Error(message),
    (text) => text,
  );
}
