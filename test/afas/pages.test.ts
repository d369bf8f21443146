// Paging orchestration over an in-memory page source (pure logic; the HTTP path is covered by the
// client tests against the simulator).
import { describe, expect, it } from 'vitest';
import { AfasBadResponseError, AfasQueryTooLongError, AfasUsageError } from '../../src/afas/errors.js';
import { where, type FilterCondition } from '../../src/afas/filters.js';
import {
  iteratePages,
  parsedRows,
  parseOrderBy,
  planPages,
  sortRows,
  takeForColumns,
  type AfasPage,
  type ConnectorQuery,
  type PageFetcher,
  type PagesOptions,
} from '../../src/afas/pages.js';
import type { AfasRow } from '../../src/afas/values.js';

function matches(row: AfasRow, c: FilterCondition): boolean {
  const v = row[c.field];
  const w = typeof v === 'number' ? Number(c.value) : c.value;
  if (c.operator === 1) return v === w;
  if (c.operator === 4) return v !== null && w !== null && (v as number) > (w as number);
  throw new Error(`operator ${c.operator} not supported by this fake`);
}

function source(table: AfasRow[], options: { echoTake?: number } = {}) {
  const queries: ConnectorQuery[] = [];
  const fetch: PageFetcher = (query) => {
    queries.push(query);
    const filtered = table.filter(
      (row) => query.groups === null || query.groups.some((g) => g.every((c) => matches(row, c))),
    );
    const take = Math.min(query.take, options.echoTake ?? query.take);
    const rows = filtered.slice(query.skip, query.skip + take);
    return Promise.resolve({
      ...parsedRows(rows, true),
      echoedTake: take,
      requestMs: 1,
      bytes: 10,
      parseMs: 0,
    });
  };
  return { fetch, queries };
}

async function collect(table: AfasRow[], options: PagesOptions, take: number, echoTake?: number) {
  const src = source(table, echoTake === undefined ? {} : { echoTake });
  const pages: AfasPage[] = [];
  for await (const page of iteratePages('C', options, planPages('C', options, take), src.fetch))
    pages.push(page);
  return { pages, queries: src.queries };
}

const table = (n: number): AfasRow[] => Array.from({ length: n }, (_, i) => ({ Id: i + 1, D: (i % 7) + 1 }));

describe('take', () => {
  it('columns × take ≤ 150,000, within [1, 10,000]', () => {
    expect(takeForColumns(18)).toBe(8333);
    expect(takeForColumns(1)).toBe(10_000);
    expect(takeForColumns(150)).toBe(1000);
    expect(takeForColumns(200_000)).toBe(1);
    expect(() => takeForColumns(0)).toThrow(AfasUsageError);
  });
});

