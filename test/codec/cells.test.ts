// The one value converter's rules that both encoders share (pure unit tests).
import { describe, expect, it } from 'vitest';
import { latestWallTime, wallTime, type PageRows, type RawRow } from '../../src/codec/index.js';
import { wallTimeLength } from '../../src/codec/cells.js';
import { scanPage } from '../../src/codec/scan.js';

describe('wall-clock timestamps', () => {
  it('keeps real calendar dates and clock times, without the Z', () => {
    expect(wallTime('2024-02-29T23:59:59Z')).toBe('2024-02-29T23:59:59');
    expect(wallTime('2024-03-31T02:30:00')).toBe('2024-03-31T02:30:00');
    expect(wallTime('2024-07-01T12:34:56.123456Z')).toBe('2024-07-01T12:34:56.123456');
  });

  it('refuses impossible dates, odd forms and characters that only look like digits', () => {
    for (const raw of [
      '2023-02-29T00:00:00Z',
      '2024-13-01T00:00:00Z',
      '2024-04-31T00:00:00Z',
      '2024-01-01T24:00:00Z',
      '2024-01-01T00:60:00Z',
      '2024-01-01 00:00:00Z',
      '2024-01-01T00:00:00.Z',
      '2024-01-01T00:00:00.1234567Z',
      '２024-01-01T00:00:00Z',
      '2024-01-01T00:00:00ZZ',
      '2024-01-01',
    ])
      expect(wallTime(raw), raw).toBeUndefined();
  });

  it('reads bytes the same way the parsed value is read', () => {
    const text = '"2024-10-27T02:30:00.5Z"';
    const bytes = Buffer.from(text);
    expect(wallTimeLength(bytes, 1, bytes.length - 1)).toBe('2024-10-27T02:30:00.5'.length);
    expect(wallTimeLength(Buffer.from('2024-02-30T00:00:00'), 0, 19)).toBe(-1);
  });
});

describe('latestWallTime', () => {
  const rows = [
    { Id: 1, ModifiedDate: '2024-05-01T10:00:00Z' },
    { Id: 2, ModifiedDate: '2024-06-01T09:00:00Z' },
    { Id: 3, ModifiedDate: null },
    { Id: 4 },
  ];
  const scanned = (json: string): PageRows => {
    const scan = scanPage(Buffer.from(json), rows.length);
    const parse = () => (JSON.parse(json) as { rows: RawRow[] }).rows;
    return { scanned: scan, plain: true, rowCount: scan?.rowCount ?? 0, parse };
  };

  it('takes the latest stamp of a scanned page without parsing it, and of a parsed page', () => {
    const json = JSON.stringify({ rows });
    const page = scanned(json);
    expect(page.scanned).not.toBeNull();
    expect(latestWallTime({ ...page, parse: () => [] }, 'ModifiedDate', null)).toBe('2024-06-01T09:00:00');
    expect(latestWallTime({ ...page, scanned: null }, 'ModifiedDate', null)).toBe('2024-06-01T09:00:00');
    expect(latestWallTime(page, 'ModifiedDate', '2025-01-01T00:00:00')).toBe('2025-01-01T00:00:00');
    expect(latestWallTime(page, 'Missing', null)).toBeNull();
  });

  it('counts a field that comes twice with its last value, as JSON.parse does', () => {
    const page = scanned(
      '{"rows":[{"Id":1,"ModifiedDate":"2030-01-01T00:00:00Z","ModifiedDate":"2024-01-01T00:00:00Z"}]}',
    );
    expect(latestWallTime(page, 'ModifiedDate', null)).toBe('2024-01-01T00:00:00');
  });
});
