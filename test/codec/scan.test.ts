// The GetConnector page scanner: positions of rows and values in compact, escape-free JSON, and a
// refusal (null → JSON.parse) for everything else.
import { describe, expect, it } from 'vitest';
import {
  FIELD_SLOTS,
  ROW_SLOTS,
  RowLimitError,
  scanPage,
  VALUE_FALSE,
  VALUE_NULL,
  VALUE_NUMBER,
  VALUE_STRING,
  VALUE_TRUE,
  type ScannedPage,
} from '../../src/codec/scan.js';

type Value = string | number | boolean | null;

const scannedText = (page: ScannedPage, from: number, to: number) => page.bytes.toString('utf8', from, to);

function valueOf(literal: string, kind: number): Value {
  if (kind === VALUE_STRING) return literal;
  if (kind === VALUE_NUMBER) return Number(literal);
  if (kind === VALUE_TRUE) return true;
  if (kind === VALUE_FALSE) return false;
  expect(kind).toBe(VALUE_NULL);
  return null;
}

/** Rebuilds the rows from the scan's positions alone, typed as JSON.parse would give them. */
function rowsFromScan(page: ScannedPage): Record<string, Value>[] {
  const rows: Record<string, Value>[] = [];
  for (let r = 0; r < page.rowCount; r++) {
    const row: Record<string, Value> = {};
    const first = page.rowBounds[r * ROW_SLOTS + 2] as number;
    const count = page.rowBounds[r * ROW_SLOTS + 3] as number;
    for (let f = first; f < first + count; f++) {
      const [nameStart, nameEnd, valueStart, valueEnd, kind] = Array.from(
        page.fields.subarray(f * FIELD_SLOTS, f * FIELD_SLOTS + FIELD_SLOTS),
      ) as [number, number, number, number, number];
      row[scannedText(page, nameStart, nameEnd)] = valueOf(scannedText(page, valueStart, valueEnd), kind);
    }
    rows.push(row);
  }
  return rows;
}

function rowTexts(page: ScannedPage): string[] {
  return Array.from({ length: page.rowCount }, (_, r) =>
    scannedText(page, page.rowBounds[r * ROW_SLOTS] as number, page.rowBounds[r * ROW_SLOTS + 1] as number),
  );
}

/** The most rows a page may hold in these tests (AFAS's largest take). */
const TAKE = 10_000;

/** scanPage() of a text, as the client hands it the response body. */
const scan = (text: string) => scanPage(Buffer.from(text, 'utf8'), TAKE);

