// The AFAS client against the AFAS simulator over real HTTP (no HTTP mocking).
import { inspect } from 'node:util';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { parseAfasDateTime } from '../../src/afas/amsterdam-time.js';
import { AfasClient } from '../../src/afas/client.js';
import type { AfasConnectionSettings, AfasTokenAuth } from '../../src/afas/connection-options.js';
import { classifyAfasError } from '../../src/afas/classify.js';
import {
  AfasAbortError,
  AfasBadResponseError,
  AfasError,
  AfasHttpError,
  AfasNetworkError,
  AfasTimeoutError,
  AfasUsageError,
} from '../../src/afas/errors.js';
import { where, type AfasFilter, type FilterCondition } from '../../src/afas/filters.js';
import type { AfasPage } from '../../src/afas/pages.js';
import { updateEnvelope } from '../../src/afas/update.js';
import type { AfasRawValue, AfasRow } from '../../src/afas/values.js';
import { createRowConverter } from '../../tools/soak/typed-values.js';
import { startSimulator, type RunningSimulator } from '../../src/simulator/index.js';
import { collectRows, firstPage } from './helpers/collect-rows.js';

const SECRET = 'C0FFEE00C0FFEE00C0FFEE00C0FFEE00C0FFEE00C0FFEE00C0FFEE00C0FFEE00';
const LIMITED = 'AB12AB12AB12AB12AB12AB12AB12AB12AB12AB12AB12AB12AB12AB12AB12AB12';
const TX = 'Profit_Transactions';
const TX_KEY = ['UnitId', 'EntryNo', 'SeqNo'];

let sim: RunningSimulator;
let clock = new Date('2024-11-15T11:00:00Z');
const clients: AfasClient[] = [];

/** Settings to override; the classic token only (the OAuth tests build their own clients). */
type Overrides = Partial<AfasConnectionSettings> & Partial<AfasTokenAuth>;

function client(options: Overrides = {}): AfasClient {
  const c = new AfasClient({
    environmentId: '12345',
    environmentType: 'test',
    baseUrl: sim.baseUrl,
    token: SECRET,
    ...options,
  });
  clients.push(c);
  return c;
}

async function control(method: string, path: string, body?: unknown): Promise<unknown> {
  const res = await fetch(`${sim.url}/__sim/${path}`, {
    method,
    headers: { 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`control ${method} ${path}: ${res.status} ${text}`);
  return text === '' ? null : JSON.parse(text);
}

interface LoggedRequest {
  method: string;
  connector: string | null;
  query: Record<string, string>;
  status: number;
}

async function requestLog(): Promise<LoggedRequest[]> {
  return ((await control('GET', 'requests?limit=10000')) as { entries: LoggedRequest[] }).entries;
}

async function caught(promise: Promise<unknown>): Promise<AfasError> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof AfasError) return err;
    throw err;
  }
  throw new Error('expected an AfasError');
}

async function collect(iterable: AsyncIterable<AfasPage>): Promise<AfasPage[]> {
  const pages: AfasPage[] = [];
  for await (const page of iterable) pages.push(page);
  return pages;
}

const keyOf = (row: AfasRow): string => TX_KEY.map((k) => String(row[k])).join('/');
const keys = (rows: readonly AfasRow[]): string[] => rows.map(keyOf);
/** Rows in TX_KEY order (all three key fields are integers). */
const sortedOnKey = (rows: readonly AfasRow[]): AfasRow[] =>
  [...rows].sort(
    (a, b) =>
      (a.UnitId as number) - (b.UnitId as number) ||
      (a.EntryNo as number) - (b.EntryNo as number) ||
      (a.SeqNo as number) - (b.SeqNo as number),
  );
const lower = (v: AfasRawValue): string => String(v).toLowerCase();

// Fixture lines added through the control API (clock at 2024-07-01 12:00 Amsterdam).
const FIXTURE_DESCRIPTION = 'Huur kantoor, Q3; Amsterdam';
let partition: AfasRow[] = [];

