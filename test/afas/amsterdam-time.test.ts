import { describe, expect, it } from 'vitest';
import {
  amsterdamWallTimeToInstant,
  formatAfasFilterDateTime,
  formatWallTime,
  instantToAmsterdamWallTime,
  parseAfasDateTime,
  parseAfasWallTime,
} from '../../src/afas/amsterdam-time.js';

const iso = (text: string): string => {
  const date = parseAfasDateTime(text);
  if (date === null) throw new Error(`not parsed: ${text}`);
  return date.toISOString();
};

describe('Amsterdam wall time → instant', () => {
  it('winter (CET, +01:00) and summer (CEST, +02:00)', () => {
    expect(iso('2024-01-15T12:00:00Z')).toBe('2024-01-15T11:00:00.000Z');
    expect(iso('2024-07-01T12:00:00Z')).toBe('2024-07-01T10:00:00.000Z');
    expect(iso('2024-01-01T00:00:00Z')).toBe('2023-12-31T23:00:00.000Z');
  });

  it('spring forward (2024-03-31 02:00 → 03:00): around the gap and inside it', () => {
    expect(iso('2024-03-31T01:59:59Z')).toBe('2024-03-31T00:59:59.000Z');
    expect(iso('2024-03-31T03:00:00Z')).toBe('2024-03-31T01:00:00.000Z');
    // 02:00–02:59 does not exist: read with the pre-transition offset (+01:00), i.e. shifted forward.
    expect(iso('2024-03-31T02:00:00Z')).toBe('2024-03-31T01:00:00.000Z');
    expect(iso('2024-03-31T02:30:00Z')).toBe('2024-03-31T01:30:00.000Z');
    expect(instantToAmsterdamWallTime(new Date('2024-03-31T01:30:00Z')).hour).toBe(3);
  });

  it('fall back (2024-10-27 03:00 → 02:00): the ambiguous hour resolves to the earlier instant (CEST)', () => {
    expect(iso('2024-10-27T01:59:59Z')).toBe('2024-10-26T23:59:59.000Z');
    expect(iso('2024-10-27T02:00:00Z')).toBe('2024-10-27T00:00:00.000Z');
    expect(iso('2024-10-27T02:30:00Z')).toBe('2024-10-27T00:30:00.000Z');
    expect(iso('2024-10-27T02:59:59Z')).toBe('2024-10-27T00:59:59.000Z');
    expect(iso('2024-10-27T03:00:00Z')).toBe('2024-10-27T02:00:00.000Z');
  });

  it('other years follow the EU rule (last Sunday of March/October)', () => {
    expect(iso('2025-03-30T03:00:00Z')).toBe('2025-03-30T01:00:00.000Z');
    expect(iso('2025-10-26T02:30:00Z')).toBe('2025-10-26T00:30:00.000Z');
    expect(iso('2023-10-29T04:00:00Z')).toBe('2023-10-29T03:00:00.000Z');
  });

  it('round-trips every hour of 2024 except the second pass of the repeated autumn hour', () => {
    const start = Date.UTC(2024, 0, 1);
    let mismatches = 0;
    for (let t = start; t < Date.UTC(2025, 0, 1); t += 3_600_000) {
      const wall = instantToAmsterdamWallTime(new Date(t));
      const back = amsterdamWallTimeToInstant(wall).getTime();
      if (back !== t) {
        mismatches++;
        expect(new Date(t).toISOString()).toBe('2024-10-27T01:00:00.000Z');
        expect(back).toBe(t - 3_600_000);
      }
    }
    expect(mismatches).toBe(1);
  });

  it('accepts no Z, a fraction and date-only; rejects impossible dates and other shapes', () => {
    expect(iso('2024-06-01T08:00:00')).toBe('2024-06-01T06:00:00.000Z');
    expect(iso('2024-06-01T08:00:00.250Z')).toBe('2024-06-01T06:00:00.250Z');
    expect(iso('2024-06-01')).toBe('2024-05-31T22:00:00.000Z');
    expect(iso('2024-02-29T00:00:00Z')).toBe('2024-02-28T23:00:00.000Z');
    for (const bad of [
      '2024-02-30T00:00:00Z',
      '2023-02-29T00:00:00Z',
      '2024-13-01T00:00:00Z',
      '2024-04-31T00:00:00Z',
      '2024-01-01T24:00:00Z',
      '2024-01-01T23:60:00Z',
      '2024-01-01T23:59:60Z',
      '2024-1-01T00:00:00Z',
      '2024-01-01 00:00:00',
      '2024-01-01T00:00:00+01:00',
      'abc',
      '',
    ]) {
      expect(parseAfasWallTime(bad), bad).toBeNull();
      expect(parseAfasDateTime(bad), bad).toBeNull();
    }
    expect(() =>
      amsterdamWallTimeToInstant({
        year: 2024,
        month: 2,
        day: 30,
        hour: 0,
        minute: 0,
        second: 0,
        millisecond: 0,
      }),
    ).toThrow(RangeError);
  });
});

describe('instant → Amsterdam filter value', () => {
  it('formats wall time without Z, truncating milliseconds', () => {
    expect(formatAfasFilterDateTime(new Date('2024-07-01T10:00:00.999Z'))).toBe('2024-07-01T12:00:00');
    expect(formatAfasFilterDateTime(new Date('2024-01-31T23:30:00Z'))).toBe('2024-02-01T00:30:00');
    // Both passes of the repeated hour show the same wall time.
    expect(formatAfasFilterDateTime(new Date('2024-10-27T00:30:00Z'))).toBe('2024-10-27T02:30:00');
    expect(formatAfasFilterDateTime(new Date('2024-10-27T01:30:00Z'))).toBe('2024-10-27T02:30:00');
    expect(formatAfasFilterDateTime(new Date('2024-03-31T01:00:00Z'))).toBe('2024-03-31T03:00:00');
  });

  it('formats a wall time and rejects an invalid Date', () => {
    expect(formatWallTime({ year: 7, month: 3, day: 4, hour: 5, minute: 6, second: 7, millisecond: 0 })).toBe(
      '0007-03-04T05:06:07',
    );
    expect(() => instantToAmsterdamWallTime(new Date(Number.NaN))).toThrow(RangeError);
  });
});
