import { describe, expect, it } from 'vitest';
import { AfasQueryTooLongError } from '../../src/afas/errors.js';
import { where } from '../../src/afas/filters.js';
import { connectorQueryString, planPages } from '../../src/afas/pages.js';
import { planFilterSplit } from '../../src/afas/query-split.js';
import { MAX_QUERY_LENGTH } from '../../src/afas/urls.js';

const days = Array.from({ length: 400 }, (_, i) => new Date(Date.UTC(2024, 0, 1 + i, 12)));

describe('query splitting', () => {
  it('keeps a short filter in one part', () => {
    const plan = planPages('C', { orderBy: ['A'], filter: where.in('D', [1, 2, 3]) }, 100);
    expect(plan.parts).toHaveLength(1);
  });

  it('splits a long IN list into parts that each fit, preserving every group in order', () => {
    const filter = where.and(where.eq('UnitId', 1), where.in('EntryDate', days));
    const plan = planPages('Profit_Transactions', { orderBy: ['UnitId', 'EntryNo', 'SeqNo'], filter }, 5000);
    expect(plan.parts.length).toBeGreaterThan(1);
    expect(plan.parts.flatMap((p) => p ?? [])).toEqual(filter.groups);
    for (const part of plan.parts) {
      const query = connectorQueryString({
        skip: 9_999_999_999,
        take: 5000,
        orderBy: plan.orderBy,
        groups: part,
        json: plan.json,
      });
      expect(query.length).toBeLessThanOrEqual(MAX_QUERY_LENGTH);
      // Greedy: adding the next group would not have fitted.
    }
    const whole = connectorQueryString({
      skip: 0,
      take: 5000,
      orderBy: plan.orderBy,
      groups: filter.groups,
      json: false,
    });
    expect(whole.length).toBeGreaterThan(MAX_QUERY_LENGTH);
  });

  it('splits in filterjson mode too', () => {
    const filter = where.in(
      'Description',
      Array.from({ length: 200 }, (_, i) => `item ${i}, with comma`),
    );
    const plan = planPages('C', { orderBy: ['Id'], filter }, 100);
    expect(plan.json).toBe(true);
    expect(plan.parts.length).toBeGreaterThan(1);
    expect(plan.parts.flatMap((p) => p ?? [])).toHaveLength(200);
  });

  it('refuses a single AND group that is too long on its own', () => {
    const filter = where.and(
      ...Array.from({ length: 120 }, (_, i) => where.eq(`Field${i}`, 'some-long-value')),
    );
    expect(() => planPages('C', { orderBy: ['Id'], filter }, 100)).toThrow(AfasQueryTooLongError);
    try {
      planFilterSplit(filter.groups, () => 5000, MAX_QUERY_LENGTH);
    } catch (err) {
      expect(err).toBeInstanceOf(AfasQueryTooLongError);
      expect((err as AfasQueryTooLongError).queryLength).toBe(5000);
      expect((err as Error).message).toContain('cannot be split');
    }
  });

  it('measures the query from "?" inclusive against 2,049', () => {
    const q = connectorQueryString({
      skip: 0,
      take: 10,
      orderBy: [{ field: 'A', descending: true }],
      groups: null,
      json: false,
    });
    expect(q).toBe('?skip=0&take=10&orderbyfieldids=-A');
  });
});