beforeAll(async () => {
  sim = await startSimulator({
    control: true,
    seed: 7,
    administrations: 2,
    years: [2023, 2024],
    linesPerYear: 400,
    now: () => clock,
    tokens: [{ token: SECRET }, { token: LIMITED, connectors: ['Profit_Accounts'] }],
  });
  clock = new Date('2024-07-01T10:00:00Z');
  await control('POST', 'journal-lines', {
    lines: [
      {
        UnitId: 1,
        JournalId: '90',
        AccountNo: '4200',
        EntryDate: '2024-10-27',
        VoucherDate: '2024-10-27T02:30:00',
        AmtDebit: '1806.22',
        Description: FIXTURE_DESCRIPTION,
      },
      {
        UnitId: 1,
        JournalId: '90',
        AccountNo: '1100',
        EntryDate: '2024-10-27',
        VoucherDate: '2024-03-31T02:30:00',
        AmtCredit: '1806.22',
        Description: FIXTURE_DESCRIPTION,
      },
      {
        UnitId: 1,
        JournalId: '90',
        AccountNo: '4200',
        EntryDate: '2024-10-27',
        VoucherDate: '2024-07-01T12:00:00',
        AmtDebit: '-0.5',
        AmtCredit: '-0.5',
        Description: 'Afronding',
      },
    ],
  });
  clock = new Date('2024-11-15T11:00:00Z');
  partition = await collectRows(client(), TX, {
    orderBy: TX_KEY,
    filter: where.and(where.eq('UnitId', 1), where.eq('Year', 2024)),
    take: 10_000,
  });
}, 60_000);

afterEach(async () => {
  await control('DELETE', 'faults');
  await Promise.all(clients.splice(0).map((c) => c.close()));
});

afterAll(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
  await sim?.close();
});

describe('metainfo', () => {
  it('lists connectors, describes a GetConnector and the FiEntries UpdateConnector, reads the version', async () => {
    const c = client();
    const meta = await c.metainfo();
    expect(meta.getConnectors.map((g) => g.id)).toContain(TX);
    expect(meta.updateConnectors.map((u) => u.id)).toContain('FiEntries');
    const tx = await c.describeGetConnector(TX);
    expect(tx.fields.find((f) => f.id === 'AmtDebit')?.dataType).toBe('decimal');
    expect(tx.fields.find((f) => f.id === 'EntryDate')?.dataType).toBe('date');
    expect(tx.fields.find((f) => f.id === 'UnitId')?.dataType).toBe('int');
    const fi = await c.describeUpdateConnector('FiEntries');
    expect(fi.objects.length).toBeGreaterThan(0);
    expect(JSON.stringify(fi)).toContain('FiEntries');
    expect(await c.profitVersion()).toMatch(/^\d+\.\d+/);
  });

  it('Accept-Language switches metainfo labels', async () => {
    const nl = await client({ language: 'nl-nl' }).describeGetConnector(TX);
    const en = await client({ language: 'en-us' }).describeGetConnector(TX);
    const label = (m: typeof nl) => m.fields.find((f) => f.id === 'AmtDebit')?.label;
    expect(label(nl)).not.toBe(label(en));
  });
});

