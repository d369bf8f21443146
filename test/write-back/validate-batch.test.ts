// A well-formed batch against the synced master data (issue 19, point 2), on hand-made reference data.
import { describe, expect, it } from 'vitest';
import { assignmentKey, journalKey, type WriteBackReference } from '../../src/db/write-back-reference.js';
import type { BatchEntry, BatchLine } from '../../src/write-back/batch-format.js';
import { referenceProblems } from '../../src/write-back/validate-batch.js';

const reference = (): WriteBackReference => ({
  missing: [],
  administrations: new Set([1]),
  journals: new Map([
    [journalKey(1, '90'), { blocked: false }],
    [journalKey(1, '91'), { blocked: true }],
  ]),
  accounts: new Map([
    ['4000', { blocked: false, vatAllowed: true, axes: ['V', 'O', 'N', 'N', 'N'] }],
    ['1600', { blocked: false, vatAllowed: false, axes: ['N', 'N', 'N', 'N', 'N'] }],
    ['9999', { blocked: true, vatAllowed: false, axes: ['N', 'N', 'N', 'N', 'N'] }],
  ]),
  debtors: new Map([['10001', { blocked: true }]]),
  creditors: null,
  vatCodes: new Map([['1', { blocked: false }]]),
  periods: new Map([
    [
      1,
      [
        { year: 2025, period: 2, from: '2025-02-01', to: '2025-02-28', blocked: true },
        { year: 2025, period: 3, from: '2025-03-01', to: '2025-03-31', blocked: false },
      ],
    ],
  ]),
  assignments: new Set([assignmentKey(1, '4000', '1', '100'), assignmentKey(1, '4000', '2', 'KD01')]),
});

const line = (account: string, extra: Partial<BatchLine> = {}): BatchLine => ({
  account,
  kind: 'ledger',
  debit: '1',
  credit: '0',
  ...extra,
});
const entry = (key: string, extra: Partial<BatchEntry> = {}): BatchEntry => ({
  key,
  administration: 1,
  journal: '90',
  date: '2025-03-31',
  lines: [
    line('4000', { allocations: [{ axis: '1', code: '100' }] }),
    line('1600', { debit: '0', credit: '1' }),
  ],
  ...extra,
});
const problems = (...entries: BatchEntry[]) =>
  referenceProblems('acme', entries, reference()).map((p) => [p.entry, p.line, p.field, p.message]);

describe('referenceProblems', () => {
  it('passes an entry whose every reference exists, unblocked', () => {
    expect(problems(entry('ok'), entry('given', { year: 2025, period: 3, date: '2025-04-02' }))).toEqual([]);
  });

  it('names unknown or blocked administrations, journals and periods', () => {
    expect(
      problems(
        entry('admin', { administration: 2 }),
        entry('journal', { journal: '91' }),
        entry('no-journal', { journal: '92' }),
        entry('blocked-date', { date: '2025-02-10' }),
        entry('no-period', { date: '2025-05-01' }),
        entry('given', { year: 2025, period: 2 }),
        entry('unknown-period', { year: 2024, period: 12 }),
      ),
    ).toEqual([
      ['admin', null, 'administration', 'administration 2 is not one "acme" exposes'],
      ['journal', null, 'journal', 'journal "91" is blocked'],
      ['no-journal', null, 'journal', 'journal "92" does not exist in administration 1'],
      ['blocked-date', null, 'date', '2025-02-10 falls in period 2025-02, which is blocked'],
      ['no-period', null, 'date', 'no period of administration 1 contains 2025-05-01 (give year and period)'],
      ['given', null, 'period', 'period 2025-02 is blocked'],
      ['unknown-period', null, 'period', 'period 2024-12 does not exist in administration 1'],
    ]);
  });

  it('names unknown or blocked accounts, VAT and allocation problems by line and field', () => {
    expect(
      problems(
        entry('lines', {
          lines: [
            line('4000', { vatCode: '7' }),
            line('1600', { vatCode: '1', allocations: [{ axis: '1', code: '100' }] }),
            line('9999'),
            line('5555'),
            line('10001', { kind: 'debtor', allocations: [{ axis: '1', code: '100' }] }),
            line('4000', { allocations: [{ axis: '1', code: '200' }] }),
          ],
        }),
      ),
    ).toEqual([
      ['lines', 1, 'vatCode', 'VAT code "7" does not exist'],
      ['lines', 1, 'allocations', 'ledger account "4000" requires an allocation on axis 1'],
      ['lines', 2, 'vatCode', 'ledger account "1600" does not allow VAT'],
      [
        'lines',
        2,
        'allocations[0].code',
        'allocation code "100" on axis 1 is not assigned to ledger account "1600" in administration 1',
      ],
      ['lines', 3, 'account', 'ledger account "9999" is blocked'],
      ['lines', 4, 'account', 'ledger account "5555" does not exist'],
      ['lines', 5, 'account', 'debtor "10001" is blocked'],
      ['lines', 5, 'allocations', 'allocations apply to ledger accounts only, not to a debtor'],
      [
        'lines',
        6,
        'allocations[0].code',
        'allocation code "200" on axis 1 is not assigned to ledger account "4000" in administration 1',
      ],
    ]);
  });

  it("refuses an axis that is not one of AFAS's axes 1..5 (FiDimEntries DiC1..DiC5) before any AFAS call", () => {
    expect(
      problems(
        entry('axes', {
          lines: [
            line('4000', {
              allocations: [
                { axis: '1', code: '100' },
                { axis: 'KPL', code: 'KP100' },
                { axis: '6', code: 'X' },
                { axis: '01', code: 'Y' },
              ],
            }),
            line('1600', { debit: '0', credit: '1' }),
          ],
        }),
      ),
    ).toEqual(
      [1, 2, 3].map((index) => [
        'axes',
        1,
        `allocations[${index}].axis`,
        `axis "${['KPL', '6', '01'][index - 1]}" is not an allocation axis AFAS can book on: give the axis number 1 to 5 (as allocation_assignments.DimAx holds it)`,
      ]),
    );
  });

  it('says which dataset to sync first, and skips the checks that need it', () => {
    const data = {
      ...reference(),
      missing: [{ dataset: 'creditors' as const, reason: 'no sync of this source has loaded creditors yet' }],
    };
    const found = referenceProblems(
      'acme',
      [entry('c', { lines: [line('20001', { kind: 'creditor' })] })],
      data,
    );
    expect(found).toEqual([
      {
        entry: null,
        line: null,
        field: 'creditors',
        message:
          'cannot be checked: no sync of this source has loaded creditors yet; run `afas-sync sync acme` first',
      },
    ]);
  });
});