describe('skip paging', () => {
  it('refuses to page without orderBy', () => {
    expect(() => parseOrderBy([], 'C')).toThrow(/orderBy/);
    expect(() => planPages('C', { orderBy: undefined as never }, 10)).toThrow(AfasUsageError);
    expect(() => planPages('C', { orderBy: ['A,B'] }, 10)).toThrow(AfasUsageError);
    expect(() => planPages('C', { orderBy: ['A'] }, 0)).toThrow(AfasUsageError);
    expect(() => planPages('C', { orderBy: ['A'] }, 10_001)).toThrow(AfasUsageError);
  });

  it('exact multiple of take ends with an empty page', async () => {
    const { pages } = await collect(table(20), { orderBy: ['Id'] }, 10);
    expect(pages.map((p) => [p.skip, p.rows.length, p.last])).toEqual([
      [0, 10, false],
      [10, 10, false],
      [20, 0, true],
    ]);
    expect(pages[0]?.next).toEqual({ part: 0, skip: 10 });
    expect(pages[2]?.next).toBeNull();
  });

  it('empty result and a single row: one page', async () => {
    expect((await collect([], { orderBy: ['Id'] }, 10)).pages.map((p) => p.rows.length)).toEqual([0]);
    expect(
      (await collect(table(1), { orderBy: ['Id'] }, 10)).pages.map((p) => [p.rows.length, p.last]),
    ).toEqual([[1, true]]);
  });

  it('resumes at a skip; trusts a smaller echoed take', async () => {
    const resumed = await collect(table(25), { orderBy: ['Id'], skip: 20 }, 10);
    expect(resumed.pages.map((p) => p.rows.map((r) => r.Id))).toEqual([[21, 22, 23, 24, 25]]);
    const capped = await collect(table(25), { orderBy: ['Id'] }, 10, 4);
    expect(capped.pages.flatMap((p) => p.rows)).toHaveLength(25);
  });

  it('a consumer that empties each page after reading it pages the same (skip and keyset)', async () => {
    const emptied = async (options: PagesOptions) => {
      const src = source(table(23));
      const seen: [number, unknown][] = [];
      for await (const page of iteratePages('C', options, planPages('C', options, 5), src.fetch)) {
        seen.push([page.rows.length, page.next]);
        page.rows.length = 0;
      }
      return { seen, queries: src.queries };
    };
    for (const options of [{ orderBy: ['Id'] }, { orderBy: ['Id'], keyset: { field: 'Id' } }]) {
      const kept = await collect(table(23), options, 5);
      const consumed = await emptied(options);
      expect(consumed.seen).toEqual(kept.pages.map((p) => [p.rows.length, p.next]));
      expect(consumed.queries).toEqual(kept.queries);
    }
  });

  it('pages without reading rows the fetcher has not parsed (skip and keyset)', async () => {
    const rows = table(12);
    let parsed = 0;
    const lazy: PageFetcher = (query) => {
      const slice = rows
        .filter((row) => query.groups === null || query.groups.some((g) => g.every((c) => matches(row, c))))
        .slice(query.skip, query.skip + query.take);
      return Promise.resolve({
        get rows() {
          parsed += 1;
          return slice;
        },
        rowCount: slice.length,
        lastRow: () => slice.at(-1),
        scanned: null,
        plain: true,
        echoedTake: query.take,
        requestMs: 1,
        bytes: 10,
        parseMs: 0,
      });
    };
    for (const options of [{ orderBy: ['Id'] }, { orderBy: ['Id'], keyset: { field: 'Id' } }]) {
      const pages: AfasPage[] = [];
      for await (const page of iteratePages('C', options, planPages('C', options, 5), lazy)) pages.push(page);
      expect(pages.map((page) => [page.rowCount, page.lastRow()?.Id ?? null])).toEqual([
        [5, 5],
        [5, 10],
        [2, 12],
      ]);
      expect(parsed).toBe(0);
      expect(pages[1]?.rows.map((row) => row.Id)).toEqual([6, 7, 8, 9, 10]);
      expect(parsed).toBe(1);
      parsed = 0;
    }
  });

  it('a filter that matches nothing (empty IN list) sends no request', async () => {
    const { pages, queries } = await collect(table(5), { orderBy: ['Id'], filter: where.in('Id', []) }, 10);
    expect(pages).toEqual([]);
    expect(queries).toEqual([]);
  });

  it('split filter: parts paged separately, duplicates across parts dropped, resumable by part', async () => {
    const values = Array.from({ length: 300 }, (_, i) => (i % 150) + 1); // every value twice
    const filter = where.in('Id', values);
    const options: PagesOptions = { orderBy: ['Id'], filter };
    const { pages, queries } = await collect(table(200), options, 50);
    expect(pages[0]?.parts).toBeGreaterThan(1);
    const ids = pages.flatMap((p) => p.rows.map((r) => r.Id));
    expect(ids).toHaveLength(150);
    expect(new Set(ids).size).toBe(150);
    expect(queries.every((q) => q.groups !== null)).toBe(true);
    const lastOfPart0 = pages.filter((p) => p.part === 0).at(-1);
    expect(lastOfPart0?.next).toEqual({ part: 1, skip: 0 });
    const resumed = await collect(table(200), { ...options, part: 1, skip: 0 }, 50);
    expect(resumed.pages[0]?.part).toBe(1);
    // Resuming forgets the keys seen in earlier parts, so it may repeat rows (harmless for an upsert), never miss one.
    expect(resumed.pages.flatMap((p) => p.rows)).toEqual(
      expect.arrayContaining(pages.filter((p) => p.part >= 1).flatMap((p) => p.rows)),
    );
    expect(
      sortRows([{ Id: 3 }, { Id: null }, { Id: 1 }], parseOrderBy(['Id'], 'C')).map((r) => r.Id),
    ).toEqual([null, 1, 3]);
    expect(sortRows([{ Id: 'b' }, { Id: 'a' }], parseOrderBy(['-Id'], 'C')).map((r) => r.Id)).toEqual([
      'b',
      'a',
    ]);
  });
});

describe('keyset paging', () => {
  it('pages with Id > last and the extra filter, and resumes after a key', async () => {
    const options: PagesOptions = { orderBy: ['Id'], keyset: { field: 'Id' }, filter: where.eq('D', 3) };
    const { pages, queries } = await collect(table(100), options, 5);
    const ids = pages.flatMap((p) => p.rows.map((r) => r.Id));
    expect(ids).toEqual(
      table(100)
        .filter((r) => r.D === 3)
        .map((r) => r.Id),
    );
    expect(queries.every((q) => q.skip === 0)).toBe(true);
    expect(queries[1]?.groups).toEqual([[where.eq('D', 3), where.gt('Id', 31)]]);
    expect(pages[0]?.next).toEqual({ part: 0, after: 31 });
    const resumed = await collect(table(100), { ...options, keyset: { field: 'Id', after: 80 } }, 5);
    expect(resumed.pages.flatMap((p) => p.rows.map((r) => r.Id))).toEqual([87, 94]);
  });

  it('requires orderBy = [key]; no skip/part; stops when the key does not advance', async () => {
    await expect(collect(table(5), { orderBy: ['D'], keyset: { field: 'Id' } }, 5)).rejects.toThrow(
      AfasUsageError,
    );
    await expect(collect(table(5), { orderBy: ['Id'], keyset: { field: 'Id' }, skip: 5 }, 5)).rejects.toThrow(
      AfasUsageError,
    );
    const stuck: PageFetcher = () =>
      Promise.resolve({
        ...parsedRows([{ Id: 1 }, { Id: 1 }], true),
        echoedTake: 2,
        requestMs: 0,
        bytes: 0,
        parseMs: 0,
      });
    const options: PagesOptions = { orderBy: ['Id'], keyset: { field: 'Id' } };
    const run = async () => {
      for await (const page of iteratePages('C', options, planPages('C', options, 2), stuck)) void page;
    };
    await expect(run()).rejects.toThrow(AfasBadResponseError);
  });

  it('does not split: a keyset filter that is too long is refused', async () => {
    const options: PagesOptions = {
      orderBy: ['Id'],
      keyset: { field: 'Id' },
      filter: where.in(
        'D',
        Array.from({ length: 500 }, (_, i) => i),
      ),
    };
    await expect(collect(table(5), options, 5)).rejects.toThrow(AfasQueryTooLongError);
  });
});
