import { describe, expect, it } from 'vitest';
import { AfasUsageError } from '../../src/afas/errors.js';
import {
  FilterOperator,
  conditionValue,
  encodeFilter,
  filterJsonDocument,
  formatFilterValue,
  normalizeFilter,
  where,
  type FilterCondition,
} from '../../src/afas/filters.js';

const params = (groups: readonly (readonly FilterCondition[])[]) => Object.fromEntries(encodeFilter(groups));

describe('filter builder', () => {
  it('has all 15 operators with AFAS codes', () => {
    const cases: [FilterCondition, number, string][] = [
      [where.eq('A', 'x'), 1, 'x'],
      [where.gte('A', 'x'), 2, 'x'],
      [where.lte('A', 'x'), 3, 'x'],
      [where.gt('A', 'x'), 4, 'x'],
      [where.lt('A', 'x'), 5, 'x'],
      [where.contains('A', 'x'), 6, '%x%'],
      [where.ne('A', 'x'), 7, 'x'],
      [where.isEmpty('A'), 8, ''],
      [where.isNotEmpty('A'), 9, ''],
      [where.startsWith('A', 'x'), 10, 'x%'],
      [where.notContains('A', 'x'), 11, '%x%'],
      [where.notStartsWith('A', 'x'), 12, 'x%'],
      [where.endsWith('A', 'x'), 13, '%x'],
      [where.notEndsWith('A', 'x'), 14, '%x'],
      [where.quick('A', 'x'), 15, 'x'],
    ];
    expect(new Set(cases.map(([, op]) => op)).size).toBe(15);
    for (const [condition, op, value] of cases) {
      expect(condition.operator).toBe(op);
      expect(conditionValue(condition)).toBe(value);
    }
    expect(Object.values(FilterOperator).sort((a, b) => a - b)).toEqual([
      1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15,
    ]);
  });

  it('validates field, operator and value', () => {
    expect(() => where.eq('', 1)).toThrow(AfasUsageError);
    expect(() => where.condition('A', 99 as never, 1)).toThrow(AfasUsageError);
    expect(() => where.condition('A', 1, null)).toThrow(AfasUsageError);
    expect(where.condition('A', 8, 'ignored').value).toBeNull();
  });

  it('AND distributes over OR; OR concatenates groups', () => {
    const f = where.and(where.eq('U', 1), where.or(where.eq('D', 'a'), where.eq('D', 'b')));
    expect(f.groups).toEqual([
      [where.eq('U', 1), where.eq('D', 'a')],
      [where.eq('U', 1), where.eq('D', 'b')],
    ]);
    expect(where.or(f, where.isEmpty('X')).groups).toHaveLength(3);
    expect(where.in('D', [1, 2, 3]).groups).toEqual([
      [where.eq('D', 1)],
      [where.eq('D', 2)],
      [where.eq('D', 3)],
    ]);
  });

  it('normalises: no filter / empty AND group = all; no groups = none', () => {
    expect(normalizeFilter(undefined)).toEqual({ kind: 'all' });
    expect(normalizeFilter(where.all())).toEqual({ kind: 'all' });
    expect(normalizeFilter(where.and())).toEqual({ kind: 'all' });
    expect(normalizeFilter(where.in('D', []))).toEqual({ kind: 'none' });
    expect(normalizeFilter(where.and(where.eq('A', 1), where.none()))).toEqual({ kind: 'none' });
    expect(normalizeFilter(where.eq('A', 1))).toEqual({ kind: 'groups', groups: [[where.eq('A', 1)]] });
  });
});

describe('filter values', () => {
  it('formats numbers plainly, booleans, bigints and Amsterdam dates without Z', () => {
    expect(formatFilterValue(2024, 'F')).toBe('2024');
    expect(formatFilterValue(0.1, 'F')).toBe('0.1');
    expect(formatFilterValue(1e21, 'F')).toBe('1000000000000000000000');
    expect(formatFilterValue(12345678901234567890n, 'F')).toBe('12345678901234567890');
    expect(formatFilterValue(true, 'F')).toBe('true');
    expect(formatFilterValue(new Date('2024-07-01T22:30:00Z'), 'F')).toBe('2024-07-02T00:30:00');
    expect(formatFilterValue(new Date('2024-01-01T00:00:00Z'), 'F')).toBe('2024-01-01T01:00:00');
    expect(() => formatFilterValue(Number.NaN, 'F')).toThrow(AfasUsageError);
    expect(() => formatFilterValue(new Date(Number.NaN), 'F')).toThrow(AfasUsageError);
  });
});

describe('filter encoding', () => {
  it('parallel lists: "," joins AND, ";" joins OR, values URL-encoded, 8/9 keep lists aligned', () => {
    const f = where.or(
      where.and(where.lt('EmploymentEndDate', '2020-03-22T00:00:00'), where.ne('Email', 'P')),
      where.isEmpty('Email'),
    );
    expect(params(f.groups)).toEqual({
      filterfieldids: 'EmploymentEndDate,Email;Email',
      filtervalues: '2020-03-22T00%3A00%3A00,P;',
      operatortypes: '5,7;8',
    });
    expect(params(where.and(where.contains('Name', 'a b&c'), where.eq('Btw-nummer', 'NL1')).groups)).toEqual({
      filterfieldids: 'Name,Btw-nummer',
      filtervalues: '%25a%20b%26c%25,NL1',
      operatortypes: '6,1',
    });
  });

  it('switches to filterjson when a value or field contains "," or ";" (URL-encoded once)', () => {
    const f = where.or(
      where.eq('Description', 'a,b'),
      where.and(where.eq('UnitId', 1), where.isNotEmpty('X')),
    );
    const encoded = encodeFilter(f.groups);
    expect(encoded.map(([k]) => k)).toEqual(['filterjson']);
    const json: unknown = JSON.parse(decodeURIComponent(encoded[0]?.[1] ?? ''));
    expect(json).toEqual({
      Filters: {
        Filter: [
          {
            '@FilterId': 'Filter 1',
            Field: [{ '@FieldId': 'Description', '@OperatorType': '1', '#text': 'a,b' }],
          },
          {
            '@FilterId': 'Filter 2',
            Field: [
              { '@FieldId': 'UnitId', '@OperatorType': '1', '#text': '1' },
              { '@FieldId': 'X', '@OperatorType': '9', '#text': '' },
            ],
          },
        ],
      },
    });
    expect(json).toEqual(filterJsonDocument(f.groups));
    expect(encoded[0]?.[1]).not.toMatch(/%25[0-9A-F]{2}/); // not double-encoded
    expect(encodeFilter([[where.eq('Field;x', 'v')]])[0]?.[0]).toBe('filterjson');
    expect(encodeFilter([[where.eq('A', 'x;y')]])[0]?.[0]).toBe('filterjson');
    expect(encodeFilter([[where.eq('A', 'plain')]], true)[0]?.[0]).toBe('filterjson');
  });
});
