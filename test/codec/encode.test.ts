// COPY encoding from a scanned page (copied from the JSON bytes) against the encoding of the parsed
// rows: the same lines, or null so the caller takes the parsed path (pure unit tests).
import { describe, expect, it } from 'vitest';
import { RowDataError, type RawRow } from '../../src/codec/cells.js';
import { encodePage } from '../../src/codec/encode-page.js';
import { encodeRowChunks } from '../../src/codec/encode-parsed.js';
import { encodeScannedRows } from '../../src/codec/encode-scanned.js';
import { PAGE_BUFFERS_MAX_IDLE_BYTES, PageBufferPool, pageBuffers } from '../../src/codec/page-buffers.js';
import { scanPage, type ScannedPage } from '../../src/codec/scan.js';
import { resolveDataset, type FieldSpec } from '../../src/db/dataset-schema.js';
import { journalLinesDefinition } from '../helpers/journal-lines.js';

const definition = journalLinesDefinition;
const fields: FieldSpec[] = [
  { id: 'UnitId', dataType: 'int' },
  { id: 'EntryNo', dataType: 'int' },
  { id: 'SeqNo', dataType: 'int' },
  { id: 'AmtDebit', dataType: 'decimal' },
  { id: 'EntryDate', dataType: 'date' },
  { id: 'Description', dataType: 'string' },
  { id: 'Blocked', dataType: 'boolean' },
];
const resolved = resolveDataset(definition, 'Profit_Transactions', fields);
const frame = { before: 'src\t', after: '\trun-1' };

function line(entry: number, extra: Record<string, RawRow[string]> = {}): RawRow {
  return {
    UnitId: 1,
    EntryNo: entry,
    SeqNo: 1,
    AmtDebit: 1806.22,
    EntryDate: '2024-03-31T00:00:00Z',
    Description: 'Verkoop ë 😀 {x:[1], y}',
    Blocked: false,
    ...extra,
  };
}

function scan(rows: RawRow[]): ScannedPage {
  const page = scanPage(Buffer.from(JSON.stringify({ skip: 0, take: rows.length, rows })), rows.length);
  if (page === null) throw new Error('expected a scannable page');
  return page;
}

/** A scanned page as the encoder takes it. */
function scanned(rows: RawRow[]) {
  return { parse: () => rows, scanned: scan(rows), plain: true, rowCount: rows.length };
}

/** Chunks as text, whether encoded as bytes or as text. */
const texts = (chunks: readonly (string | Buffer)[] | null) =>
  chunks?.map((chunk) => (typeof chunk === 'string' ? chunk : chunk.toString('utf8'))) ?? null;

const parsedLines = (rows: RawRow[], chunkRows = 500) =>
  encodeRowChunks(resolved, rows, { administration: 1, plain: true }, chunkRows, frame);

describe('encodeScannedRows', () => {
  it('writes the lines the parsed rows give, chunk for chunk', () => {
    const rows = [
      line(1),
      line(2, { AmtDebit: -0.000001, Blocked: true, Description: '' }),
      line(3, { AmtDebit: 0, EntryDate: '2024-10-27T02:30:00', Extra: 'kept in _raw only', More: 1e-9 }),
      line(4, { AmtDebit: null, Description: null, Blocked: null, EntryDate: null }),
      line(5, { AmtDebit: 123456789012345, SeqNo: 999999999999999 }),
      line(8, { EntryDate: '2024-03-31T00:00:00.25Z' }),
      // Fields in another order, and some missing altogether.
      { Description: 'reordered', SeqNo: 2, EntryNo: 6, UnitId: 1 },
      line(7, { AmtDebit: -12.5 }),
    ];
    for (const chunkRows of [500, 3, 1]) {
      expect(
        texts(
          encodeScannedRows(resolved, scan(rows), { administration: 1 }, frame, chunkRows)?.chunks ?? null,
        ),
      ).toEqual(parsedLines(rows, chunkRows));
    }
  });

  it.each<[string, RawRow]>([
    ['a decimal given as text', line(1, { AmtDebit: '1.5' as unknown as number })],
    ['a decimal in exponent notation', line(1, { AmtDebit: 1.5e-7 })],
    ['a decimal with 16 digits', line(1, { AmtDebit: 1234567890.123456 })],
    ['an integer beyond 15 digits', line(1, { EntryNo: 1234567890123456 })],
    ['a fractional integer', line(1, { SeqNo: 1.5 })],
    ['a string in an integer column', line(1, { EntryNo: '7' as unknown as number })],
    ['a number in a text column', line(1, { Description: 7 as unknown as string })],
    ['a number in a boolean column', line(1, { Blocked: 1 as unknown as boolean })],
    ['an impossible date', line(1, { EntryDate: '2024-02-30T00:00:00Z' })],
    ['a missing key field', line(1, { SeqNo: null })],
    ['another administration', line(1, { UnitId: 2 })],
    ['a negative administration', line(1, { UnitId: -1 })],
  ])('leaves %s to the parsed path', (_what, row) => {
    expect(encodeScannedRows(resolved, scan([line(9), row]), { administration: 1 }, frame, 500)).toBeNull();
  });

  it.each([
    ['a decimal with a trailing zero', '1.50'],
    ['minus zero', '-0'],
    ['an integer with an exponent', '1E2'],
  ])('leaves %s to the parsed path (String() would print it differently)', (_what, literal) => {
    const page = scanPage(
      Buffer.from(`{"rows":[{"UnitId":1,"EntryNo":1,"SeqNo":1,"AmtDebit":${literal}}]}`),
      1,
    );
    expect(page).not.toBeNull();
    expect(encodeScannedRows(resolved, page as ScannedPage, { administration: 1 }, frame, 500)).toBeNull();
  });

  it('leaves a field that comes twice in a row to the parsed path (JSON.parse keeps the last)', () => {
    const page = scanPage(Buffer.from('{"rows":[{"UnitId":1,"EntryNo":1,"SeqNo":1,"SeqNo":2}]}'), 1);
    expect(page).not.toBeNull();
    expect(encodeScannedRows(resolved, page as ScannedPage, { administration: 1 }, frame, 500)).toBeNull();
  });

  it('leaves a blob column to the parsed path', () => {
    const withBlob = resolveDataset(definition, 'Profit_Transactions', [
      ...fields,
      { id: 'Attachment', dataType: 'blob' },
    ]);
    expect(
      encodeScannedRows(
        withBlob,
        scan([line(1, { Attachment: 'bytes' })]),
        { administration: 1 },
        frame,
        500,
      ),
    ).toBeNull();
  });
});

