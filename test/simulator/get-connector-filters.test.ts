import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { RunningSimulator } from '../../src/simulator/index.js';
import { afasGet, authHeaders, control, getPage, profitError, qs, startSmallSimulator } from './helpers.js';

let sim: RunningSimulator;

beforeAll(async () => {
  sim = await startSmallSimulator();
});

afterAll(async () => {
  await sim.close();
});

async function accounts(query: string): Promise<string[]> {
  const page = await getPage<{ Account: string }>(
    sim,
    `/connectors/Profit_Accounts?skip=-1&take=-1&orderbyfieldids=Account&${query}`,
  );
  return page.rows.map((row) => row.Account);
}

function filter(field: string, operator: number, value: string): string {
  return qs({ filterfieldids: field, operatortypes: operator, filtervalues: value }).slice(1);
}

const ALL_ACCOUNTS = 28;

describe('filter operators (string fields, case-insensitive)', () => {
  it('1: equal', async () => {
    expect(await accounts(filter('Account', 1, '8000'))).toEqual(['8000']);
  });
  it('2: greater than or equal', async () => {
    expect(await accounts(filter('Account', 2, '8000'))).toEqual(['8000', '8010', '8074', '8900', '9000']);
  });
  it('3: less than or equal', async () => {
    expect(await accounts(filter('Account', 3, '0250'))).toEqual(['0100', '0200', '0250']);
  });
  it('4: greater than', async () => {
    expect(await accounts(filter('Account', 4, '8074'))).toEqual(['8900', '9000']);
  });
  it('5: less than', async () => {
    expect(await accounts(filter('Account', 5, '0200'))).toEqual(['0100']);
  });
  it('6: contains, with or without explicit wildcards', async () => {
    const expected = ['7000', '8000', '8010', '8074'];
    expect(await accounts(filter('Description', 6, 'OMZET'))).toEqual(expected);
    expect(await accounts(filter('Description', 6, '%omzet%'))).toEqual(expected);
  });
  it('7: not equal, and not-like with a % value', async () => {
    expect(await accounts(filter('Type', 7, 'B'))).toHaveLength(16);
    expect(await accounts(filter('Description', 7, '%btw%'))).toHaveLength(ALL_ACCOUNTS - 3);
  });
  it('8: is empty (value ignored)', async () => {
    expect(await accounts(filter('Feature', 8, ''))).toHaveLength(ALL_ACCOUNTS - 5);
    expect(await accounts(filter('CollectOn', 8, '[is leeg]'))).toHaveLength(ALL_ACCOUNTS);
  });
  it('9: is not empty', async () => {
    expect(await accounts(filter('Feature', 9, ''))).toEqual(['1000', '1100', '1500', '1510', '1520']);
  });
  it('10: starts with', async () => {
    expect(await accounts(filter('Description', 10, 'af'))).toEqual(['0250', '1510', '1520', '4700']);
    expect(await accounts(filter('Description', 10, 'Af%'))).toEqual(['0250', '1510', '1520', '4700']);
  });
  it('11: does not contain', async () => {
    expect(await accounts(filter('Description', 11, 'btw'))).toHaveLength(ALL_ACCOUNTS - 3);
  });
  it('12: does not start with', async () => {
    expect(await accounts(filter('Account', 12, '4'))).toHaveLength(ALL_ACCOUNTS - 10);
  });
  it('13: ends with', async () => {
    expect(await accounts(filter('Description', 13, 'kosten'))).toEqual([
      '1700',
      '4300',
      '4400',
      '4500',
      '4600',
      '4900',
    ]);
  });
  it('14: does not end with', async () => {
    expect(await accounts(filter('Description', 14, 'kosten'))).toHaveLength(ALL_ACCOUNTS - 6);
  });
  it('15: quick filter (case-insensitive contains)', async () => {
    expect(await accounts(filter('Description', 15, 'BTW'))).toEqual(['1500', '1510', '1520']);
  });
  it('treats % inside an equality value as a LIKE wildcard', async () => {
    expect(await accounts(filter('Description', 1, 'Omzet%'))).toEqual(['8000', '8010', '8074']);
    expect(await accounts(filter('Description', 1, '%ko%en'))).toEqual([
      '1700',
      '4300',
      '4400',
      '4500',
      '4600',
      '4900',
    ]);
  });
  it('rejects operators outside 1..15', async () => {
    for (const operator of ['0', '16', 'x']) {
      const result = await afasGet(
        sim,
        `/connectors/Profit_Accounts?filterfieldids=Account&filtervalues=1&operatortypes=${operator}`,
      );
      expect(result.status, operator).toBe(500);
    }
  });
});

