import { gunzipSync } from 'node:zlib';

import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { RunningSimulator } from '../../src/simulator/index.js';
import { afasGet, authHeaders, exportRows, getPage, profitError, startSmallSimulator } from './helpers.js';

interface Line {
  UnitId: number;
  EntryNo: number;
  SeqNo: number;
  [field: string]: unknown;
}

const key = (row: Line): string => `${row.UnitId}/${row.EntryNo}/${row.SeqNo}`;
const SORT = 'orderbyfieldids=UnitId,EntryNo,SeqNo';

let sim: RunningSimulator;
let total: number;

beforeAll(async () => {
  sim = await startSmallSimulator();
  total = (await exportRows(sim, 'Profit_Transactions')).length;
});

afterAll(async () => {
  await sim.close();
});

describe('GetConnector paging', () => {
  it('defaults to skip 0 and take 100 and echoes them', async () => {
    const page = await getPage(sim, '/connectors/Profit_Transactions');
    expect(page.skip).toBe(0);
    expect(page.take).toBe(100);
    expect(page.rows).toHaveLength(100);
  });

  it('applies and echoes skip and take', async () => {
    const all = await getPage<Line>(sim, `/connectors/Profit_Transactions?skip=-1&take=-1&${SORT}`);
    const page = await getPage<Line>(sim, `/connectors/Profit_Transactions?skip=10&take=5&${SORT}`);
    expect(page.skip).toBe(10);
    expect(page.take).toBe(5);
    expect(page.rows.map(key)).toEqual(all.rows.slice(10, 15).map(key));
  });

  it('returns everything for skip=-1&take=-1', async () => {
    const page = await getPage(sim, '/connectors/Profit_Transactions?skip=-1&take=-1');
    expect(page.skip).toBe(-1);
    expect(page.take).toBe(-1);
    expect(page.rows).toHaveLength(total);
    expect(total).toBe(2 * 3 * 400);
  });

  it('ignores take when skip=-1', async () => {
    const page = await getPage(sim, '/connectors/Profit_Transactions?skip=-1&take=5');
    expect(page.rows).toHaveLength(total);
  });

  it('answers 500 for take=-1 with skip>=0', async () => {
    for (const query of ['skip=0&take=-1', 'take=-1', 'skip=20&take=-1']) {
      const result = await afasGet(sim, `/connectors/Profit_Transactions?${query}`);
      expect(result.status, query).toBe(500);
      expect(profitError(result).errorNumber).toBe(-2147180999);
    }
    const english = await afasGet(
      sim,
      '/connectors/Profit_Transactions?skip=0&take=-1',
      authHeaders('demo', 'en-us'),
    );
    expect(profitError(english).externalMessage).toBe('An unexpected error has occurred.');
  });

  it('treats skip below -1 or non-numeric as 0', async () => {
    const first = await getPage<Line>(sim, `/connectors/Profit_Transactions?skip=0&take=3&${SORT}`);
    for (const skip of ['-5', 'abc', '']) {
      const page = await getPage<Line>(sim, `/connectors/Profit_Transactions?skip=${skip}&take=3&${SORT}`);
      expect(page.skip, skip).toBe(0);
      expect(page.rows.map(key)).toEqual(first.rows.map(key));
    }
  });

  it('returns an empty page beyond the end', async () => {
    const page = await getPage(sim, `/connectors/Profit_Transactions?skip=${total + 10}&take=100&${SORT}`);
    expect(page.rows).toEqual([]);
  });

  it('returns one row for take=0 (observed AFAS quirk)', async () => {
    const page = await getPage(sim, `/connectors/Profit_Transactions?take=0&${SORT}`);
    expect(page.take).toBe(0);
    expect(page.rows).toHaveLength(1);
  });

  it('pages through a sorted set exactly once per row', async () => {
    const seen: string[] = [];
    for (let skip = 0; ; skip += 700) {
      const page = await getPage<Line>(sim, `/connectors/Profit_Transactions?skip=${skip}&take=700&${SORT}`);
      seen.push(...page.rows.map(key));
      if (page.rows.length < 700) break;
    }
    expect(seen).toHaveLength(total);
    expect(new Set(seen).size).toBe(total);
  });

  it('gives a stable order with orderbyfieldids and an unstable one without', async () => {
    const sortedA = await getPage<Line>(sim, `/connectors/Profit_Transactions?take=50&${SORT}`);
    const sortedB = await getPage<Line>(sim, `/connectors/Profit_Transactions?take=50&${SORT}`);
    expect(sortedA.rows.map(key)).toEqual(sortedB.rows.map(key));

    const unsortedA = await getPage<Line>(sim, '/connectors/Profit_Transactions?take=50');
    const unsortedB = await getPage<Line>(sim, '/connectors/Profit_Transactions?take=50');
    expect(unsortedA.rows.map(key)).not.toEqual(unsortedB.rows.map(key));

    // Paging without a sort loses and repeats rows — exactly the client bug this is meant to show.
    const seen: string[] = [];
    for (let skip = 0; skip < total; skip += 500) {
      const page = await getPage<Line>(sim, `/connectors/Profit_Transactions?skip=${skip}&take=500`);
      seen.push(...page.rows.map(key));
    }
    expect(new Set(seen).size).toBeLessThan(total);
  });

  it('sorts descending with a "-" prefix and mixes directions', async () => {
    const page = await getPage<Line>(
      sim,
      '/connectors/Profit_Transactions?take=200&orderbyfieldids=-UnitId,EntryNo,-SeqNo',
    );
    for (let i = 1; i < page.rows.length; i++) {
      const a = page.rows[i - 1]!;
      const b = page.rows[i]!;
      const order = b.UnitId - a.UnitId || a.EntryNo - b.EntryNo || b.SeqNo - a.SeqNo;
      expect(order).toBeLessThanOrEqual(0);
    }
    expect(page.rows[0]?.UnitId).toBe(2);
  });

  it('sorts strings case-insensitively with empty values first', async () => {
    const page = await getPage<{ Feature: string | null }>(
      sim,
      '/connectors/Profit_Accounts?skip=-1&take=-1&orderbyfieldids=Feature',
    );
    const features = page.rows.map((r) => r.Feature);
    const firstValue = features.findIndex((f) => f !== null);
    expect(firstValue).toBeGreaterThan(0);
    expect(features.slice(firstValue).every((f) => f !== null)).toBe(true);
  });

  it('answers 500 "Connector field not found" for unknown order or filter fields', async () => {
    const order = await afasGet(sim, '/connectors/Profit_Transactions?orderbyfieldids=UnitId,Nope');
    expect(order.status).toBe(500);
    expect(profitError(order).externalMessage).toBe("Connector-veld 'Nope' niet gevonden");
    const filter = await afasGet(
      sim,
      '/connectors/Profit_Transactions?filterfieldids=Unit&filtervalues=1&operatortypes=1',
      authHeaders('demo', 'en-us'),
    );
    expect(filter.status).toBe(500);
    expect(profitError(filter).externalMessage).toBe("Connector field 'Unit' not found");
    const descending = await afasGet(
      sim,
      '/connectors/Profit_Transactions?orderbyfieldids=-Nope',
      authHeaders('demo', 'en-us'),
    );
    expect(profitError(descending).externalMessage).toBe("Connector field 'Nope' not found");
  });

  it('answers 404 without body when the query string exceeds 2,049 characters', async () => {
    const base =
      '/connectors/Profit_Transactions?take=1&filterfieldids=Description&operatortypes=6&filtervalues=';
    const prefixLength = base.length - base.indexOf('?');
    const fits = `${base}${'a'.repeat(2049 - prefixLength)}`;
    const tooLong = `${fits}a`;
    const ok = await afasGet(sim, fits);
    expect(ok.status).toBe(200);
    const result = await afasGet(sim, tooLong);
    expect(result.status).toBe(404);
    expect(result.text).toBe('');
  });

  it('puts every field in every row, null when empty', async () => {
    const page = await getPage(sim, '/connectors/Profit_Transactions?skip=-1&take=-1');
    const fields = Object.keys(page.rows[0] ?? {});
    expect(fields).toHaveLength(18);
    for (const row of page.rows) expect(Object.keys(row)).toEqual(fields);
    expect(page.rows.some((row) => row['VatCode'] === null)).toBe(true);
    const debtors = await getPage(sim, '/connectors/Profit_Debtor?skip=-1&take=-1');
    expect(debtors.rows.some((row) => row['AdressLine4'] === null)).toBe(true);
  });

  it('compresses with gzip when the client accepts it', async () => {
    const path = `/connectors/Profit_Transactions?take=300&${SORT}`;
    const response = await request(`${sim.baseUrl}${path}`, {
      headers: { ...authHeaders(), 'accept-encoding': 'gzip' },
    });
    expect(response.headers['content-encoding']).toBe('gzip');
    const body = gunzipSync(Buffer.from(await response.body.arrayBuffer())).toString('utf8');
    expect(JSON.parse(body)).toEqual(await getPage(sim, path));
  });
});