describe('encodePage with a scanned page', () => {
  const context = { source: 'src', runId: 'run-1' };

  it('encodes without parsing the rows when copying suffices', () => {
    const rows = [line(1), line(2)];
    const page = {
      parse(): RawRow[] {
        throw new Error('the rows were parsed');
      },
      scanned: scan(rows),
      plain: true,
      rowCount: rows.length,
    };
    const encoded = encodePage(resolved, context, page, { administration: 1 });
    expect(encoded.rows).toBe(2);
    expect(texts(encoded.chunks)).toEqual(parsedLines(rows));
  });

  it('falls back to the parsed rows, which name what is wrong', () => {
    const rows = [line(1), line(2, { EntryDate: 'yesterday' })];
    let parsed = 0;
    const page = {
      parse(): RawRow[] {
        parsed += 1;
        return rows;
      },
      scanned: scan(rows),
      plain: true,
      rowCount: rows.length,
    };
    expect(() => encodePage(resolved, context, page, { administration: 1 })).toThrow(RowDataError);
    expect(() => encodePage(resolved, context, page, { administration: 1 })).toThrow(
      /row \(UnitId=1, EntryNo=2, SeqNo=1\), field 'EntryDate': expected a date/,
    );
    expect(parsed).toBeGreaterThan(0);
    const fine = [line(1, { AmtDebit: 1.5e-7 })];
    const encoded = encodePage(resolved, context, scanned(fine), { administration: 1 });
    expect({ rows: encoded.rows, chunks: encoded.chunks }).toEqual({ rows: 1, chunks: parsedLines(fine) });
  });
});

describe('rows without a key', () => {
  const context = { source: 'src', runId: 'run-1' };
  /** The same rows as a scanned page and as a page the scanner refused (parsed only). */
  const bothPaths = (rows: RawRow[]) => [
    { path: 'scanned', page: scanned(rows) },
    { path: 'parsed', page: { ...scanned(rows), scanned: null } },
  ];

  it.each(bothPaths([line(1), line(2), {}, line(3)]))(
    'an empty row fails the $path page, naming connector, field and position',
    ({ page }) => {
      const pool = new PageBufferPool(2, 64 * 1024 * 1024);
      expect(() => encodePage(resolved, context, page, { page: 4000, administration: 1 })).toThrow(
        new RowDataError(
          'Profit_Transactions',
          'EntryNo',
          '(UnitId=null, EntryNo=null, SeqNo=null)',
          'row 2 of the page at skip 4000 is empty ({}), so it has no key',
        ).message,
      );
      const scannedPage = page.scanned;
      if (scannedPage !== null) {
        // Refused before a buffer was sized for the page: none was taken from (or given back to) the pool.
        expect(() =>
          encodeScannedRows(resolved, scannedPage, { administration: 1, page: 4000 }, frame, 500, pool),
        ).toThrow(RowDataError);
        expect(pool.idle).toBe(0);
      }
    },
  );

  it('an empty row fails the page whatever comes before it, on both paths', () => {
    for (const { page } of bothPaths([line(1, { EntryDate: 'yesterday' }), {}]))
      expect(() => encodePage(resolved, context, page, { administration: 1 })).toThrow(
        /row 1 of the page is empty \(\{\}\), so it has no key$/,
      );
  });

  it.each([
    ['missing', line(2, { SeqNo: undefined })],
    ['null', line(2, { SeqNo: null })],
  ])(
    'a key field that is %s fails the page on both paths, naming connector, field and row key',
    (_what, row) => {
      const rows = [line(1), JSON.parse(JSON.stringify(row)) as RawRow];
      for (const { page } of bothPaths(rows))
        expect(() => encodePage(resolved, context, page, { page: 4000, administration: 1 })).toThrow(
          "connector Profit_Transactions, row (UnitId=1, EntryNo=2, SeqNo=null), field 'SeqNo': " +
            'key field is empty (row 1 of the page at skip 4000)',
        );
    },
  );
});

