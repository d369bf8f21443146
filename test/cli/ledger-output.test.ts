// How the ledger proof reads for an operator: exact differences, one line per state.
import { describe, expect, it } from 'vitest';
import { differenceRows, ledgerLine, subtractDecimals } from '../../src/cli/ledger-output.js';

describe('subtractDecimals', () => {
  it('subtracts exactly, whatever the scales, past float precision', () => {
    expect(subtractDecimals('100.50', '90.25')).toBe('10.25');
    expect(subtractDecimals('0.1', '0.3')).toBe('-0.2');
    expect(subtractDecimals('12', '12.000')).toBe('0');
    expect(subtractDecimals('-5', '5')).toBe('-10');
    expect(subtractDecimals('9007199254740993.01', '0.01')).toBe('9007199254740993');
    expect(() => subtractDecimals('ten', '1')).toThrow(/not a decimal/);
  });
});

describe('differenceRows', () => {
  it('lists only the sides that differ, AFAS − PostgreSQL', () => {
    const rows = differenceRows([
      {
        administration: 1,
        year: 2025,
        period: 3,
        account: '1300',
        afas: { debit: '100.00', credit: '5' },
        copy: { debit: '90', credit: '5.00' },
        state: 'flagged',
      },
    ]);
    expect(rows).toEqual([
      {
        administration: 1,
        year: 2025,
        period: 3,
        account: '1300',
        side: 'debit',
        afas: '100.00',
        postgres: '90',
        difference: '10',
        state: 'flagged',
      },
    ]);
  });
});

describe('ledgerLine', () => {
  const clean = {
    status: 'agrees' as const,
    reason: null,
    lastPeriod: '2026-11',
    periodsDifferent: 0,
    accountPeriodsFlagged: 0,
    accountPeriodsUnresolved: 0,
    unbalancedEntries: 0,
    linesOutside: 0,
    periodsHealed: 0,
    differences: [],
  };

  it('says through which period the copy is reconciled, and what a repair healed', () => {
    expect(ledgerLine(clean)).toBe('reconciled through 2026-11');
    expect(ledgerLine({ ...clean, periodsHealed: 1 })).toBe(
      'reconciled through 2026-11 (1 period(s) repaired)',
    );
  });

  it('names the differing periods, the flagged count, unbalanced entries and lines outside', () => {
    const figures = { afas: { debit: '1', credit: '0' }, copy: { debit: '0', credit: '0' } };
    expect(
      ledgerLine({
        ...clean,
        status: 'differs',
        periodsDifferent: 1,
        accountPeriodsFlagged: 1,
        unbalancedEntries: 2,
        linesOutside: 3,
        differences: [
          { administration: 1, year: 2025, period: 4, account: '1300', ...figures, state: 'flagged' },
        ],
      }),
    ).toBe(
      'DIFFERS: 1 period(s) differ: 1/2025-04 (1 account-period(s) flagged); 2 unbalanced entr(y/ies); ' +
        '3 line(s) outside the exposed administrations',
    );
  });
});