describe('paging', () => {
  it('the partition is sorted on the key, with derived take from the column count', async () => {
    const pages = await collect(client().pages(TX, { orderBy: TX_KEY, filter: where.eq('UnitId', 1) }));
    expect(pages[0]?.take).toBe(Math.floor(150_000 / 18));
    expect(partition.length).toBeGreaterThan(300);
    const sorted = [...partition].sort(
      (a, b) => (a.EntryNo as number) - (b.EntryNo as number) || (a.SeqNo as number) - (b.SeqNo as number),
    );
    expect(keys(partition)).toEqual(keys(sorted));
  });

  it('small pages return exactly the same rows as one big page; per-page metrics are filled', async () => {
    const filter = where.and(where.eq('UnitId', 1), where.eq('Year', 2024));
    const pages = await collect(client().pages(TX, { orderBy: TX_KEY, filter, take: 37 }));
    expect(keys(pages.flatMap((p) => p.parse()))).toEqual(keys(partition));
    expect(pages.slice(0, -1).every((p) => p.rowCount === 37 && p.parse().length === 37 && !p.last)).toBe(
      true,
    );
    expect(pages.at(-1)?.last).toBe(true);
    expect(pages.map((p) => p.skip)).toEqual(pages.map((_, i) => i * 37));
    for (const p of pages) {
      expect(p.requestMs).toBeGreaterThan(0);
      expect(p.bytes).toBeGreaterThan(0);
    }
  });

  it('pages arrive scanned: rows parsed only when asked for, their count and last row without parsing', async () => {
    const filter = where.and(where.eq('UnitId', 1), where.eq('Year', 2024));
    const pages = await collect(client().pages(TX, { orderBy: TX_KEY, filter, take: 50 }));
    expect(pages.length).toBeGreaterThan(1);
    for (const page of pages) {
      // The simulator writes compact, escape-free JSON, as AFAS does: every page is scanned.
      expect(page.scanned).not.toBeNull();
      expect(page.plain).toBe(true);
      const last = page.lastRow();
      const rows = page.parse();
      expect(page.rowCount).toBe(rows.length);
      expect(last).toEqual(rows.at(-1));
    }
    expect(keys(pages.flatMap((page) => page.parse()))).toEqual(keys(partition));
  });

  it('a page with escapes is parsed as before, and says it is not plain', async () => {
    const id = 'Custom_Escapes';
    const rows = [
      { Id: 1, Text: 'say "hi"' },
      { Id: 2, Text: 'back\\slash, tab\t, newline\n' },
      { Id: 3, Text: 'plain' },
    ];
    await control('POST', 'custom-connectors', {
      id,
      fields: [
        { id: 'Id', dataType: 'int' },
        { id: 'Text', dataType: 'string' },
      ],
      rows,
    });
    try {
      const pages = await collect(client().pages(id, { orderBy: ['Id'] }));
      expect(pages.map((page) => [page.scanned, page.plain, page.rowCount])).toEqual([[null, false, 3]]);
      expect(pages[0]?.parse()).toEqual(rows);
      expect(pages[0]?.lastRow()).toEqual(rows[2]);
    } finally {
      await control('DELETE', `custom-connectors/${id}`);
    }
  });

  it('edges: exact multiple of take, one row, empty', async () => {
    const c = client();
    const entry = partition[0];
    const entryFilter = where.and(where.eq('UnitId', 1), where.eq('EntryNo', entry?.EntryNo ?? 0));
    const entryRows = partition.filter((r) => r.EntryNo === entry?.EntryNo);
    expect(entryRows.length).toBeGreaterThanOrEqual(2);
    const exact = await collect(
      c.pages(TX, { orderBy: TX_KEY, filter: entryFilter, take: entryRows.length }),
    );
    expect(exact.map((p) => p.rowCount)).toEqual([entryRows.length, 0]);
    const one = await collect(
      c.pages(TX, { orderBy: TX_KEY, filter: where.and(entryFilter, where.eq('SeqNo', 1)), take: 10 }),
    );
    expect(one.map((p) => p.parse().length)).toEqual([1]);
    const none = await collect(c.pages(TX, { orderBy: TX_KEY, filter: where.eq('UnitId', 999), take: 10 }));
    expect(none.map((p) => [p.rowCount, p.last])).toEqual([[0, true]]);
  });

  it('resumes at a skip and refuses to page without orderBy', async () => {
    const c = client();
    const filter = where.and(where.eq('UnitId', 1), where.eq('Year', 2024));
    const resumed = await collectRows(c, TX, { orderBy: TX_KEY, filter, take: 100, skip: 250 });
    expect(keys(resumed)).toEqual(keys(partition.slice(250)));
    await expect(collect(c.pages(TX, { orderBy: [], filter }))).rejects.toThrow(AfasUsageError);
  });

  it('passes the AbortSignal through the iteration', async () => {
    const controller = new AbortController();
    const iterator = client().pages(TX, { orderBy: TX_KEY, take: 50, signal: controller.signal });
    const seen: AfasPage[] = [];
    const run = (async () => {
      for await (const page of iterator) {
        seen.push(page);
        controller.abort();
      }
    })();
    await expect(run).rejects.toThrow(AfasAbortError);
    expect(seen).toHaveLength(1);
  });
});

