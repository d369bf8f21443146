import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { startSimulator, type RunningSimulator } from '../../src/simulator/index.js';
import { afasGet, control, exportRows, getPage, qs } from './helpers.js';

interface Line {
  UnitId: number;
  EntryNo: number;
  SeqNo: number;
  Year: number;
  Period: number;
  AccountNo: string;
  AmtDebit: number;
  AmtCredit: number;
  EntryDate: string;
  Modified: string;
  Created: string;
  Description: string | null;
}

let sim: RunningSimulator;
let clock = new Date('2026-07-01T10:00:00Z');

beforeAll(async () => {
  sim = await startSimulator({ control: true, linesPerYear: 300, years: [2025, 2026], now: () => clock });
});

afterAll(async () => {
  await sim.close();
});

describe('value formats', () => {
  it('writes ints and decimals as JSON numbers, booleans as booleans, dates with the fake Z', async () => {
    const page = await getPage<Record<string, unknown>>(
      sim,
      '/connectors/Profit_Transactions?take=50&orderbyfieldids=UnitId,EntryNo,SeqNo',
    );
    for (const row of page.rows) {
      expect(typeof row['UnitId']).toBe('number');
      expect(typeof row['AmtDebit']).toBe('number');
      expect(row['EntryDate']).toMatch(/^\d{4}-\d{2}-\d{2}T00:00:00Z$/);
      expect(row['Created']).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
    }
    const periods = await getPage<Record<string, unknown>>(
      sim,
      '/connectors/Profit_periods_per_administration?take=1',
    );
    expect(typeof periods.rows[0]?.['Blocked']).toBe('boolean');
  });

  it('writes decimals exactly from integer cents', async () => {
    await control(sim, 'POST', '/journal-lines', {
      lines: [
        {
          UnitId: 2,
          JournalId: '90',
          AccountNo: '4300',
          AmtDebit: '0.1',
          EntryDate: '2026-03-03',
          Description: 'EXACT',
        },
        {
          UnitId: 2,
          JournalId: '90',
          AccountNo: '4300',
          AmtDebit: 1806.22,
          EntryDate: '2026-03-03',
          Description: 'EXACT',
        },
        {
          UnitId: 2,
          JournalId: '90',
          AccountNo: '4300',
          AmtDebit: '1234567.89',
          EntryDate: '2026-03-03',
          Description: 'EXACT',
        },
        {
          UnitId: 2,
          JournalId: '90',
          AccountNo: '1700',
          AmtCredit: '1236374.21',
          EntryDate: '2026-03-03',
          Description: 'EXACT',
        },
      ],
    });
    const result = await afasGet(
      sim,
      `/connectors/Profit_Transactions${qs({ filterfieldids: 'Description', filtervalues: 'EXACT', operatortypes: 1, orderbyfieldids: 'SeqNo' })}`,
    );
    expect(result.text).toContain('"AmtDebit":0.1,');
    expect(result.text).toContain('"AmtDebit":1806.22,');
    expect(result.text).toContain('"AmtDebit":1234567.89,');
    expect(result.text).toContain('"AmtCredit":1236374.21,');
    expect(result.text).toContain('"EntryDate":"2026-03-03T00:00:00Z"');
  });

  it('stamps mutations with Amsterdam wall time, DST included', async () => {
    clock = new Date('2026-07-01T10:00:00Z'); // CEST: UTC+2
    await control(sim, 'POST', '/journal-lines', {
      lines: [
        {
          UnitId: 1,
          JournalId: '90',
          AccountNo: '4300',
          AmtDebit: 1,
          EntryDate: '2026-06-30',
          Description: 'SUMMER',
        },
      ],
    });
    clock = new Date('2026-01-15T10:00:00Z'); // CET: UTC+1
    await control(sim, 'POST', '/journal-lines', {
      lines: [
        {
          UnitId: 1,
          JournalId: '90',
          AccountNo: '4300',
          AmtDebit: 1,
          EntryDate: '2026-01-14',
          Description: 'WINTER',
        },
      ],
    });
    clock = new Date('2026-03-29T01:30:00Z'); // just after the spring-forward jump
    await control(sim, 'POST', '/journal-lines', {
      lines: [
        {
          UnitId: 1,
          JournalId: '90',
          AccountNo: '4300',
          AmtDebit: 1,
          EntryDate: '2026-03-28',
          Description: 'SPRING',
        },
      ],
    });
    const stamp = async (description: string): Promise<Line | undefined> =>
      (
        await getPage<Line>(
          sim,
          `/connectors/Profit_Transactions${qs({ filterfieldids: 'Description', filtervalues: description, operatortypes: 1 })}`,
        )
      ).rows[0];
    expect((await stamp('SUMMER'))?.Modified).toBe('2026-07-01T12:00:00Z');
    expect((await stamp('WINTER'))?.Created).toBe('2026-01-15T11:00:00Z');
    expect((await stamp('SPRING'))?.Modified).toBe('2026-03-29T03:30:00Z');
    const changed = await getPage<{ EntryDate: string; Modified: string }>(
      sim,
      `/connectors/Profit_Fin_ChangedEntrydate${qs({ filterfieldids: 'EntryDate', filtervalues: '2026-06-30', operatortypes: 1 })}`,
    );
    expect(changed.rows).toEqual([{ EntryDate: '2026-06-30T00:00:00Z', Modified: '2026-07-01T12:00:00Z' }]);
  });

  it('keeps generated Created/Modified before the start day', async () => {
    const lines = await exportRows<Line>(sim, 'Profit_Transactions');
    const generated = lines.filter(
      (line) => line.Description !== null && !/^(EXACT|SUMMER|WINTER|SPRING)$/.test(line.Description),
    );
    expect(generated.length).toBeGreaterThan(0);
    for (const line of generated) {
      expect(line.Created <= line.Modified).toBe(true);
      expect(line.Modified < '2026-07-01T00:00:00Z').toBe(true);
    }
  });
});

