// Issue 18.5: the simulator's Profit_Period_balance agrees with its journal lines (debtor and
// creditor lines on their collective accounts, as in AFAS), also after mutations, and its control
// API can make the two disagree on purpose.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningSimulator } from '../../src/simulator/index.js';
import { control, exportRows, startSmallSimulator } from './helpers.js';

type Row = Record<string, unknown>;

let sim: RunningSimulator;

beforeAll(async () => {
  sim = await startSmallSimulator({ seed: 18, administrations: 2, years: [2025], linesPerYear: 600 });
});
afterAll(() => sim.close());

/** A decimal as AFAS serves it, in integer cents (exact: the text is split, never scaled as a float). */
function cents(value: unknown): number {
  if (value === null || value === undefined) return 0;
  if (typeof value !== 'number' && typeof value !== 'string')
    throw new Error(`not an amount: ${typeof value}`);
  const text = String(value);
  const [whole = '0', fraction = ''] = text.replace('-', '').split('.');
  const magnitude = Number(whole) * 100 + Number(fraction.padEnd(2, '0').slice(0, 2));
  return text.startsWith('-') ? -magnitude : magnitude;
}

const key = (unit: unknown, year: unknown, period: unknown, account: unknown) =>
  `${String(unit)}/${String(year)}/${String(period)}/${String(account)}`;

/** The period balances the journal lines imply, worked out here from the exported rows alone. */
async function rollUp(collective: boolean): Promise<Map<string, { debit: number; credit: number }>> {
  const [lines, accounts, debtors, creditors] = await Promise.all([
    exportRows(sim, 'Profit_Transactions'),
    exportRows(sim, 'Profit_Accounts'),
    exportRows(sim, 'Profit_Debtor'),
    exportRows(sim, 'Profit_Creditor'),
  ]);
  const ledger = new Set(accounts.map((account) => String(account['Account'])));
  const debtorCollective = new Map(debtors.map((d) => [String(d['DebtorId']), String(d['CollectAccount'])]));
  const creditorIds = new Set(creditors.map((c) => String(c['CreditorId'])));
  const creditorCollective = accounts.filter(
    (account) => account['CollectAccount'] === true && account['CollectAccountType'] === 'C',
  );
  expect(creditorCollective).toHaveLength(1);
  const sums = new Map<string, { debit: number; credit: number }>();
  for (const line of lines) {
    const number = String(line['AccountNo']);
    let account = number;
    if (collective && !ledger.has(number)) {
      if (debtorCollective.has(number)) account = debtorCollective.get(number) ?? '';
      else if (creditorIds.has(number)) account = String(creditorCollective[0]?.['Account']);
      else throw new Error(`line on account ${number}: no ledger account, debtor or creditor`);
    }
    const at = key(line['UnitId'], line['Year'], line['Period'], account);
    const sum = sums.get(at) ?? { debit: 0, credit: 0 };
    sum.debit += cents(line['AmtDebit']);
    sum.credit += cents(line['AmtCredit']);
    sums.set(at, sum);
  }
  return sums;
}

async function balances(): Promise<Map<string, Row>> {
  const rows = await exportRows(sim, 'Profit_Period_balance');
  return new Map(rows.map((row) => [key(row['UnitId'], row['Year'], row['Period'], row['AccountNr']), row]));
}

async function expectAgreement(): Promise<void> {
  const implied = await rollUp(true);
  const served = await balances();
  expect([...served.keys()].sort()).toEqual([...implied.keys()].sort());
  for (const [at, sum] of implied) {
    const row = served.get(at);
    expect({ at, debit: cents(row?.['Debit']), credit: cents(row?.['Credit']) }).toEqual({ at, ...sum });
    expect(cents(row?.['Balance'])).toBe(sum.debit - sum.credit);
  }
}

