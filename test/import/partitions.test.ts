// Pure parts of the historical import: partition planning, partition filters, cursor movement,
// input validation.
import { describe, expect, it } from 'vitest';
import { FilterOperator } from '../../src/afas/filters.js';
import {
  anchorOf,
  columnsForPageSize,
  DEFAULT_IMPORT_PAGE_ROWS,
  nextCursor,
  partitionConditions,
  partitionKey,
  planPartitions,
  segmentFilter,
  type PartitionFields,
} from '../../src/activities/import/partitions.js';
import { importOptionsProblem, resolveImportOptions } from '../../src/workflows/import/options.js';

const FIELDS: PartitionFields = {
  administration: 'UnitId',
  year: 'Year',
  period: 'Period',
  keys: ['EntryNo', 'SeqNo'],
};

describe('planPartitions', () => {
  const specs = planPartitions({
    datasets: ['journal_lines'],
    administrations: [3, 1],
    fromYear: 2024,
    toYear: 2025,
    periodsOf: (administration, year) => (administration === 1 && year === 2025 ? [0, 13] : []),
  });

  it('cuts administration × year × period, newest year first, plus one "other periods" partition each', () => {
    // 2025: admin 1 has 0..13 (14) + other; admin 3 has 1..12 + other. 2024: 13 each.
    expect(specs).toHaveLength(15 + 13 + 13 + 13);
    expect(specs.map((spec) => spec.seq)).toEqual(specs.map((_, index) => index));
    expect(specs[0]).toMatchObject({
      key: 'journal_lines/1/2025/00',
      year: 2025,
      administration: 1,
      period: 0,
    });
    expect(specs[14]).toMatchObject({
      key: 'journal_lines/1/2025/other',
      period: null,
      excludedPeriods: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13],
    });
    expect(specs.at(-1)).toMatchObject({ key: 'journal_lines/3/2024/other', year: 2024 });
    expect(new Set(specs.map((spec) => spec.key)).size).toBe(specs.length);
  });

  it('names partitions stably', () => {
    expect(partitionKey('journal_lines', 7, 2023, 4)).toBe('journal_lines/7/2023/04');
    expect(partitionKey('journal_lines', 7, 2023, null)).toBe('journal_lines/7/2023/other');
  });
});

describe('partition filters', () => {
  it('a period partition is administration = a AND year = y AND period = p', () => {
    const conditions = partitionConditions(FIELDS, {
      administration: 2,
      year: 2024,
      period: 5,
      excludedPeriods: null,
    });
    expect(conditions.map((c) => [c.field, c.operator, c.value])).toEqual([
      ['UnitId', FilterOperator.Equal, 2],
      ['Year', FilterOperator.Equal, 2024],
      ['Period', FilterOperator.Equal, 5],
    ]);
  });

  it('the "other periods" partition excludes every listed period', () => {
    const conditions = partitionConditions(FIELDS, {
      administration: 2,
      year: 2024,
      period: null,
      excludedPeriods: [1, 2, 3],
    });
    expect(conditions.slice(2).map((c) => [c.field, c.operator, c.value])).toEqual([
      ['Period', FilterOperator.NotEqual, 1],
      ['Period', FilterOperator.NotEqual, 2],
      ['Period', FilterOperator.NotEqual, 3],
    ]);
  });

  it('a key range after an anchor is (k1 > a1) OR (k1 = a1 AND k2 > a2), each with the partition', () => {
    const base = partitionConditions(FIELDS, {
      administration: 1,
      year: 2024,
      period: 1,
      excludedPeriods: null,
    });
    expect(segmentFilter(base, FIELDS.keys, null)).toEqual({ groups: [base] });
    const filter = segmentFilter(base, FIELDS.keys, { EntryNo: 40, SeqNo: 3 });
    expect(filter.groups.map((group) => group.slice(3).map((c) => [c.field, c.operator, c.value]))).toEqual([
      [['EntryNo', FilterOperator.Greater, 40]],
      [
        ['EntryNo', FilterOperator.Equal, 40],
        ['SeqNo', FilterOperator.Greater, 3],
      ],
    ]);
    const dated = segmentFilter([], ['Day'], { Day: '2024-03-01T00:00:00Z' });
    expect(dated.groups[0]?.[0]?.value).toBe('2024-03-01T00:00:00');
  });
});