describe('filters against the simulator', () => {
  function local(rows: AfasRow[], c: FilterCondition): AfasRow[] {
    const x = c.value;
    const text = (v: AfasRawValue) => lower(v);
    return rows.filter((row) => {
      const v = row[c.field] ?? null;
      const want = typeof x === 'string' ? x.toLowerCase() : '';
      switch (c.operator) {
        case 1:
          return v !== null && (typeof v === 'string' ? text(v) === want : v === x);
        case 7:
          return v !== null && (typeof v === 'string' ? text(v) !== want : v !== x);
        case 2:
        case 3:
        case 4:
        case 5: {
          if (v === null) return false;
          const a = x instanceof Date ? (parseAfasDateTime(String(v))?.getTime() ?? 0) : (v as number);
          const b = x instanceof Date ? x.getTime() : (x as number);
          return c.operator === 2 ? a >= b : c.operator === 3 ? a <= b : c.operator === 4 ? a > b : a < b;
        }
        case 6:
        case 15:
          return v !== null && text(v).includes(want);
        case 11:
          return v !== null && !text(v).includes(want);
        case 10:
          return v !== null && text(v).startsWith(want);
        case 12:
          return v !== null && !text(v).startsWith(want);
        case 13:
          return v !== null && text(v).endsWith(want);
        case 14:
          return v !== null && !text(v).endsWith(want);
        case 8:
          return v === null || v === '';
        case 9:
          return v !== null && v !== '';
        default:
          throw new Error('operator');
      }
    });
  }

  it('every operator (1–15) returns what the same predicate selects locally', async () => {
    const c = client();
    const base = where.and(where.eq('UnitId', 1), where.eq('Year', 2024));
    const sample = partition.find((r) => r.InvoiceId !== null && r.VatCode !== null) ?? partition[0];
    const word = String(sample?.Description ?? 'x').split(' ')[0] ?? 'x';
    const invoiceEnd = String(sample?.InvoiceId ?? '1').slice(-2);
    const july = new Date('2024-06-30T22:00:00Z'); // 2024-07-01T00:00:00 Amsterdam
    const conditions: FilterCondition[] = [
      where.eq('AccountNo', String(sample?.AccountNo)),
      where.gte('AmtDebit', 1000),
      where.lte('EntryDate', july),
      where.gt('EntryDate', july),
      where.lt('AmtCredit', 250.5),
      where.contains('Description', word.toUpperCase()),
      where.ne('JournalId', String(sample?.JournalId)),
      where.isEmpty('VatCode'),
      where.isNotEmpty('VatCode'),
      where.startsWith('AccountNo', '4'),
      where.notContains('Description', word),
      where.notStartsWith('AccountNo', '4'),
      where.endsWith('InvoiceId', invoiceEnd),
      where.notEndsWith('InvoiceId', invoiceEnd),
      where.quick('Description', word.toLowerCase()),
    ];
    expect(new Set(conditions.map((x) => x.operator)).size).toBe(15);
    for (const condition of conditions) {
      const rows = await collectRows(c, TX, {
        orderBy: TX_KEY,
        filter: where.and(base, condition),
        take: 10_000,
      });
      const expected = local(partition, condition);
      expect(keys(rows), `operator ${condition.operator} on ${condition.field}`).toEqual(keys(expected));
      expect(expected.length, `operator ${condition.operator} selects something`).toBeGreaterThan(0);
    }
  });

  it('AND within a group, OR across groups', async () => {
    const [a, b] = [partition[0], partition.find((r) => r.Period !== partition[0]?.Period)];
    const filter: AfasFilter = where.and(
      where.eq('UnitId', 1),
      where.eq('Year', 2024),
      where.or(
        where.and(where.eq('AccountNo', String(a?.AccountNo)), where.eq('Period', a?.Period ?? 0)),
        where.and(where.eq('JournalId', String(b?.JournalId)), where.eq('Period', b?.Period ?? 0)),
      ),
    );
    const rows = await collectRows(client(), TX, { orderBy: TX_KEY, filter, take: 10_000 });
    const expected = partition.filter(
      (r) =>
        (r.AccountNo === a?.AccountNo && r.Period === a?.Period) ||
        (r.JournalId === b?.JournalId && r.Period === b?.Period),
    );
    expect(keys(rows)).toEqual(keys(expected));
    expect(rows.length).toBeGreaterThan(1);
  });

  it('a value with "," and ";" goes through filterjson', async () => {
    await control('DELETE', 'requests');
    const rows = await collectRows(client(), TX, {
      orderBy: TX_KEY,
      filter: where.and(where.eq('UnitId', 1), where.eq('Description', FIXTURE_DESCRIPTION)),
      take: 100,
    });
    expect(rows.map((r) => r.Description)).toEqual([FIXTURE_DESCRIPTION, FIXTURE_DESCRIPTION]);
    const [logged] = (await requestLog()).filter((r) => r.connector === TX);
    expect(Object.keys(logged?.query ?? {})).toContain('filterjson');
    expect(logged?.query).not.toHaveProperty('filterfieldids');
  });

  it('a long IN list is split over several requests; merged rows are de-duplicated', async () => {
    await control('DELETE', 'requests');
    const entries = [...new Set(partition.map((r) => r.EntryNo as number))];
    const chosen = entries.filter((_, i) => i % 2 === 0);
    const values = [...chosen, ...chosen.slice(0, 20), 999_999]; // duplicates and a miss
    const filter = where.and(where.eq('UnitId', 1), where.eq('Year', 2024), where.in('EntryNo', values));
    const pages = await collect(client().pages(TX, { orderBy: TX_KEY, filter, take: 5000 }));
    const rows = pages.flatMap((page) => page.parse());
    // Each part comes sorted on its own; merged, the parts follow each other, so compare in key order.
    const expected = partition.filter((r) => chosen.includes(r.EntryNo as number));
    expect(new Set(keys(rows)).size).toBe(rows.length);
    expect(keys(sortedOnKey(rows))).toEqual(keys(expected));
    const log = (await requestLog()).filter((r) => r.connector === TX);
    expect(log.length).toBeGreaterThan(1);
    expect(log.every((r) => r.status === 200)).toBe(true);
    expect(pages[0]?.parts).toBe(log.length);
  });
});