describe('Profit_Period_balance', () => {
  it('equals the journal lines rolled up per account, debtor and creditor lines on their collective accounts', async () => {
    await expectAgreement();
    // Without the roll-up most account-periods would differ: debtor and creditor lines are everywhere.
    const naive = await rollUp(false);
    const served = await balances();
    const naiveMisses = [...naive.keys()].filter((at) => !served.has(at));
    expect(naiveMisses.length).toBeGreaterThan(10);
  });

  it('still agrees after journal lines are added, changed and deleted through the control API', async () => {
    const debtor = String((await exportRows(sim, 'Profit_Debtor'))[0]?.['DebtorId']);
    const added = await control<{ keys: { UnitId: number; EntryNo: number; SeqNo: number }[] }>(
      sim,
      'POST',
      '/journal-lines',
      {
        lines: [
          {
            UnitId: 1,
            JournalId: '70',
            AccountNo: debtor,
            AmtDebit: 121.5,
            EntryDate: '2025-03-14T00:00:00Z',
          },
          {
            UnitId: 1,
            JournalId: '70',
            AccountNo: '8000',
            AmtCredit: 121.5,
            EntryDate: '2025-03-14T00:00:00Z',
          },
        ],
      },
    );
    expect(added.status).toBe(201);
    const first = added.body.keys[0];
    expect(first).toBeDefined();
    const changed = await control(sim, 'PATCH', '/journal-lines', {
      changes: [{ key: first, set: { AmtDebit: 99.99 } }],
    });
    expect(changed.status).toBe(200);
    await expectAgreement();
    const deleted = await control(sim, 'DELETE', '/journal-lines', { keys: [added.body.keys[1]] });
    expect(deleted.status).toBe(200);
    await expectAgreement();
  });

  it('disagrees on purpose when skewed, in that account-period only, and agrees again once cleared', async () => {
    const before = await balances();
    const [at, row] = [...before.entries()].find(([, r]) => r['AccountNr'] === '1300') ?? [];
    expect(row).toBeDefined();
    const skew = { UnitId: row?.['UnitId'], Year: row?.['Year'], Period: row?.['Period'], AccountNr: '1300' };
    const posted = await control(sim, 'POST', '/period-balances', {
      skews: [
        { ...skew, Debit: '10.05' },
        { ...skew, Credit: 2 },
        { ...skew, AccountNr: '9999', Debit: 1 },
      ],
    });
    expect(posted.status).toBe(201);
    const after = await balances();
    const skewed = after.get(at ?? '');
    expect(cents(skewed?.['Debit'])).toBe(cents(row?.['Debit']) + 1005);
    expect(cents(skewed?.['Credit'])).toBe(cents(row?.['Credit']) + 200);
    expect(cents(skewed?.['Balance'])).toBe(cents(skewed?.['Debit']) - cents(skewed?.['Credit']));
    // An account-period the lines never touched appears with the skew alone.
    expect(cents(after.get(key(skew.UnitId, skew.Year, skew.Period, '9999'))?.['Debit'])).toBe(100);
    const untouched = [...after.entries()].filter(([k]) => k !== at && !k.endsWith('/9999'));
    expect(untouched).toEqual([...before.entries()].filter(([k]) => k !== at));
    const listed = await control<{ skews: Row[] }>(sim, 'GET', '/period-balances');
    expect(listed.body.skews).toContainEqual({ ...skew, Debit: '10.05', Credit: '2' });

    expect((await control(sim, 'DELETE', '/period-balances')).body).toEqual({ removed: 2 });
    await expectAgreement();
  });

  it('refuses a skew that is not an amount, naming it', async () => {
    const refused = await control<{ error?: string; message?: string }>(sim, 'POST', '/period-balances', {
      skews: [{ UnitId: 1, Year: 2025, Period: 1, AccountNr: '1300', Debit: 'ten' }],
    });
    expect(refused.status).toBe(400);
    expect(JSON.stringify(refused.body)).toContain("skew 1 Debit 'ten'");
  });
});
