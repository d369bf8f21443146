import { describe, expect, it } from 'vitest';
import { dayFilterGroups } from '../../src/activities/sync/changed-days.js';
import { wallMinus } from '../../src/activities/sync/watermark.js';

const days = (...list: string[]) => list.map((day) => ({ day, modified: '2025-01-01T00:00:00' }));

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

  it('subtracts the overlap in wall time across a month boundary', () => {
    expect(wallMinus('2025-03-01T01:00:00', 120)).toBe('2025-02-28T23:00:00');
  });
});