describe('served values', () => {
  it('Amsterdam wall times convert to real instants across both DST transitions', async () => {
    const meta = await client().describeGetConnector(TX);
    const convert = createRowConverter({ connector: TX, fields: meta.fields, keyFields: TX_KEY });
    const fixture = partition.filter((r) => r.JournalId === '90' && r.EntryDate === '2024-10-27T00:00:00Z');
    expect(fixture).toHaveLength(3);
    const typed = fixture.map(convert);
    expect(fixture.map((r) => r.VoucherDate)).toEqual([
      '2024-10-27T02:30:00Z',
      '2024-03-31T02:30:00Z',
      '2024-07-01T12:00:00Z',
    ]);
    expect(typed.map((r) => (r.VoucherDate as Date).toISOString())).toEqual([
      '2024-10-27T00:30:00.000Z', // ambiguous autumn hour → the earlier instant (CEST)
      '2024-03-31T01:30:00.000Z', // skipped spring hour → pre-transition offset (shown as 03:30 CEST)
      '2024-07-01T10:00:00.000Z',
    ]);
    expect((typed[0]?.EntryDate as Date).toISOString()).toBe('2024-10-26T22:00:00.000Z');
    // Created/Modified were stamped by the simulator clock at 2024-07-01T10:00:00Z.
    expect(fixture[0]?.Modified).toBe('2024-07-01T12:00:00Z');
    expect((typed[0]?.Modified as Date).toISOString()).toBe('2024-07-01T10:00:00.000Z');
  });

  it('decimals stay exact: every served literal equals the converted decimal string', async () => {
    const c = client();
    const meta = await c.describeGetConnector(TX);
    const convert = createRowConverter({ connector: TX, fields: meta.fields, keyFields: TX_KEY });
    const res = await fetch(
      `${sim.baseUrl}/connectors/${TX}?skip=0&take=10000&orderbyfieldids=UnitId,EntryNo,SeqNo`,
      {
        headers: {
          authorization: `AfasToken ${Buffer.from(`<token><version>1</version><data>${SECRET}</data></token>`).toString('base64')}`,
        },
      },
    );
    const raw = await res.text();
    const literals = [...raw.matchAll(/"AmtDebit":(null|-?[0-9.eE+-]+)/g)].map((m) => m[1]);
    const rows = await collectRows(c, TX, { orderBy: TX_KEY, take: 10_000 });
    const typed = rows.map(convert);
    expect(typed).toHaveLength(literals.length);
    typed.forEach((row, i) => {
      const literal = literals[i] ?? '';
      expect(row.AmtDebit).toBe(
        literal === 'null' ? null : literal.replace(/(\.\d*?)0+$/, '$1').replace(/\.$/, ''),
      );
    });
    const fixture = typed.filter(
      (r) => r.Description === FIXTURE_DESCRIPTION || r.Description === 'Afronding',
    );
    expect(fixture.map((r) => [r.AmtDebit, r.AmtCredit])).toEqual([
      ['1806.22', '0'],
      ['0', '1806.22'],
      ['-0.5', '-0.5'],
    ]);
    // The sum of all cents is exact when computed from the strings.
    const cents = typed.reduce((sum, r) => sum + toCents(r.AmtDebit as string | null), 0n);
    const viaLiterals = literals.reduce(
      (sum, l) => sum + toCents(l === 'null' || l === undefined ? null : l),
      0n,
    );
    expect(cents).toBe(viaLiterals);
  });
});

