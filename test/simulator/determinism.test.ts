import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { startSimulator, type RunningSimulator } from '../../src/simulator/index.js';
import { exportRows } from './helpers.js';

interface Line {
  UnitId: number;
  EntryNo: number;
  SeqNo: number;
  Year: number;
  Period: number;
  JournalId: string;
  AmtDebit: number;
  AmtCredit: number;
  EntryDate: string;
}

const OPTIONS = {
  control: true,
  linesPerYear: 500,
  years: [2024, 2025],
  administrations: 3,
  finstackAdministrationIds: [1, 3],
};

let a: RunningSimulator;
let b: RunningSimulator;
let c: RunningSimulator;

beforeAll(async () => {
  [a, b, c] = await Promise.all([
    startSimulator({ ...OPTIONS, seed: 7 }),
    startSimulator({ ...OPTIONS, seed: 7 }),
    startSimulator({ ...OPTIONS, seed: 8 }),
  ]);
});

afterAll(async () => {
  await Promise.all([a.close(), b.close(), c.close()]);
});

describe('deterministic data', () => {
  it('produces identical data for the same seed and different data for another seed', async () => {
    for (const connector of [
      'Profit_Transactions',
      'Profit_Debtor',
      'Profit_Creditor',
      'Profit_Period_balance',
      'Profit_Fin_ChangedEntrydate',
    ]) {
      const [first, second, other] = await Promise.all([
        exportRows(a, connector),
        exportRows(b, connector),
        exportRows(c, connector),
      ]);
      expect(first, connector).toEqual(second);
      expect(first, connector).not.toEqual(other);
    }
  });

  it('generates exactly linesPerYear lines per administration-year with unique keys', async () => {
    const lines = await exportRows<Line>(a, 'Profit_Transactions');
    expect(lines).toHaveLength(3 * 2 * 500);
    const perUnitYear = new Map<string, number>();
    for (const line of lines)
      perUnitYear.set(
        `${line.UnitId}/${line.Year}`,
        (perUnitYear.get(`${line.UnitId}/${line.Year}`) ?? 0) + 1,
      );
    expect([...perUnitYear.values()]).toEqual([500, 500, 500, 500, 500, 500]);
    const keys = new Set(lines.map((l) => `${l.UnitId}/${l.EntryNo}/${l.SeqNo}`));
    expect(keys.size).toBe(lines.length);
  });

  it('generates balanced entries with one journal each, numbered in booking-date order', async () => {
    const lines = await exportRows<Line>(a, 'Profit_Transactions');
    const entries = new Map<string, Line[]>();
    for (const line of lines) {
      const key = `${line.UnitId}/${line.EntryNo}`;
      entries.set(key, [...(entries.get(key) ?? []), line]);
    }
    let previous: Line | undefined;
    for (const [key, entryLines] of entries) {
      const debit = entryLines.reduce((sum, l) => sum + Math.round(l.AmtDebit * 100), 0);
      const credit = entryLines.reduce((sum, l) => sum + Math.round(l.AmtCredit * 100), 0);
      expect(debit, key).toBe(credit);
      expect(new Set(entryLines.map((l) => l.JournalId)).size, key).toBe(1);
      expect(new Set(entryLines.map((l) => l.EntryDate)).size, key).toBe(1);
      expect(entryLines.length).toBeGreaterThanOrEqual(2);
      const first = entryLines[0]!;
      expect(first.Period).toBe(Number(first.EntryDate.slice(5, 7)));
      expect(first.Year).toBe(Number(first.EntryDate.slice(0, 4)));
      if (previous !== undefined && previous.UnitId === first.UnitId) {
        expect(first.EntryDate >= previous.EntryDate).toBe(true);
      }
      previous = first;
    }
  });

  it('lists one changed booking day per booking date with lines, carrying the latest change', async () => {
    const lines = await exportRows<Line & { Modified: string }>(a, 'Profit_Transactions');
    const latest = new Map<string, string>();
    for (const line of lines) {
      const current = latest.get(line.EntryDate);
      if (current === undefined || line.Modified > current) latest.set(line.EntryDate, line.Modified);
    }
    const days = await exportRows<{ EntryDate: string; Modified: string }>(a, 'Profit_Fin_ChangedEntrydate');
    expect(days).toEqual(
      [...latest.entries()].sort().map(([EntryDate, Modified]) => ({ EntryDate, Modified })),
    );
  });

  it('limits Finstack_Administrations to the configured ids', async () => {
    expect(await exportRows(a, 'Finstack_Administrations')).toEqual([
      { AdministrationId: 1, AdministrationName: 'Demo Holding B.V.' },
      { AdministrationId: 3, AdministrationName: 'Demo Services B.V.' },
    ]);
    expect(await exportRows(a, 'Profit_Administrations')).toHaveLength(3);
  });
});
