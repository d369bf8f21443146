import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { RunningSimulator } from '../../src/simulator/index.js';
import {
  afasGet,
  authHeaders,
  control,
  exportRows,
  getPage,
  http,
  qs,
  startSmallSimulator,
} from './helpers.js';

interface Line {
  UnitId: number;
  EntryNo: number;
  SeqNo: number;
  JournalId: string;
  AccountNo: string;
  AmtDebit: number;
  AmtCredit: number;
  EntryDate: string;
  Description: string | null;
  Modified: string;
}

interface ChangedDay {
  EntryDate: string;
  Modified: string;
}

let sim: RunningSimulator;
let clock = new Date('2026-11-10T09:00:00Z');

/** Moves the simulator's clock forward, so successive mutations get later timestamps. */
function tick(seconds = 60): void {
  clock = new Date(clock.getTime() + seconds * 1_000);
}

beforeAll(async () => {
  sim = await startSmallSimulator({ now: () => clock });
});

afterAll(async () => {
  await sim.close();
});

async function changedDay(date: string): Promise<ChangedDay | undefined> {
  const page = await getPage<ChangedDay>(
    sim,
    `/connectors/Profit_Fin_ChangedEntrydate${qs({ filterfieldids: 'EntryDate', filtervalues: date, operatortypes: 1 })}`,
  );
  return page.rows[0];
}

async function linesOn(unit: number, date: string): Promise<Line[]> {
  const query = qs({
    filterfieldids: 'UnitId,EntryDate',
    filtervalues: `${unit},${date}`,
    operatortypes: '1,1',
    orderbyfieldids: 'EntryNo,SeqNo',
  });
  return (await getPage<Line>(sim, `/connectors/Profit_Transactions${query}&skip=-1&take=-1`)).rows;
}

describe('request log', () => {
  it('records AFAS calls without the token and can be cleared', async () => {
    await control(sim, 'DELETE', '/requests');
    await afasGet(
      sim,
      '/connectors/Profit_Accounts?skip=0&take=7&orderbyfieldids=Account&filterfieldids=Type&filtervalues=R&operatortypes=1',
    );
    await afasGet(sim, '/connectors/Profit_Accounts', {});
    await afasGet(sim, '/metainfo');
    const log = await control<{ entries: Record<string, unknown>[]; dropped: number }>(
      sim,
      'GET',
      '/requests',
    );
    expect(log.body.entries).toHaveLength(3);
    const [first, second, third] = log.body.entries;
    expect(first).toMatchObject({
      method: 'GET',
      path: '/ProfitRestServices/connectors/Profit_Accounts',
      connector: 'Profit_Accounts',
      query: {
        skip: '0',
        take: '7',
        orderbyfieldids: 'Account',
        filterfieldids: 'Type',
        filtervalues: 'R',
        operatortypes: '1',
      },
      status: 200,
      rows: 7,
      fault: null,
    });
    expect(typeof first?.['durationMs']).toBe('number');
    expect(Date.parse(String(first?.['timestamp']))).not.toBeNaN();
    expect(second).toMatchObject({ status: 401, rows: null });
    expect(third).toMatchObject({ path: '/ProfitRestServices/metainfo', connector: null });
    const raw = JSON.stringify(log.body);
    expect(raw).not.toContain(String(authHeaders()['authorization']).slice('AfasToken '.length));
    expect(raw).not.toContain('<token>');

    const filtered = await control<{ entries: unknown[] }>(
      sim,
      'GET',
      '/requests?connector=Profit_Accounts&limit=1',
    );
    expect(filtered.body.entries).toHaveLength(1);
    expect((await control<{ cleared: number }>(sim, 'DELETE', '/requests')).body.cleared).toBe(3);
    expect((await control<{ entries: unknown[] }>(sim, 'GET', '/requests')).body.entries).toEqual([]);
  });
});