describe('scanPage', () => {
  it('finds every row and value of a compact page, and the echoed take', () => {
    const rows = [
      {
        UnitId: 1,
        EntryNo: 12,
        AmtDebit: -1806.2,
        Small: 1.5e-7,
        Big: 2e21,
        Description: 'Verkoop ë 😀',
        Note: null,
      },
      { UnitId: 1, EntryNo: 13, Blocked: true, Open: false, Empty: '', '': 'unnamed' },
      {},
    ];
    const text = JSON.stringify({ skip: 0, take: 100, rows });
    const page = scan(text);
    expect(page).not.toBeNull();
    expect(page?.rowCount).toBe(3);
    expect(page?.echoedTake).toBe(100);
    expect(rowsFromScan(page as ScannedPage)).toEqual(rows);
    // Each row's own text is the row as JSON.
    expect(rowTexts(page as ScannedPage)).toEqual(rows.map((row) => JSON.stringify(row)));
  });

  it('takes an empty page and an envelope without take', () => {
    expect(scan('{"skip":0,"take":10,"rows":[]}')).toMatchObject({ rowCount: 0, echoedTake: 10 });
    expect(scan('{"rows":[{"a":1}]}')).toMatchObject({ rowCount: 1, echoedTake: null });
    expect(scan('{"skip":5,"take":0,"rows":[]}')?.echoedTake).toBeNull();
  });

  it('works on the UTF-8 bytes: multi-byte names and values, a byte-order mark', () => {
    const rows = [{ 'Omschrijving€': 'Café 😀 Ωmega', 'Btw-nummer': 'NL001' }];
    const body = JSON.stringify({ skip: 0, take: 1, rows });
    const page = scanPage(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(body)]), TAKE);
    expect(page).not.toBeNull();
    expect(rowsFromScan(page as ScannedPage)).toEqual(rows);
    expect(rowTexts(page as ScannedPage)).toEqual([JSON.stringify(rows[0])]);
  });

  it('leaves bytes that are not UTF-8 to JSON.parse (which decodes them to U+FFFD)', () => {
    const body = Buffer.from('{"rows":[{"a":"x?"}]}', 'latin1');
    body[body.indexOf('?')] = 0xe9; // Latin-1 é: not UTF-8 on its own
    expect(scanPage(body, TAKE)).toBeNull();
  });

  it('agrees with JSON.parse on generated pages', () => {
    let seed = 7;
    const random = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    const values: Value[] = [
      0,
      -0.5,
      123456789012345,
      1e-9,
      -3e300,
      'x',
      'Ünïcödé',
      ' ',
      '{[,:]} ,',
      true,
      false,
      null,
    ];
    for (let round = 0; round < 50; round++) {
      const rows = Array.from({ length: Math.floor(random() * 20) }, () =>
        Object.fromEntries(
          Array.from({ length: Math.floor(random() * 8) }, (_, f) => [
            `F${f}`,
            values[Math.floor(random() * values.length)] ?? null,
          ]),
        ),
      );
      const text = JSON.stringify({ skip: round, take: 20, rows });
      const page = scan(text);
      expect(page, text).not.toBeNull();
      expect(rowsFromScan(page as ScannedPage)).toEqual((JSON.parse(text) as { rows: unknown }).rows);
    }
  });

  it.each([
    ['an escaped quote', '{"rows":[{"a":"say \\"hi\\""}]}'],
    ['an escaped unicode character', '{"rows":[{"a":"\\u00e9"}]}'],
    ['an escaped key', '{"rows":[{"a\\/b":1}]}'],
    ['a raw control character in a string', '{"rows":[{"a":"tab\there"}]}'],
    ['whitespace between tokens', '{"rows": [{"a":1}]}'],
    ['a newline between rows', '{"rows":[{"a":1},\n{"a":2}]}'],
    ['a nested object', '{"rows":[{"a":{"b":1}}]}'],
    ['a nested array', '{"rows":[{"a":[1]}]}'],
    ['a row that is not an object', '{"rows":[1]}'],
    ['a member after the rows', '{"rows":[{"a":1}],"next":2}'],
    ['a string member before the rows', '{"id":"x","rows":[]}'],
    ['no rows member', '{"skip":0,"take":1}'],
    ['text after the envelope', '{"rows":[]}x'],
    ['an unterminated string', '{"rows":[{"a":"x}]}'],
    ['an unterminated page', '{"rows":[{"a":1}'],
    ['a leading zero', '{"rows":[{"a":01}]}'],
    ['a bare minus', '{"rows":[{"a":-}]}'],
    ['a dot without digits', '{"rows":[{"a":1.}]}'],
    ['an exponent without digits', '{"rows":[{"a":1e}]}'],
    ['a plus sign', '{"rows":[{"a":+1}]}'],
    ['NaN', '{"rows":[{"a":NaN}]}'],
    ['a misspelt literal', '{"rows":[{"a":nul}]}'],
    ['a missing colon', '{"rows":[{"a" 1}]}'],
    ['a trailing comma in a row', '{"rows":[{"a":1,}]}'],
    ['a trailing comma after a row', '{"rows":[{"a":1},]}'],
  ])('leaves %s to JSON.parse', (_what, text) => {
    expect(scan(text)).toBeNull();
  });

  describe('rows beyond the take asked for', () => {
    const page = (rows: number, tail = ']}') =>
      Buffer.from(`{"skip":0,"take":3,"rows":[${'{},'.repeat(rows - 1)}{}${tail}`);

    it('takes exactly maxRows rows', () => {
      expect(scanPage(page(3), 3)?.rowCount).toBe(3);
    });

    it('throws RowLimitError at the first row beyond maxRows', () => {
      expect(() => scanPage(page(4), 3)).toThrow(RowLimitError);
      expect(() => scanPage(page(4), 3)).toThrow('the page holds more than the 3 rows asked for');
    });

    it('stops there: what follows the row too many is never read', () => {
      // Row 4 opens, then garbage: a scan that went on would refuse the page (null) instead.
      expect(() => scanPage(page(3, ',{"a":1 this is not JSON'), 3)).toThrow(RowLimitError);
    });

    it('refuses two million empty rows at row 4,001 of a take of 4,000', () => {
      expect(() => scanPage(page(2_000_000), 4_000)).toThrow(new RowLimitError(4_000).message);
    });
  });
});