function toCents(text: string | null): bigint {
  if (text === null) return 0n;
  const negative = text.startsWith('-');
  const [int, frac = ''] = text.replace('-', '').split('.');
  const cents = BigInt(int ?? '0') * 100n + BigInt((frac + '00').slice(0, 2));
  return negative ? -cents : cents;
}

describe('errors from the simulator', () => {
  const page = (c: AfasClient, skip = 0) => firstPage(c, TX, { orderBy: TX_KEY, take: 50, skip });

  it('locked booking layout → locked (retryable, long backoff); message, errorNumber and log reference kept', async () => {
    await control('POST', 'faults', { kind: 'locked', count: 1 });
    const err = (await caught(page(client()))) as AfasHttpError;
    expect(err).toBeInstanceOf(AfasHttpError);
    expect(err.status).toBe(500);
    expect(err.afasMessage).toMatch(/geblokkeerd door een andere gebruiker/);
    expect(err.profitLogReference).toMatch(/^[0-9A-F]{32}$/);
    expect(err.errorNumber).not.toBeNull();
    expect(classifyAfasError(err)).toMatchObject({ class: 'locked', retryable: true, backoff: 'long' });
    expect((await page(client())).parse()).toHaveLength(50); // count: 1 → the next call passes
  });

  it('unavailable → 503 transient with Retry-After', async () => {
    await control('POST', 'faults', { kind: 'unavailable', count: 1, retryAfterSeconds: 30 });
    const err = (await caught(page(client()))) as AfasHttpError;
    expect(err.status).toBe(503);
    expect(err.retryAfterMs).toBe(30_000);
    expect(classifyAfasError(err)).toMatchObject({ class: 'transient', retryAfterMs: 30_000 });
  });

  it('blocked GetConnector, timeout message, out of memory, unexpected', async () => {
    const cases: [string, string, boolean][] = [
      ['blocked', 'blocked', false],
      ['timeout-message', 'functional', true],
      ['out-of-memory', 'functional', true],
      ['unexpected', 'functional', false],
    ];
    for (const [kind, cls, shrinkable] of cases) {
      await control('POST', 'faults', { kind, count: 1 });
      const c = classifyAfasError(await caught(page(client({ language: 'en-us' }))));
      expect(c, kind).toMatchObject({ class: cls, retryable: false, shrinkable });
    }
  });

  it('malformed JSON → bad-response naming connector and skip', async () => {
    await control('POST', 'faults', { kind: 'malformed-json', count: 1, connector: TX });
    const err = await caught(page(client(), 100));
    expect(err).toBeInstanceOf(AfasBadResponseError);
    expect(err.message).toContain(TX);
    expect(err.message).toContain('skip 100');
    expect(classifyAfasError(err).class).toBe('bad-response');
  });

  it('connection reset → network error (transient)', async () => {
    await control('POST', 'faults', { kind: 'reset', count: 1 });
    const err = await caught(page(client()));
    expect(err).toBeInstanceOf(AfasNetworkError);
    expect(classifyAfasError(err)).toMatchObject({ class: 'transient', retryable: true });
  });

  it('slow answer → client timeout; abort during a slow call', async () => {
    await control('POST', 'faults', { kind: 'slow', delayMs: 1500 });
    const timeout = await caught(page(client({ requestTimeoutMs: 200 })));
    expect(timeout).toBeInstanceOf(AfasTimeoutError);
    expect(classifyAfasError(timeout).class).toBe('transient');
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 100);
    const aborted = await caught(
      firstPage(client(), TX, { orderBy: TX_KEY, take: 5, signal: controller.signal }),
    );
    expect(aborted).toBeInstanceOf(AfasAbortError);
  });

  it('unknown filter field → functional with AFAS message', async () => {
    const err = (await caught(
      firstPage(client({ language: 'en-us' }), TX, {
        orderBy: TX_KEY,
        take: 5,
        filter: where.eq('Nope', 1),
      }),
    )) as AfasHttpError;
    expect(err.afasMessage).toBe("Connector field 'Nope' not found");
    expect(classifyAfasError(err).class).toBe('functional');
  });

  it('connector not in the App connector, and a revoked token → auth', async () => {
    const limited = client({ token: LIMITED });
    expect(
      (await collectRows(limited, 'Profit_Accounts', { orderBy: ['Account'], take: 10_000 })).length,
    ).toBeGreaterThan(0);
    const notAllowed = await caught(page(limited));
    expect(notAllowed).toMatchObject({ status: 401 });
    expect(classifyAfasError(notAllowed)).toMatchObject({ class: 'auth', retryable: false });
    await control('POST', 'tokens/revoke', { token: LIMITED });
    const revoked = await caught(limited.metainfo());
    expect(classifyAfasError(revoked).class).toBe('auth');
  });

  it('never leaks the token in any error', async () => {
    const errors: AfasError[] = [];
    for (const kind of ['locked', 'unavailable', 'reset', 'malformed-json', 'blocked']) {
      await control('POST', 'faults', { kind, count: 1 });
      errors.push(await caught(page(client())));
    }
    errors.push(
      await caught(client({ token: '<token><version>1</version><data>DEADBEEF</data></token>' }).metainfo()),
    );
    const c = client();
    for (const text of [
      ...errors.flatMap((e) => [
        e.message,
        String(e),
        e.stack ?? '',
        JSON.stringify(e),
        inspect(e, { depth: 10 }),
      ]),
      inspect(c, { depth: 10 }),
      JSON.stringify(c),
    ]) {
      expect(text).not.toContain(SECRET);
      expect(text).not.toContain(
        Buffer.from(`<token><version>1</version><data>${SECRET}</data></token>`).toString('base64'),
      );
      expect(text).not.toContain('DEADBEEF');
    }
  });
});

