import { describe, expect, it } from 'vitest';
import { dayBatches, dayFilterGroups } from '../../src/activities/sync/changed-days.js';
import { wallMinus } from '../../src/activities/sync/watermark.js';

const days = (...list: string[]) => list.map((day) => ({ day, modified: '2025-01-01T00:00:00' }));

/** `count` booking days from `first`, `step` days apart. */
function everyNthDay(first: string, count: number, step: number) {
  const start = Date.parse(`${first}T00:00:00Z`);
  return days(
    ...Array.from({ length: count }, (_, index) =>
      new Date(start + index * step * 86_400_000).toISOString().slice(0, 10),
    ),
  );
}

describe('changed-day batches', () => {
  it('read dense days as one date range', () => {
    const groups = dayFilterGroups(
      'UnitId',
      'EntryDate',
      2,
      days('2025-03-03', '2025-03-01', '2025-03-02', '2025-03-05'),
    );
    expect(groups).toEqual([
      [
        { field: 'UnitId', operator: 1, value: 2 },
        { field: 'EntryDate', operator: 2, value: '2025-03-01T00:00:00' },
        { field: 'EntryDate', operator: 3, value: '2025-03-05T00:00:00' },
      ],
    ]);
  });

  it('read sparse days one OR group each', () => {
    const groups = dayFilterGroups('UnitId', 'EntryDate', 1, days('2025-01-01', '2025-06-01', '2025-12-31'));
    expect(groups.map((group) => group[1]?.value)).toEqual([
      '2025-01-01T00:00:00',
      '2025-06-01T00:00:00',
      '2025-12-31T00:00:00',
    ]);
    expect(groups.every((group) => group[1]?.operator === 1 && group[0]?.value === 1)).toBe(true);
  });

  it('cut a short list into batches of daysPerBatch days', () => {
    const list = everyNthDay('2025-01-01', 150, 1);
    expect(dayBatches(list, 20).map((batch) => batch.length)).toEqual([20, 20, 20, 20, 20, 20, 20, 10]);
  });

  it("cut a first sync's dense history into at most 12 batches, each read as one date range", () => {
    const list = everyNthDay('2021-01-01', 1_800, 1);
    const batches = dayBatches(list, 20);
    expect(batches.map((batch) => batch.length)).toEqual([...Array<number>(12).fill(150)]);
    expect(batches.flat()).toEqual(list);
    for (const batch of batches) expect(dayFilterGroups('UnitId', 'EntryDate', 1, batch)).toHaveLength(1);
  });

  it("keep a long sparse list's batches at daysPerBatch × 3 days, so no filter grows past 60 OR groups", () => {
    const list = everyNthDay('2021-01-01', 1_800, 3);
    const batches = dayBatches(list, 20);
    expect(Math.max(...batches.map((batch) => batch.length))).toBe(60);
    expect(batches.flat()).toEqual(list);
    expect(Math.max(...batches.map((batch) => dayFilterGroups('UnitId', 'EntryDate', 1, batch).length))).toBe(
      60,
    );
  });

  it('subtracts the overlap in wall time across a month boundary', () => {
    expect(wallMinus('2025-03-01T01:00:00', 120)).toBe('2025-02-28T23:00:00');
  });
});