describe('journal-line mutations', () => {
  it('adds, changes and deletes lines and records the booking days', async () => {
    const added = await control<{
      added: number;
      keys: { UnitId: number; EntryNo: number; SeqNo: number }[];
    }>(sim, 'POST', '/journal-lines', {
      lines: [
        {
          UnitId: 1,
          JournalId: '90',
          AccountNo: '4300',
          AmtDebit: '10.00',
          EntryDate: '2026-05-05',
          Description: 'CTRL',
        },
        { UnitId: 1, AccountNo: '1700', AmtCredit: '10.00', EntryDate: '2026-05-05', Description: 'CTRL' },
      ],
    });
    expect(added.status).toBe(201);
    expect(added.body.added).toBe(2);
    const [first, second] = added.body.keys;
    expect(first?.EntryNo).toBe(second?.EntryNo);
    expect([first?.SeqNo, second?.SeqNo]).toEqual([1, 2]);
    const afterAdd = await changedDay('2026-05-05');
    expect(afterAdd).toBeDefined();

    tick();
    const changed = await control(sim, 'PATCH', '/journal-lines', {
      changes: [
        { key: first, set: { AmtDebit: 12.5, Description: 'CTRL-CHANGED', EntryDate: '2026-05-06' } },
        { key: second, set: { AmtCredit: '12.50' } },
      ],
    });
    expect(changed.status).toBe(200);
    const moved = (await linesOn(1, '2026-05-06')).find((line) => line.Description === 'CTRL-CHANGED');
    expect(moved).toMatchObject({ AmtDebit: 12.5, JournalId: '90' });
    // The change touched both the old and the new booking day.
    expect((await changedDay('2026-05-05'))!.Modified > afterAdd!.Modified).toBe(true);
    expect((await changedDay('2026-05-06'))!.Modified).toBe(moved?.Modified);

    const forbidden = await control(sim, 'PATCH', '/journal-lines', {
      changes: [{ key: first, set: { EntryNo: 5 } }],
    });
    expect(forbidden.status).toBe(400);
    const unknown = await control(sim, 'PATCH', '/journal-lines', {
      changes: [{ key: { UnitId: 1, EntryNo: 1, SeqNo: 999 }, set: {} }],
    });
    expect(unknown.status).toBe(404);

    tick();
    const deleted = await control<{ deleted: number }>(sim, 'DELETE', '/journal-lines', {
      keys: [first, second],
    });
    expect(deleted.body.deleted).toBe(2);
    expect((await linesOn(1, '2026-05-06')).some((line) => line.Description === 'CTRL-CHANGED')).toBe(false);
    expect((await changedDay('2026-05-06'))!.Modified > moved!.Modified).toBe(true);
  });

  it('deletes a whole booking day of one administration and keeps the day in the change log', async () => {
    const lines = await exportRows<Line>(
      sim,
      'Profit_Transactions',
      qs({ filterfieldids: 'UnitId', filtervalues: 2, operatortypes: 1 }),
    );
    const day = lines[Math.floor(lines.length / 2)]!.EntryDate.slice(0, 10);
    expect((await linesOn(2, day)).length).toBeGreaterThan(0);
    const before = await changedDay(day);
    tick();
    const deleted = await control<{ deleted: number }>(sim, 'DELETE', '/journal-lines', {
      unitId: 2,
      entryDate: day,
    });
    expect(deleted.body.deleted).toBeGreaterThan(0);
    expect(await linesOn(2, day)).toEqual([]);
    const after = await changedDay(day);
    expect(after!.Modified > before!.Modified).toBe(true);
  });

  it('stamps a changed line and its booking day with a given Modified, in the future too', async () => {
    const [line] = await exportRows<Line>(
      sim,
      'Profit_Transactions',
      qs({ filterfieldids: 'UnitId', filtervalues: 2, operatortypes: 1 }),
    );
    const key = { UnitId: line!.UnitId, EntryNo: line!.EntryNo, SeqNo: line!.SeqNo };
    const day = line!.EntryDate.slice(0, 10);
    const stamped = await control(sim, 'PATCH', '/journal-lines', {
      changes: [{ key, set: {}, modified: '2099-01-01T00:00:00Z' }],
    });
    expect(stamped.status).toBe(200);
    const after = (await linesOn(2, day)).find(
      (row) => row.EntryNo === key.EntryNo && row.SeqNo === key.SeqNo,
    );
    expect(after?.Modified).toBe('2099-01-01T00:00:00Z');
    expect((await changedDay(day))?.Modified).toBe('2099-01-01T00:00:00Z');
    // A later change at the simulator's "now" leaves the day at its latest (future) stamp.
    tick();
    await control(sim, 'PATCH', '/journal-lines', { changes: [{ key, set: { Description: 'later' } }] });
    expect((await changedDay(day))?.Modified).toBe('2099-01-01T00:00:00Z');
    const bad = await control<{ error: string }>(sim, 'PATCH', '/journal-lines', {
      changes: [{ key, set: {}, modified: 'tomorrow' }],
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error).toContain('"tomorrow" is not a date-time');
  });

  it('rejects invalid lines', async () => {
    const cases: unknown[] = [
      { lines: [{ UnitId: 9, JournalId: '90', AccountNo: '4300', EntryDate: '2026-01-01' }] },
      { lines: [{ UnitId: 1, JournalId: '90', AccountNo: '4300', EntryDate: 'yesterday' }] },
      { lines: [{ UnitId: 1, JournalId: '90', AccountNo: '4300', EntryDate: '2026-01-01', Bogus: 1 }] },
      {
        lines: [
          { UnitId: 1, EntryNo: 1, SeqNo: 1, JournalId: '90', AccountNo: '4300', EntryDate: '2026-01-01' },
        ],
      },
      { lines: [] },
      {
        lines: [
          {
            UnitId: 1,
            EntryNo: 900_001,
            SeqNo: 1,
            JournalId: '90',
            AccountNo: '4300',
            EntryDate: '2026-01-01',
          },
          {
            UnitId: 1,
            EntryNo: 900_001,
            SeqNo: 1,
            JournalId: '90',
            AccountNo: '1700',
            EntryDate: '2026-01-01',
          },
        ],
      },
    ];
    for (const body of cases) {
      const result = await control(sim, 'POST', '/journal-lines', body);
      expect(result.status, JSON.stringify(body)).toBeGreaterThanOrEqual(400);
      expect(result.status).toBeLessThan(500);
    }
  });

  it('mutates a share of booking days at random, deterministically per seed', async () => {
    tick();
    const started = clock;
    const result = await control<{
      days: string[];
      changedLines: number;
      addedLines: number;
      deletedLines: number;
    }>(sim, 'POST', '/mutate-random', { days: 12, seed: 42, years: [2026] });
    expect(result.status).toBe(200);
    expect(result.body.days).toHaveLength(12);
    expect(result.body.changedLines + result.body.addedLines + result.body.deletedLines).toBeGreaterThan(0);
    for (const day of result.body.days) {
      expect(day.startsWith('2026-')).toBe(true);
      const changed = await changedDay(day);
      expect(changed, day).toBeDefined();
      // Stamped now (Amsterdam wall time is at least UTC).
      expect(changed!.Modified >= `${started.toISOString().slice(0, 16)}`).toBe(true);
    }
    const bad = await control(sim, 'POST', '/mutate-random', { fraction: 0.1, days: 3 });
    expect(bad.status).toBe(400);
  });
});

describe('master data mutations', () => {
  it('upserts and deletes debtors, moving ModifiedDate', async () => {
    const [original] = await exportRows<{
      DebtorId: string;
      DebtorName: string;
      CreateDate: string;
      ModifiedDate: string;
    }>(sim, 'Profit_Debtor');
    const result = await control<{ inserted: number; updated: number; deleted: number; notFound: number }>(
      sim,
      'POST',
      '/master/Profit_Debtor',
      {
        upsert: [
          { DebtorId: original!.DebtorId, DebtorName: 'Renamed B.V.' },
          { DebtorId: '19999', DebtorName: 'Nieuwe Klant', CreditLimit: '2500.50', Blocked: false },
        ],
        delete: [{ DebtorId: '10002' }, ['10003'], { DebtorId: 'nope' }],
      },
    );
    expect(result.body).toEqual({ inserted: 1, updated: 1, deleted: 2, notFound: 1 });
    const debtors = await exportRows<Record<string, unknown>>(sim, 'Profit_Debtor');
    const renamed = debtors.find((d) => d['DebtorId'] === original!.DebtorId);
    expect(renamed).toMatchObject({ DebtorName: 'Renamed B.V.', CreateDate: original!.CreateDate });
    expect(String(renamed?.['ModifiedDate']) > original!.ModifiedDate).toBe(true);
    const inserted = debtors.find((d) => d['DebtorId'] === '19999');
    expect(inserted).toMatchObject({ DebtorName: 'Nieuwe Klant', CreditLimit: 2500.5, AdressLine1: null });
    expect(inserted?.['CreateDate']).toBe(inserted?.['ModifiedDate']);
    expect(debtors.some((d) => d['DebtorId'] === '10002')).toBe(false);

    const since = await getPage(
      sim,
      `/connectors/Profit_Debtor${qs({ filterfieldids: 'ModifiedDate', filtervalues: String(inserted?.['ModifiedDate']).slice(0, 19), operatortypes: 2 })}`,
    );
    expect(since.rows.map((r) => r['DebtorId']).sort()).toEqual([original!.DebtorId, '19999'].sort());
  });

  it("stamps a debtor's ModifiedDate with a given wall time; refuses it where rows carry no stamp", async () => {
    const [debtor] = await exportRows<{ DebtorId: string; DebtorName: string }>(sim, 'Profit_Debtor');
    const result = await control(sim, 'POST', '/master/Profit_Debtor', {
      upsert: [{ DebtorId: debtor!.DebtorId }],
      modified: '2099-01-01T00:00:00Z',
    });
    expect(result.status).toBe(200);
    const stamped = (await exportRows<Record<string, unknown>>(sim, 'Profit_Debtor')).find(
      (row) => row['DebtorId'] === debtor!.DebtorId,
    );
    expect(stamped).toMatchObject({ DebtorName: debtor!.DebtorName, ModifiedDate: '2099-01-01T00:00:00Z' });
    const unstamped = await control<{ error: string }>(sim, 'POST', '/master/Profit_Accounts', {
      upsert: [{ Account: '4300' }],
      modified: '2099-01-01T00:00:00Z',
    });
    expect(unstamped.status).toBe(400);
    expect(unstamped.body.error).toContain('no ModifiedDate');
    const garbled = await control(sim, 'POST', '/master/Profit_Debtor', {
      upsert: [{ DebtorId: debtor!.DebtorId }],
      modified: '2099-13-01',
    });
    expect(garbled.status).toBe(400);
  });

  it('changes accounts and validates master changes', async () => {
    const result = await control(sim, 'POST', '/master/Finstack_Accounts', {
      upsert: [{ Account: '4300', Description: 'Kantoor' }],
    });
    expect(result.status).toBe(200);
    const account = (
      await getPage<{ Description: string }>(
        sim,
        '/connectors/Profit_Accounts?filterfieldids=Account&filtervalues=4300&operatortypes=1',
      )
    ).rows[0];
    expect(account?.Description).toBe('Kantoor');
    expect(
      (await control(sim, 'POST', '/master/Profit_Accounts', { upsert: [{ Account: '1', Nope: 1 }] })).status,
    ).toBe(400);
    expect(
      (await control(sim, 'POST', '/master/Profit_Accounts', { upsert: [{ Description: 'no key' }] })).status,
    ).toBe(400);
    expect((await control(sim, 'POST', '/master/Profit_Transactions', { upsert: [] })).status).toBe(400);
    expect((await control(sim, 'POST', '/master/Profit_Nope', { upsert: [] })).status).toBe(404);
  });

  it('sets what Finstack_Administrations exposes', async () => {
    await control(sim, 'POST', '/finstack-administrations', { ids: [2] });
    const page = await getPage(sim, '/connectors/Finstack_Administrations');
    expect(page.rows).toEqual([{ AdministrationId: 2, AdministrationName: 'Demo Retail B.V.' }]);
    await control(sim, 'POST', '/finstack-administrations', { ids: null });
    expect((await getPage(sim, '/connectors/Finstack_Administrations')).rows).toHaveLength(2);
  });
});

describe('export and health', () => {
  it('exports every row as NDJSON in key order, identical to the GetConnector rows', async () => {
    const response = await http(`${sim.url}/__sim/export/Profit_Transactions`);
    expect(response.headers['content-type']).toContain('application/x-ndjson');
    const exported = response.text
      .split('\n')
      .filter((line) => line !== '')
      .map((line) => JSON.parse(line) as Line);
    const all = await getPage<Line>(
      sim,
      '/connectors/Profit_Transactions?skip=-1&take=-1&orderbyfieldids=UnitId,EntryNo,SeqNo',
    );
    expect(exported).toEqual(all.rows);
    const unsorted = await getPage<Line>(sim, '/connectors/Profit_Transactions?skip=-1&take=-1');
    expect(unsorted.rows).toHaveLength(exported.length);
    expect((await http(`${sim.url}/__sim/export/Profit_Nope`)).status).toBe(404);
  });

  it("stamps every AFAS answer with a Date from the simulator's clock", async () => {
    const answer = await afasGet(sim, '/profitversion');
    expect(answer.status).toBe(200);
    expect(answer.headers['date']).toBe(clock.toUTCString());
    const refused = await afasGet(sim, '/profitversion', {});
    expect(refused.status).toBe(401);
    expect(refused.headers['date']).toBe(clock.toUTCString());
  });

  it('reports health', async () => {
    const health = await control<{ status: string; journalLines: number }>(sim, 'GET', '/health');
    expect(health.body.status).toBe('ok');
    expect(health.body.journalLines).toBeGreaterThan(0);
    expect((await control(sim, 'GET', '/nope')).status).toBe(404);
  });
});