describe('UpdateConnectors against the simulator', () => {
  it('inserts a balanced FiEntries entry, reads it back, rejects an unbalanced one, deletes by key path', async () => {
    const c = client({ language: 'en-us' });
    const periods = await collectRows(c, 'Profit_periods_per_administration', {
      orderBy: ['Unit', 'Year', 'Period'],
      filter: where.and(where.eq('Unit', 1), where.eq('Year', 2024), where.eq('Blocked', false)),
      take: 100,
    });
    const period = periods.at(-1);
    expect(period).toBeDefined();
    const day = String(period?.DateFrom).slice(0, 10);
    const line = (account: string, debit: number, credit: number) => ({
      fields: {
        VaAs: '1',
        AcNr: account,
        EnDa: day,
        BpDa: day,
        Ds: 'afas client test',
        AmDe: debit,
        AmCr: credit,
      },
    });
    const entry = (debit: number, credit: number) =>
      updateEnvelope('FiEntryPar', {
        fields: { Year: 2024, Peri: period?.Period as number, UnId: 1, JoCo: '90' },
        objects: { FiEntries: [line('4200', debit, 0), line('1100', 0, credit)] },
      });

    const inserted = await c.insert('FiEntries', entry(123.45, 123.45));
    expect(inserted.status).toBe(201);
    const entryNo = inserted.results?.FiEntryPar?.EnNo;
    expect(entryNo).toMatch(/^\d+$/);
    const back = await collectRows(c, TX, {
      orderBy: TX_KEY,
      filter: where.and(where.eq('UnitId', 1), where.eq('EntryNo', Number(entryNo))),
      take: 10,
    });
    expect(back.map((r) => [r.AccountNo, r.AmtDebit, r.AmtCredit])).toEqual([
      ['4200', 123.45, 0],
      ['1100', 0, 123.45],
    ]);

    const unbalanced = (await caught(c.insert('FiEntries', entry(100, 99.99)))) as AfasHttpError;
    expect(unbalanced.status).toBe(500);
    expect(unbalanced.afasMessage).toMatch(/not in balance/);
    expect(classifyAfasError(unbalanced).class).toBe('functional');

    await control('POST', 'faults', { kind: 'locked', count: 1, connector: 'FiEntries' });
    expect(classifyAfasError(await caught(c.insert('FiEntries', entry(1, 1)))).class).toBe('locked');

    const deleted = await c.delete('FiEntries', [
      { object: 'FiEntryPar', keys: { UnId: 1, JoCo: '90' } },
      { object: 'FiEntries', keys: { EnNo: Number(entryNo) } },
    ]);
    expect(deleted).toEqual({ status: 200, results: null });
    const gone = await collectRows(c, TX, {
      orderBy: TX_KEY,
      filter: where.and(where.eq('UnitId', 1), where.eq('EntryNo', Number(entryNo))),
      take: 10,
    });
    expect(gone).toEqual([]);
  });
});