describe('nextCursor', () => {
  const rows = [
    { EntryNo: 1, SeqNo: 1 },
    { EntryNo: 1, SeqNo: 2 },
  ];
  const lastRow = () => rows[rows.length - 1];

  it('keeps paging by skip below the row limit', () => {
    expect(
      nextCursor({ anchor: null, skip: 0 }, { lastRow, next: { part: 0, skip: 2 } }, FIELDS.keys, 10, 'C'),
    ).toEqual({
      cursor: { anchor: null, skip: 2 },
      newSegment: false,
    });
  });

  it('continues as a new key range after the last row once skip would reach the limit', () => {
    expect(
      nextCursor({ anchor: null, skip: 8 }, { lastRow, next: { part: 0, skip: 10 } }, FIELDS.keys, 10, 'C'),
    ).toEqual({
      cursor: { anchor: { EntryNo: 1, SeqNo: 2 }, skip: 0 },
      newSegment: true,
    });
  });

  it('is null when the partition is complete, and refuses keyset or multi-part cursors', () => {
    expect(nextCursor({ anchor: null, skip: 0 }, { lastRow, next: null }, FIELDS.keys, 10, 'C')).toEqual({
      cursor: null,
      newSegment: false,
    });
    expect(() =>
      nextCursor({ anchor: null, skip: 0 }, { lastRow, next: { part: 1, skip: 0 } }, FIELDS.keys, 10, 'C'),
    ).toThrow(/one query part/);
    expect(() => anchorOf({ EntryNo: 1, SeqNo: null }, FIELDS.keys, 'C')).toThrow(/without key field SeqNo/);
  });

  it('page size is enforced through the column budget', () => {
    // Default: DEFAULT_IMPORT_PAGE_ROWS rows, below the cell budget of narrow connectors…
    const take = Math.floor(150_000 / columnsForPageSize(18, null, 150_000));
    expect(take).toBeLessThanOrEqual(DEFAULT_IMPORT_PAGE_ROWS);
    expect(take).toBeGreaterThan(DEFAULT_IMPORT_PAGE_ROWS * 0.95);
    // …while a wide connector stays inside the budget (60 columns → 2,500 rows).
    expect(columnsForPageSize(60, null, 150_000)).toBe(60);
    expect(columnsForPageSize(18, 50, 150_000)).toBe(3000);
    expect(Math.floor(150_000 / columnsForPageSize(18, 20, 150_000))).toBe(20);
    expect(columnsForPageSize(18, 10_000, 150_000)).toBe(18);
  });
});

describe('import options', () => {
  it('rejects what AFAS or the design does not allow', () => {
    expect(importOptionsProblem({ fromYear: 2020 })).toBeNull();
    expect(importOptionsProblem({ fromYear: 2020, toYear: 2019 })).toMatch(/before fromYear/);
    expect(importOptionsProblem({ fromYear: 2020, maxConcurrency: 6 })).toMatch(/maxConcurrency .* 1 to 5/);
    expect(importOptionsProblem({ fromYear: 2020, maxConcurrency: 0 })).toMatch(/maxConcurrency/);
    expect(importOptionsProblem({ fromYear: 2020.5 })).toMatch(/fromYear/);
    expect(importOptionsProblem({ fromYear: 2020, datasets: [] })).toMatch(/datasets/);
  });

  it('defaults to journal lines, 100,000 rows before a new key range, 25 pages per activity', () => {
    expect(resolveImportOptions({ fromYear: 2020 })).toMatchObject({
      datasets: ['journal_lines'],
      toYear: null,
      partitionRowLimit: 100_000,
      maxPagesPerActivity: 25,
      maxConcurrency: null,
      requestsPerMinute: null,
      heartbeatTimeoutSeconds: 30,
    });
  });
});
