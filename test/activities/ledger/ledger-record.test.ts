// The `reconciliations` row of a run: what the check found, then what the repair changed.
import { describe, expect, it } from 'vitest';
import { checkedRecord, repairedRecord, statusOf } from '../../../src/activities/ledger/ledger-record.js';
import { judgeRepair, planRepair } from '../../../src/activities/ledger/repair-plan.js';
import type { AccountPeriodFigures, LedgerProof } from '../../../src/db/ledger-sql.js';

const base = { runId: 'run-1', source: 'acme', scope: { administrations: null, years: null } };

function figures(period: number, account: string, afas: string, copy: string): AccountPeriodFigures {
  return {
    administration: 1,
    year: 2025,
    period,
    account,
    afas: { debit: afas, credit: '0' },
    copy: { debit: copy, credit: '0' },
  };
}

function proof(differences: AccountPeriodFigures[], extra: Partial<LedgerProof> = {}): LedgerProof {
  return {
    accountPeriodsChecked: 40,
    periodsChecked: 12,
    lastPeriod: '2025-12',
    differences,
    differencesTotal: differences.length,
    unresolved: [],
    unresolvedTotal: 0,
    unbalanced: [],
    unbalancedTotal: 0,
    linesOutside: 0,
    outsideAdministrations: [],
    linesElsewhere: 0,
    ...extra,
  };
}

describe('the reconciliation row', () => {
  it('agrees when nothing differs, and says through which period', () => {
    const record = checkedRecord(base, proof([]), planRepair([], []));
    expect(record.status).toBe('agrees');
    expect(record.lastPeriod).toBe('2025-12');
    expect(record.periodsDifferent).toBe(0);
  });

  it('counts differing periods, not accounts; a period healed by the repair leaves the count', () => {
    const differences = [
      figures(3, '1300', '10', '9'),
      figures(3, '8000', '5', '4'),
      figures(4, '1300', '7', '0'),
    ];
    const plan = planRepair(differences, []);
    const checked = checkedRecord(base, proof(differences), plan);
    expect(checked.status).toBe('differs');
    expect(checked.periodsDifferent).toBe(2);
    expect(checked.differences.map((d) => d.state)).toEqual(['differs', 'differs', 'differs']);

    // Period 3 agrees after its re-read; period 4 still differs: flagged with the new figures.
    const survivor = figures(4, '1300', '7', '1');
    const repaired = repairedRecord(checked, plan.repair, judgeRepair(plan.repair, [survivor]), proof([]));
    expect(repaired.periodsRepaired).toBe(2);
    expect(repaired.periodsHealed).toBe(1);
    expect(repaired.periodsDifferent).toBe(1);
    expect(repaired.accountPeriodsFlagged).toBe(1);
    expect(repaired.status).toBe('differs');
    expect(repaired.differences).toEqual([
      { ...survivor, state: 'flagged' },
      { ...figures(3, '1300', '10', '9'), state: 'healed' },
      { ...figures(3, '8000', '5', '4'), state: 'healed' },
    ]);

    const allHealed = repairedRecord(checked, plan.repair, judgeRepair(plan.repair, []), proof([]));
    expect(allHealed.status).toBe('agrees');
    expect(allHealed.periodsDifferent).toBe(0);
  });

  it('takes the entries and outside lines from the check after the repair (a repair mends an entry too)', () => {
    const difference = figures(6, '8000', '10', '11');
    const unbalanced = [{ administration: 1, entryNo: 7, debit: '10', credit: '11' }];
    const plan = planRepair([difference], []);
    const checked = checkedRecord(base, proof([difference], { unbalanced, unbalancedTotal: 1 }), plan);
    expect(checked.unbalancedEntries).toBe(1);
    const repaired = repairedRecord(checked, plan.repair, judgeRepair(plan.repair, []), proof([]));
    expect(repaired.unbalancedEntries).toBe(0);
    expect(repaired.unbalanced).toEqual([]);
    expect(repaired.status).toBe('agrees');
  });

  it('marks a difference already flagged with these figures as flagged, without repairing it', () => {
    const difference = figures(2, '1600', '3', '0');
    const plan = planRepair([difference], [difference]);
    const record = checkedRecord(base, proof([difference]), plan);
    expect(plan.repair).toEqual([]);
    expect(record.differences).toEqual([{ ...difference, state: 'flagged' }]);
    expect(record.accountPeriodsFlagged).toBe(1);
    expect(record.status).toBe('differs');
  });

  it('calls an unbalanced entry or a line outside the administrations a difference, unresolved alone not', () => {
    const clean = { periodsDifferent: 0, unbalancedEntries: 0, linesOutside: 0, accountPeriodsUnresolved: 0 };
    expect(statusOf(clean)).toBe('agrees');
    expect(statusOf({ ...clean, unbalancedEntries: 1 })).toBe('differs');
    expect(statusOf({ ...clean, linesOutside: 3 })).toBe('differs');
    expect(statusOf({ ...clean, accountPeriodsUnresolved: 2 })).toBe('unresolved');
    const unresolved = { ...figures(5, '1300', '10', '0'), numbers: ['55555'] };
    const record = checkedRecord(
      base,
      proof([], { unresolved: [unresolved], unresolvedTotal: 1 }),
      planRepair([], []),
    );
    expect(record.status).toBe('unresolved');
    expect(record.periodsDifferent).toBe(0);
    expect(record.differences).toEqual([{ ...figures(5, '1300', '10', '0'), state: 'unresolved' }]);
  });
});
