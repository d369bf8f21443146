import { describe, expect, it } from 'vitest';

import {
  formatWallSeconds,
  instantToWallSeconds,
  parseWallDateTime,
  wallSecondsOf,
  wallSecondsToInstantMs,
} from '../../src/simulator/amsterdam-time.js';

const wall = (text: string): number => parseWallDateTime(text)!;

describe('Europe/Amsterdam wall time', () => {
  it('is UTC+1 in winter and UTC+2 in summer', () => {
    expect(formatWallSeconds(instantToWallSeconds(Date.parse('2025-01-15T12:00:00Z')))).toBe(
      '2025-01-15T13:00:00Z',
    );
    expect(formatWallSeconds(instantToWallSeconds(Date.parse('2025-07-15T12:00:00Z')))).toBe(
      '2025-07-15T14:00:00Z',
    );
  });

  it('jumps from 02:00 to 03:00 on the last Sunday of March', () => {
    expect(formatWallSeconds(instantToWallSeconds(Date.parse('2025-03-30T00:59:59Z')))).toBe(
      '2025-03-30T01:59:59Z',
    );
    expect(formatWallSeconds(instantToWallSeconds(Date.parse('2025-03-30T01:00:00Z')))).toBe(
      '2025-03-30T03:00:00Z',
    );
  });

  it('repeats 02:00–03:00 on the last Sunday of October', () => {
    expect(formatWallSeconds(instantToWallSeconds(Date.parse('2025-10-26T00:30:00Z')))).toBe(
      '2025-10-26T02:30:00Z',
    );
    expect(formatWallSeconds(instantToWallSeconds(Date.parse('2025-10-26T01:30:00Z')))).toBe(
      '2025-10-26T02:30:00Z',
    );
    expect(formatWallSeconds(instantToWallSeconds(Date.parse('2025-10-26T02:00:00Z')))).toBe(
      '2025-10-26T03:00:00Z',
    );
  });

  it('drops fractions of a second', () => {
    expect(formatWallSeconds(instantToWallSeconds(Date.parse('2025-01-15T12:00:00.999Z')))).toBe(
      '2025-01-15T13:00:00Z',
    );
  });

  it('maps wall time back to the instant, DST included', () => {
    expect(new Date(wallSecondsToInstantMs(wall('2025-01-15T13:00:00'))).toISOString()).toBe(
      '2025-01-15T12:00:00.000Z',
    );
    expect(new Date(wallSecondsToInstantMs(wall('2025-07-15T14:00:00'))).toISOString()).toBe(
      '2025-07-15T12:00:00.000Z',
    );
    // Ambiguous autumn hour: the earlier (summer-time) instant.
    expect(new Date(wallSecondsToInstantMs(wall('2025-10-26T02:30:00'))).toISOString()).toBe(
      '2025-10-26T00:30:00.000Z',
    );
    // Non-existent spring hour: read with the winter offset.
    expect(new Date(wallSecondsToInstantMs(wall('2025-03-30T02:30:00'))).toISOString()).toBe(
      '2025-03-30T01:30:00.000Z',
    );
  });

  it('round-trips every hour across both 2025 transitions', () => {
    for (const start of [Date.parse('2025-03-29T00:00:00Z'), Date.parse('2025-10-25T00:00:00Z')]) {
      for (let hour = 0; hour < 72; hour++) {
        const instant = start + hour * 3_600_000;
        const wallSeconds = instantToWallSeconds(instant);
        const back = wallSecondsToInstantMs(wallSeconds);
        expect(instantToWallSeconds(back)).toBe(wallSeconds);
      }
    }
  });

  it('parses filter-style date values', () => {
    expect(parseWallDateTime('2025-03-22')).toBe(wallSecondsOf(2025, 3, 22));
    expect(parseWallDateTime('2025-03-22T10:11:12')).toBe(wallSecondsOf(2025, 3, 22, 10, 11, 12));
    expect(parseWallDateTime('2025-03-22T10:11:12.500')).toBe(wallSecondsOf(2025, 3, 22, 10, 11, 12) + 0.5);
    expect(parseWallDateTime('2025-03-22T10:11')).toBe(wallSecondsOf(2025, 3, 22, 10, 11));
    expect(parseWallDateTime('2025-02-30')).toBeUndefined();
    expect(parseWallDateTime('2025-03-22T10:11:12Z')).toBeUndefined();
    expect(parseWallDateTime('22-03-2025')).toBeUndefined();
  });

  it('formats with the fake Z and date-only values at midnight', () => {
    expect(formatWallSeconds(wallSecondsOf(2024, 2, 29))).toBe('2024-02-29T00:00:00Z');
    expect(formatWallSeconds(wallSecondsOf(1999, 12, 31, 23, 59, 59))).toBe('1999-12-31T23:59:59Z');
  });
});
