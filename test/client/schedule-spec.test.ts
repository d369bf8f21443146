import { describe, expect, it } from 'vitest';
import {
  scheduleJitterSeconds,
  scheduleOffsetSeconds,
  scheduleSpecFor,
} from '../../src/client/schedule-spec.js';

const fleet = Array.from({ length: 200 }, (_, index) => `customer-${String(index + 1).padStart(3, '0')}`);

describe('schedule jitter', () => {
  it('is 10% of the interval, at most 5 minutes', () => {
    expect(scheduleJitterSeconds(60)).toBe(6);
    expect(scheduleJitterSeconds(900)).toBe(90);
    expect(scheduleJitterSeconds(3000)).toBe(300);
    expect(scheduleJitterSeconds(3600)).toBe(300);
    expect(scheduleJitterSeconds(86_400)).toBe(300);
  });
});

describe("a source's offset into its interval", () => {
  it('is the same for the same name and interval, and inside the interval', () => {
    expect(scheduleOffsetSeconds('acme', 900)).toBe(scheduleOffsetSeconds('acme', 900));
    for (const name of fleet) {
      const offset = scheduleOffsetSeconds(name, 600);
      expect(Number.isInteger(offset) && offset >= 0 && offset < 600).toBe(true);
    }
    expect(scheduleOffsetSeconds('acme', 1)).toBe(0);
  });

  it('spreads 200 sources on 10 minutes over the whole interval, not one window of it', () => {
    const perMinute = Array<number>(10).fill(0);
    for (const name of fleet) perMinute[Math.floor(scheduleOffsetSeconds(name, 600) / 60)]! += 1;
    // 20 a minute on average; a hash that clustered (or a constant) would leave minutes empty.
    for (const count of perMinute) expect(count).toBeGreaterThanOrEqual(10);
    expect(new Set(fleet.map((name) => scheduleOffsetSeconds(name, 600))).size).toBeGreaterThan(150);
  });

  it('hashes the bytes of the name: names differing in one character differ', () => {
    expect(scheduleOffsetSeconds('klant-a', 86_400)).not.toBe(scheduleOffsetSeconds('klant-b', 86_400));
    expect(scheduleOffsetSeconds('café', 86_400)).not.toBe(scheduleOffsetSeconds('cafe', 86_400));
  });

  it('refuses an interval that is not a positive whole number of seconds', () => {
    expect(() => scheduleOffsetSeconds('acme', 0)).toThrow(RangeError);
    expect(() => scheduleOffsetSeconds('acme', 1.5)).toThrow(/positive integer/);
  });

  it('goes into the Temporal spec with the interval and the jitter', () => {
    expect(scheduleSpecFor('acme', 900)).toEqual({
      intervals: [{ every: '900 seconds', offset: `${scheduleOffsetSeconds('acme', 900)} seconds` }],
      jitter: '90 seconds',
    });
  });
});
