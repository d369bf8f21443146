// Paging orchestration over an in-memory page source, and the page value itself (pure logic; the
// HTTP path is covered by the client tests against the simulator).
import { describe, expect, it } from 'vitest';
import { AfasUsageError } from '../../src/afas/errors.js';
import { where, type FilterCondition } from '../../src/afas/filters.js';
import { pageOfRows } from '../../src/afas/page-body.js';
import {
  iteratePages,
  parseOrderBy,
  planPages,
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

/** The rows of `table` a query selects, one page of them at the query's skip. */
function slice(table: AfasRow[], query: ConnectorQuery, take: number): AfasRow[] {
  return table
    .filter((row) => query.groups === null || query.groups.some((g) => g.every((c) => matches(row, c))))
    .slice(query.skip, query.skip + take);
}

function source(table: AfasRow[], options: { echoTake?: number } = {}) {
  const queries: ConnectorQuery[] = [];
  /** How many rows the source sent, over all queries. */
  const served = { rows: 0 };
  const fetch: PageFetcher = (query) => {
    queries.push(query);
    const take = Math.min(query.take, options.echoTake ?? query.take);
    const rows = slice(table, query, take);
    served.rows += rows.length;
    return Promise.resolve({
      ...pageOfRows(rows),
      echoedTake: take,
      requestMs: 1,
      responseDateMs: null,
      bytes: 10,
      parseMs: 0,
    });
  };
  return { fetch, queries, served };
}

async function collect(table: AfasRow[], options: PagesOptions, take: number, echoTake?: number) {
  const src = source(table, echoTake === undefined ? {} : { echoTake });
  const pages: AfasPage[] = [];
  for await (const page of iteratePages('C', options, planPages('C', options, take), src.fetch))
    pages.push(page);
  return { pages, queries: src.queries, served: src.served.rows };
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

describe('the page value', () => {
  it('parse() returns a fresh array of fresh rows on each call', () => {
    const rows = [
      { Id: 1, Text: 'a' },
      { Id: 2, Text: 'b' },
    ];
    const page = pageOfRows(rows);
    const first = page.parse();
    expect(first).toEqual(rows);
    first.length = 0;
    const second = page.parse();
    expect(second).toEqual(rows);
    expect(second).not.toBe(first);
    const row = second[0];
    if (row !== undefined) row.Text = 'changed';
    second.push({ Id: 3, Text: 'c' });
    expect(page.parse()).toEqual(rows);
    expect(page.lastRow()).toEqual({ Id: 2, Text: 'b' });
    expect(page.rowCount).toBe(2);
  });

  it('plain rows are scanned; rows with a quote or a newline are parsed, and read back the same', () => {
    const plainRows = [{ Id: 1, Text: 'plain', Amount: 1806.22, Gone: null }];
    const plain = pageOfRows(plainRows);
    expect(plain.scanned).not.toBeNull();
    expect(plain.plain).toBe(true);
    expect(plain.body.toString('utf8')).toBe(JSON.stringify({ rows: plainRows }));
    expect(plain.parse()).toEqual(plainRows);

    const escapedRows = [
      { Id: 1, Text: 'say "hi"' },
      { Id: 2, Text: 'line\nbreak, back\\slash' },
    ];
    const escaped = pageOfRows(escapedRows);
    expect(escaped.scanned).toBeNull();
    expect(escaped.plain).toBe(false);
    expect(escaped.rowCount).toBe(2);
    expect(escaped.body.toString('utf8')).toBe(JSON.stringify({ rows: escapedRows }));
    expect(escaped.parse()).toEqual(escapedRows);
    expect(escaped.lastRow()).toEqual(escapedRows[1]);
    expect(pageOfRows([]).lastRow()).toBeUndefined();
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
    expect(pages.map((p) => [p.skip, p.rowCount, p.last])).toEqual([
      [0, 10, false],
      [10, 10, false],
      [20, 0, true],
    ]);
    expect(pages[0]?.next).toEqual({ part: 0, skip: 10 });
    expect(pages[2]?.next).toBeNull();
  });

  it('empty result and a single row: one page', async () => {
    expect((await collect([], { orderBy: ['Id'] }, 10)).pages.map((p) => p.rowCount)).toEqual([0]);
    expect(
      (await collect(table(1), { orderBy: ['Id'] }, 10)).pages.map((p) => [p.parse().length, p.last]),
    ).toEqual([[1, true]]);
  });

  it('resumes at a skip; trusts a smaller echoed take', async () => {
    const resumed = await collect(table(25), { orderBy: ['Id'], skip: 20 }, 10);
    expect(resumed.pages.map((p) => p.parse().map((r) => r.Id))).toEqual([[21, 22, 23, 24, 25]]);
    const capped = await collect(table(25), { orderBy: ['Id'] }, 10, 4);
    expect(capped.pages.flatMap((p) => p.parse())).toHaveLength(25);
  });

  it('a consumer that empties what it parsed from each page pages the same', async () => {
    const options: PagesOptions = { orderBy: ['Id'] };
    const src = source(table(23));
    const seen: [number, unknown][] = [];
    for await (const page of iteratePages('C', options, planPages('C', options, 5), src.fetch)) {
      const rows = page.parse();
      seen.push([rows.length, page.next]);
      rows.length = 0;
      expect(page.parse()).toHaveLength(page.rowCount);
    }
    const kept = await collect(table(23), options, 5);
    expect(seen).toEqual(kept.pages.map((p) => [p.rowCount, p.next]));
    expect(src.queries).toEqual(kept.queries);
  });

  it('pages without parsing any page nobody reads', async () => {
    const rows = table(12);
    let parsed = 0;
    const lazy: PageFetcher = (query) => {
      const page = pageOfRows(slice(rows, query, query.take));
      return Promise.resolve({
        ...page,
        parse: () => {
          parsed += 1;
          return page.parse();
        },
        echoedTake: query.take,
        requestMs: 1,
        responseDateMs: null,
        bytes: 10,
        parseMs: 0,
      });
    };
    const options: PagesOptions = { orderBy: ['Id'] };
    const pages: AfasPage[] = [];
    for await (const page of iteratePages('C', options, planPages('C', options, 5), lazy)) pages.push(page);
    expect(pages.map((page) => [page.rowCount, page.lastRow()?.Id ?? null])).toEqual([
      [5, 5],
      [5, 10],
      [2, 12],
    ]);
    expect(parsed).toBe(0);
    expect(pages[1]?.parse().map((row) => row.Id)).toEqual([6, 7, 8, 9, 10]);
    expect(parsed).toBe(1);
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
    const { pages, queries, served } = await collect(table(200), options, 50);
    expect(pages[0]?.parts).toBeGreaterThan(1);
    expect(served).toBeGreaterThan(150); // later parts match ids an earlier part returned
    const ids = pages.flatMap((p) => p.parse().map((r) => r.Id));
    expect(ids).toHaveLength(150);
    expect(new Set(ids).size).toBe(150);
    expect(queries.every((q) => q.groups !== null)).toBe(true);
    // A page that lost rows seen in an earlier part is rebuilt from the rows it kept.
    for (const page of pages) {
      const rows = page.parse();
      expect(page.rowCount).toBe(rows.length);
      expect(page.lastRow()).toEqual(rows.at(-1));
      expect(JSON.parse(page.body.toString('utf8'))).toMatchObject({ rows });
    }
    const lastOfPart0 = pages.filter((p) => p.part === 0).at(-1);
    expect(lastOfPart0?.next).toEqual({ part: 1, skip: 0 });
    const resumed = await collect(table(200), { ...options, part: 1, skip: 0 }, 50);
    expect(resumed.pages[0]?.part).toBe(1);
    // Resuming forgets the keys seen in earlier parts, so it may repeat rows (harmless for an upsert), never miss one.
    expect(resumed.pages.flatMap((p) => p.parse())).toEqual(
      expect.arrayContaining(pages.filter((p) => p.part >= 1).flatMap((p) => p.parse())),
    );
  });
});