describe('typed comparisons', () => {
  it('compares decimals numerically', async () => {
    const codes = async (query: string): Promise<string[]> =>
      (
        await getPage<{ VatCode: string }>(
          sim,
          `/connectors/Profit_VAT_code?orderbyfieldids=VatCode&${query}`,
        )
      ).rows.map((r) => r.VatCode);
    expect(await codes(filter('VatPerc', 2, '9'))).toEqual(['1', '2', '4', '5']);
    expect(await codes(filter('VatPerc', 1, '21.00'))).toEqual(['1', '4']);
    expect(await codes(filter('VatPerc', 5, '9'))).toEqual(['0', '3']);
    expect(await codes(filter('VatPerc', 6, '2'))).toEqual(['1', '4']);
  });

  it('compares ints numerically and rejects non-numbers', async () => {
    const page = await getPage(sim, `/connectors/Profit_Journals?${filter('UnitId', 1, '2')}`);
    expect(page.rows).toHaveLength(5);
    const quick = await getPage(
      sim,
      `/connectors/Profit_periods_per_administration?take=500&${filter('Unit', 15, '2')}`,
    );
    expect(quick.rows).toHaveLength(36);
    const bad = await afasGet(sim, `/connectors/Profit_Journals?${filter('UnitId', 1, 'two')}`);
    expect(bad.status).toBe(500);
  });

  it('compares dates as Amsterdam wall time, with or without time and fractions', async () => {
    const periods = async (query: string): Promise<unknown[]> =>
      (await getPage(sim, `/connectors/Profit_periods_per_administration?take=500&${query}`)).rows;
    expect(await periods(filter('DateFrom', 1, '2025-03-01T00:00:00'))).toHaveLength(2);
    expect(await periods(filter('DateFrom', 1, '2025-03-01'))).toHaveLength(2);
    expect(await periods(filter('DateTo', 3, '2024-02-29'))).toHaveLength(4);
    const window = qs({
      filterfieldids: 'DateFrom,DateFrom',
      filtervalues: '2025-02-28T23:59:59.999,2025-03-01T00:00:00.001',
      operatortypes: '4,5',
    }).slice(1);
    expect(await periods(window)).toHaveLength(2);
  });

  it('rejects date filter values with a Z', async () => {
    const result = await afasGet(
      sim,
      `/connectors/Profit_periods_per_administration?${filter('DateFrom', 1, '2025-03-01T00:00:00Z')}`,
    );
    expect(result.status).toBe(500);
  });

  it('compares booleans', async () => {
    const blocked = await getPage(
      sim,
      `/connectors/Profit_periods_per_administration?take=500&${filter('Blocked', 1, 'true')}`,
    );
    expect(blocked.rows).toHaveLength(24);
    const open = await getPage(
      sim,
      `/connectors/Profit_periods_per_administration?take=500&${filter('Blocked', 1, '0')}`,
    );
    expect(open.rows).toHaveLength(48);
  });

  it('matches exact decimal amounts on journal lines', async () => {
    const added = await control(sim, 'POST', '/journal-lines', {
      lines: [
        {
          UnitId: 1,
          JournalId: '90',
          AccountNo: '4300',
          AmtDebit: '1806.22',
          EntryDate: '2026-02-14',
          Description: 'FILTERTEST',
        },
        {
          UnitId: 1,
          JournalId: '90',
          AccountNo: '1700',
          AmtCredit: 1806.22,
          EntryDate: '2026-02-14',
          Description: 'FILTERTEST',
        },
      ],
    });
    expect(added.status).toBe(201);
    const query = qs({
      filterfieldids: 'Description,AmtDebit',
      filtervalues: 'filtertest,1806.22',
      operatortypes: '1,1',
    });
    const page = await getPage<{ AccountNo: string }>(sim, `/connectors/Profit_Transactions${query}`);
    expect(page.rows.map((r) => r.AccountNo)).toEqual(['4300']);
  });
});