describe('page buffers', () => {
  it('encodes into a pooled buffer, which the next page reuses once released', () => {
    const pool = new PageBufferPool(2, 64 * 1024 * 1024);
    const rows = [line(1), line(2)];
    const first = encodeScannedRows(resolved, scan(rows), { administration: 1 }, frame, 500, pool);
    expect(first?.buffer).not.toBeNull();
    expect(first?.chunks[0]?.buffer).toBe(first?.buffer?.buffer);
    expect(pool.idle).toBe(0);
    pool.release(first?.buffer as Buffer);
    pool.release(first?.buffer as Buffer); // twice is harmless
    expect(pool.idle).toBe(1);
    const other = [line(3)];
    const second = encodeScannedRows(resolved, scan(other), { administration: 1 }, frame, 500, pool);
    expect(second?.buffer).toBe(first?.buffer);
    expect(texts(second?.chunks ?? null)).toEqual(parsedLines(other));
  });

  it('gives the buffer back when the page needs the parsed path', () => {
    const pool = new PageBufferPool(2, 64 * 1024 * 1024);
    const rows = [line(1), line(2, { SeqNo: null })];
    expect(encodeScannedRows(resolved, scan(rows), { administration: 1 }, frame, 500, pool)).toBeNull();
    expect(pool.idle).toBe(1);
  });

  it('hands out the smallest buffer that fits and keeps the largest when full', () => {
    const pool = new PageBufferPool(2, 64 * 1024 * 1024);
    const small = pool.acquire(10);
    const large = pool.acquire(3 * 1024 * 1024);
    const middle = pool.acquire(2 * 1024 * 1024);
    expect([small.length, middle.length, large.length]).toEqual([1, 2, 3].map((mb) => mb * 1024 * 1024));
    pool.release(small);
    pool.release(large);
    pool.release(middle);
    expect(pool.idle).toBe(2);
    expect(pool.acquire(1)).toBe(middle);
    expect(pool.acquire(1)).toBe(large);
    // Identity, not toBe: a failed toBe compares the buffers byte by byte for its hint (seconds per MB).
    expect(pool.acquire(1) === small).toBe(false);
  });

  it('holds no more idle bytes than its cap, and never a buffer above it', () => {
    const MB = 1024 * 1024;
    const pool = new PageBufferPool(6, 8 * MB);
    const huge = pool.acquire(9 * MB);
    pool.release(huge);
    // A one-off huge page's buffer is left to the garbage collector.
    expect(pool.idle).toBe(0);
    expect(pool.acquire(9 * MB) === huge).toBe(false);
    const usual = [1, 2, 3].map(() => pool.acquire(2 * MB));
    for (const buffer of usual) pool.release(buffer);
    expect(pool.idleBytes).toBe(6 * MB);
    // 5 MB more would make 11: the largest (the outlier) goes, the usual pages' buffers stay.
    const large = pool.acquire(5 * MB);
    pool.release(large);
    expect(pool.idleBytes).toBe(6 * MB);
    expect(pool.idleBytes).toBeLessThanOrEqual(pool.maxIdleBytes);
    expect(pool.idle).toBe(3);
    expect(usual.includes(pool.acquire(2 * MB))).toBe(true);
  });

  it('the shared pool is capped at a few normal pages', () => {
    expect(pageBuffers.maxIdleBytes).toBe(PAGE_BUFFERS_MAX_IDLE_BYTES);
    expect(PAGE_BUFFERS_MAX_IDLE_BYTES).toBeLessThanOrEqual(64 * 1024 * 1024);
  });

  it('encodePage releases its buffer to the shared pool only once', () => {
    const rows = [line(1)];
    const encode = () =>
      encodePage(resolved, { source: 'src', runId: 'run-1' }, scanned(rows), { administration: 1 });
    const memory = (page: { chunks: readonly (string | Buffer)[] }) => (page.chunks[0] as Buffer).buffer;
    const first = encode();
    expect(first.release).toBeTypeOf('function');
    first.release();
    // The next page reuses the memory the first one gave back.
    const second = encode();
    expect(memory(second)).toBe(memory(first));
    // A second release of the first page must not hand out the memory the second page holds.
    first.release();
    const third = encode();
    expect(memory(third)).not.toBe(memory(second));
    expect(texts(second.chunks)).toEqual(parsedLines(rows));
    second.release();
    third.release();
  });
});
