// The decision of issue 18.3: repair a differing period once, flag what survives, never loop.
import { describe, expect, it } from 'vitest';
import { judgeRepair, planRepair, type LedgerFlag } from '../../../src/activities/ledger/repair-plan.js';
import { sameAmount } from '../../../src/decimal/decimal.js';
import type { AccountPeriodFigures } from '../../../src/db/ledger-sql.js';

function figures(
  administration: number,
  period: number,
  account: string,
  afasDebit: string,
  copyDebit: string,
): AccountPeriodFigures {
  return {
    administration,
    year: 2025,
    period,
    account,
    afas: { debit: afasDebit, credit: '0' },
    copy: { debit: copyDebit, credit: '0' },
  };
}

describe('planRepair', () => {
  it('re-reads each period with a new difference once, sorted, however many accounts differ in it', () => {
    const plan = planRepair(
      [figures(2, 3, '1300', '10', '9'), figures(1, 5, '8000', '1', '2'), figures(2, 3, '8000', '5', '4')],
      [],
    );
    expect(plan.repair).toEqual([
      { administration: 1, year: 2025, period: 5 },
      { administration: 2, year: 2025, period: 3 },
    ]);
    expect(plan.flagged).toEqual([]);
    expect(plan.deferred).toEqual([]);
  });

  it('leaves a difference flagged with the very same figures alone: it survived a repair already', () => {
    const difference = figures(1, 4, '1300', '100.50', '90');
    const flag: LedgerFlag = figures(1, 4, '1300', '100.5', '90.00');
    const plan = planRepair([difference], [flag]);
    expect(plan.repair).toEqual([]);
    expect(plan.flagged).toEqual([difference]);
    expect(plan.clear).toEqual([]);
  });

  it('repairs again and clears the flag when the figures moved (a new difference)', () => {
    const flag = figures(1, 4, '1300', '100', '90');
    const plan = planRepair([figures(1, 4, '1300', '100', '80')], [flag]);
    expect(plan.repair).toEqual([{ administration: 1, year: 2025, period: 4 }]);
    expect(plan.clear).toEqual([flag]);
  });

  it('clears a flag whose account-period agrees now', () => {
    const flag = figures(1, 4, '1300', '100', '90');
    const plan = planRepair([], [flag]);
    expect(plan.clear).toEqual([flag]);
    expect(plan.repair).toEqual([]);
  });

  it('re-reads at most the limit per run and defers the rest (not flagged)', () => {
    const differences = [1, 2, 3, 4, 5].map((period) => figures(1, period, '8000', '1', '0'));
    const plan = planRepair(differences, [], 2);
    expect(plan.repair.map((ref) => ref.period)).toEqual([1, 2]);
    expect(plan.deferred.map((ref) => ref.period)).toEqual([3, 4, 5]);
    expect(plan.flagged).toEqual([]);
  });
});

describe('judgeRepair', () => {
  it('flags what still differs in a repaired period and calls the rest healed', () => {
    const repaired = [
      { administration: 1, year: 2025, period: 1 },
      { administration: 1, year: 2025, period: 2 },
    ];
    const survivor = figures(1, 2, '1300', '10', '0');
    const elsewhere = figures(1, 7, '1300', '10', '0');
    const outcome = judgeRepair(repaired, [survivor, elsewhere]);
    expect(outcome.flag).toEqual([survivor]);
    expect(outcome.healed).toEqual([{ administration: 1, year: 2025, period: 1 }]);
  });
});

describe('sameAmount', () => {
  it('compares decimals exactly whatever their scale', () => {
    expect(sameAmount('12.50', '12.5')).toBe(true);
    expect(sameAmount('0012', '12.000')).toBe(true);
    expect(sameAmount('-0.00', '0')).toBe(true);
    expect(sameAmount('-1.5', '1.5')).toBe(false);
    // Past float precision: 2^53 + 1 differs from 2^53.
    expect(sameAmount('9007199254740993', '9007199254740992')).toBe(false);
    expect(sameAmount('0.1', '0.10000000000000001')).toBe(false);
  });
});