describe('derived data', () => {
  it('derives Profit_Period_balance from the journal lines', async () => {
    const lines = await exportRows<Line & { [key: string]: unknown }>(sim, 'Profit_Transactions');
    const debtors = await exportRows<{ DebtorId: string; CollectAccount: string }>(sim, 'Profit_Debtor');
    const creditorIds = new Set(
      (await exportRows<{ CreditorId: string }>(sim, 'Profit_Creditor')).map((c) => c.CreditorId),
    );
    const collect = new Map(debtors.map((d) => [d.DebtorId, d.CollectAccount]));
    const expected = new Map<string, { debit: number; credit: number }>();
    for (const line of lines) {
      const account =
        collect.get(line.AccountNo) ?? (creditorIds.has(line.AccountNo) ? '1600' : line.AccountNo);
      const key = `${line.UnitId}/${line.Year}/${line.Period}/${account}`;
      const sum = expected.get(key) ?? { debit: 0, credit: 0 };
      sum.debit += Math.round(line.AmtDebit * 100);
      sum.credit += Math.round(line.AmtCredit * 100);
      expected.set(key, sum);
    }
    const balances = await exportRows<{
      UnitId: number;
      Year: number;
      Period: number;
      AccountNr: string;
      Debit: number;
      Credit: number;
      Balance: number;
    }>(sim, 'Profit_Period_balance');
    expect(balances).toHaveLength(expected.size);
    for (const row of balances) {
      const sum = expected.get(`${row.UnitId}/${row.Year}/${row.Period}/${row.AccountNr}`);
      expect(sum, `${row.UnitId}/${row.Year}/${row.Period}/${row.AccountNr}`).toBeDefined();
      expect(Math.round(row.Debit * 100)).toBe(sum?.debit);
      expect(Math.round(row.Credit * 100)).toBe(sum?.credit);
      expect(Math.round(row.Balance * 100)).toBe((sum?.debit ?? 0) - (sum?.credit ?? 0));
    }
  });

  it('exposes environment-wide master data without an administration field', async () => {
    for (const connector of ['Profit_Accounts', 'Profit_Debtor', 'Profit_Creditor', 'Profit_VAT_code']) {
      const page = await getPage(sim, `/connectors/${connector}?take=1`);
      const fields = Object.keys(page.rows[0] ?? {});
      expect(
        fields.some((f) => /^(Unit|UnitId|AdminId)$/.test(f)),
        connector,
      ).toBe(false);
    }
    const creditor = await getPage(sim, '/connectors/Profit_Creditor?take=1');
    expect(Object.keys(creditor.rows[0] ?? {})).toContain('Btw-nummer');
    const allocations = await getPage<{ Unit: number; DimAx: number; AxDescription: string }>(
      sim,
      '/connectors/Profit_Allocation_Assigments?take=5',
    );
    expect(allocations.rows[0]).toMatchObject({
      DimAx: expect.any(Number) as unknown,
      AxDescription: expect.any(String) as unknown,
    });
  });

  it('serves the Finstack_ connectors from the same data', async () => {
    const profit = await exportRows(sim, 'Profit_Transactions');
    const finstack = await exportRows(sim, 'Finstack_Transactions');
    expect(finstack).toEqual(profit);
    expect(await exportRows(sim, 'Finstack_Accounts')).toEqual(await exportRows(sim, 'Profit_Accounts'));
  });
});