describe('combining filters', () => {
  const expected = ['1100', '8000', '8010', '8074', '8900'];

  it('ANDs within a group (,) and ORs across groups (;), separators raw or encoded', async () => {
    const raw = 'filterfieldids=Type,Account;Account&filtervalues=R,8%25;1100&operatortypes=1,1;1';
    const encoded =
      'filterfieldids=Type%2CAccount%3BAccount&filtervalues=R%2C8%25%3B1100&operatortypes=1%2C1%3B1';
    expect(await accounts(raw)).toEqual(expected);
    expect(await accounts(encoded)).toEqual(expected);
  });

  it('OR groups with shared conditions and OR lists of equalities select exactly the matching rows', async () => {
    interface Line {
      UnitId: number;
      EntryNo: number;
      SeqNo: number;
      EntryDate: string;
      AmtDebit: number;
    }
    const all = (
      await getPage<Line>(
        sim,
        '/connectors/Profit_Transactions?skip=-1&take=-1&orderbyfieldids=UnitId,EntryNo,SeqNo',
      )
    ).rows;
    const days = [...new Set(all.map((row) => row.EntryDate.slice(0, 10)))].sort();
    const [d1, d2, d3] = [days[0], days[Math.floor(days.length / 2)], days[days.length - 1]] as [
      string,
      string,
      string,
    ];
    const amounts = [...new Set(all.map((row) => row.AmtDebit).filter((amount) => amount > 0))].slice(0, 3);
    const keyOf = (row: Line) => `${row.UnitId}/${row.EntryNo}/${row.SeqNo}`;
    const select = async (groups: [string, number, string | number][][]) => {
      const query = qs({
        filterfieldids: groups.map((group) => group.map(([field]) => field).join(',')).join(';'),
        operatortypes: groups.map((group) => group.map(([, operator]) => operator).join(',')).join(';'),
        filtervalues: groups.map((group) => group.map(([, , value]) => value).join(',')).join(';'),
        skip: -1,
        take: -1,
        orderbyfieldids: 'UnitId,EntryNo,SeqNo',
      });
      return (await getPage<Line>(sim, `/connectors/Profit_Transactions${query}`)).rows.map(keyOf);
    };
    const expectRows = (predicate: (row: Line) => boolean) => all.filter(predicate).map(keyOf);
    const day = (row: Line) => row.EntryDate.slice(0, 10);

    // Shared administration condition, one group per day (the sync's changed-days filter).
    const perDay = await select(
      [d1, d2, d3].map((d) => [
        ['UnitId', 1, 1],
        ['EntryDate', 1, `${d}T00:00:00`],
      ]),
    );
    expect(perDay.length).toBeGreaterThan(0);
    expect(perDay).toEqual(expectRows((row) => row.UnitId === 1 && [d1, d2, d3].includes(day(row))));
    // A group left with nothing but the shared condition matches on it alone.
    expect(
      await select([
        [
          ['UnitId', 1, 2],
          ['EntryDate', 1, `${d1}T00:00:00`],
        ],
        [['UnitId', 1, 2]],
      ]),
    ).toEqual(expectRows((row) => row.UnitId === 2));
    // No shared condition: plain OR.
    expect(
      await select([
        [
          ['UnitId', 1, 1],
          ['EntryDate', 2, `${d2}T00:00:00`],
        ],
        [
          ['UnitId', 1, 2],
          ['EntryDate', 1, `${d1}T00:00:00`],
        ],
      ]),
    ).toEqual(
      expectRows((row) => (row.UnitId === 1 && day(row) >= d2) || (row.UnitId === 2 && day(row) === d1)),
    );
    // An OR list of decimal equalities.
    expect(await select(amounts.map((amount) => [['AmtDebit', 1, amount]]))).toEqual(
      expectRows((row) => amounts.includes(row.AmtDebit)),
    );
  });

  it('a filter pinning numeric fields (an import partition) selects exactly its rows, also after lines change', async () => {
    interface Line {
      UnitId: number;
      EntryNo: number;
      SeqNo: number;
      Year: number;
      Period: number;
      EntryDate: string;
    }
    const path = '/connectors/Profit_Transactions';
    const everything = async () =>
      (await getPage<Line>(sim, `${path}?skip=-1&take=-1&orderbyfieldids=UnitId,EntryNo,SeqNo`)).rows;
    const keyOf = (row: Line) => `${row.UnitId}/${row.EntryNo}/${row.SeqNo}`;
    const select = async (groups: [string, number, string | number][][]) => {
      const query = qs({
        filterfieldids: groups.map((group) => group.map(([field]) => field).join(',')).join(';'),
        operatortypes: groups.map((group) => group.map(([, operator]) => operator).join(',')).join(';'),
        filtervalues: groups.map((group) => group.map(([, , value]) => value).join(',')).join(';'),
        skip: -1,
        take: -1,
        orderbyfieldids: 'UnitId,EntryNo,SeqNo',
      });
      return (await getPage<Line>(sim, `${path}${query}`)).rows.map(keyOf);
    };
    const partition = (rows: Line[], year: number, period: number) =>
      rows.filter((row) => row.UnitId === 1 && row.Year === year && row.Period === period).map(keyOf);
    const all = await everything();
    const sample = all.find((row) => row.UnitId === 1) as Line;
    const { Year: year, Period: period } = sample;
    const pinned = (p: number): [string, number, string | number][] => [
      ['UnitId', 1, 1],
      ['Year', 1, year],
      ['Period', 1, p],
    ];
    expect(partition(all, year, period).length).toBeGreaterThan(1);
    expect(await select([pinned(period)])).toEqual(partition(all, year, period));
    expect(await select([pinned(99)])).toEqual([]);
    // Pinned by the shared conditions of several groups, with a range in each group.
    const day = sample.EntryDate.slice(0, 10);
    expect(
      await select([
        [...pinned(period), ['EntryDate', 2, `${day}T00:00:00`]],
        [...pinned(period), ['EntryDate', 5, `${day}T00:00:00`]],
      ]),
    ).toEqual(partition(all, year, period));
    expect(
      await select([
        [
          ['UnitId', 1, 1],
          ['EntryDate', 1, `${day}T00:00:00`],
        ],
      ]),
    ).toEqual(all.filter((row) => row.UnitId === 1 && row.EntryDate.slice(0, 10) === day).map(keyOf));

    // A line moved to another period and one deleted: the next selection sees both.
    const [moved, removed] = all.filter(
      (row) => row.UnitId === 1 && row.Year === year && row.Period === period,
    );
    const target = period === 12 ? 11 : period + 1;
    expect(
      (
        await control(sim, 'PATCH', '/journal-lines', {
          changes: [
            { key: { UnitId: 1, EntryNo: moved?.EntryNo, SeqNo: moved?.SeqNo }, set: { Period: target } },
          ],
        })
      ).status,
    ).toBe(200);
    expect(
      (
        await control(sim, 'DELETE', '/journal-lines', {
          keys: [{ UnitId: 1, EntryNo: removed?.EntryNo, SeqNo: removed?.SeqNo }],
        })
      ).status,
    ).toBe(200);
    const after = await everything();
    expect(await select([pinned(period)])).toEqual(partition(after, year, period));
    expect(await select([pinned(target)])).toEqual(partition(after, year, target));
    expect(await select([pinned(target)])).toContain(keyOf(moved as Line));
    expect(await select([pinned(period)])).not.toContain(keyOf(removed as Line));
  });

  it('answers 500 when the three lists do not line up', async () => {
    for (const query of [
      'filterfieldids=Type,Account&filtervalues=R&operatortypes=1,1',
      'filterfieldids=Type;Account&filtervalues=R&operatortypes=1;1',
      'filterfieldids=Type&filtervalues=R',
    ]) {
      const result = await afasGet(sim, `/connectors/Profit_Accounts?${query}`);
      expect(result.status, query).toBe(500);
      expect(profitError(result).errorNumber).toBe(-2147180999);
    }
  });

  it('supports filterjson: fields AND-ed within a Filter, Filters OR-ed', async () => {
    const json = {
      Filters: {
        Filter: [
          {
            '@FilterId': 'Filter 1',
            Field: [
              { '@FieldId': 'Type', '@OperatorType': '1', '#text': 'R' },
              { '@FieldId': 'Account', '@OperatorType': '10', '#text': '8' },
            ],
          },
          { '@FilterId': 'Filter 2', Field: { '@FieldId': 'Account', '@OperatorType': 1, '#text': '1100' } },
        ],
      },
    };
    expect(await accounts(`filterjson=${encodeURIComponent(JSON.stringify(json))}`)).toEqual(expected);
  });

  it('accepts a single Filter object and ANDs filterjson with the list filter', async () => {
    const json = {
      Filters: {
        Filter: { '@FilterId': 'F', Field: { '@FieldId': 'Account', '@OperatorType': '10', '#text': '80' } },
      },
    };
    const both = `filterjson=${encodeURIComponent(JSON.stringify(json))}&${filter('Description', 13, 'laag')}`;
    expect(await accounts(both)).toEqual(['8010']);
  });

  it('answers 500 "invalid json filter" for double-encoded or malformed filterjson', async () => {
    const json = JSON.stringify({
      Filters: { Filter: [{ Field: [{ '@FieldId': 'Account', '@OperatorType': '1', '#text': '8000' }] }] },
    });
    for (const value of [
      encodeURIComponent(encodeURIComponent(json)),
      encodeURIComponent('{"Filters":{}}'),
      'not-json',
    ]) {
      const result = await afasGet(
        sim,
        `/connectors/Profit_Accounts?filterjson=${value}`,
        authHeaders('demo', 'en-us'),
      );
      expect(result.status).toBe(500);
      expect(profitError(result).externalMessage).toBe('Invalid json filter');
    }
  });

  it('answers "field not found" for an unknown field inside filterjson', async () => {
    const json = {
      Filters: { Filter: [{ Field: [{ '@FieldId': 'Nope', '@OperatorType': '1', '#text': 'x' }] }] },
    };
    const result = await afasGet(
      sim,
      `/connectors/Profit_Accounts?filterjson=${encodeURIComponent(JSON.stringify(json))}`,
    );
    expect(result.status).toBe(500);
    expect(profitError(result).externalMessage).toBe("Connector-veld 'Nope' niet gevonden");
  });
});
