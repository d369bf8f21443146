import { describe, expect, it } from 'vitest';
import { entryDifference, type PostedEntry, type SyncedLine } from '../../src/write-back/confirm-lines.js';

const MARKER = 'afas-sync:0123456789abcdef';
const posted: PostedEntry = {
  key: 'acc-001',
  entryNo: 70001,
  journal: '90',
  entryDate: '2025-03-31',
  marker: MARKER,
  entry: {
    description: 'Accrual rent March',
    lines: [
      { account: '4000', kind: 'ledger', debit: '1250.00', credit: '0' },
      { account: '1600', kind: 'ledger', debit: '0', credit: '1250.00', description: 'rent' },
    ],
  },
};
const synced = (overrides: Partial<SyncedLine>[] = [{}, {}]): SyncedLine[] => {
  const base: SyncedLine[] = [
    // AFAS's own order, and numerics as PostgreSQL prints them.
    {
      account: '1600',
      debit: '0.0000',
      credit: '1250.0000',
      date: '2025-03-31',
      journal: '90',
      description: `rent ${MARKER}`,
    },
    {
      account: '4000',
      debit: '1250',
      credit: '0',
      date: '2025-03-31',
      journal: '90',
      description: `Accrual rent March ${MARKER}`,
    },
  ];
  return base.map((line, index) => ({ ...line, ...overrides[index] }));
};

describe('entryDifference: journal_lines holds exactly the posted lines', () => {
  it('matches whatever order AFAS numbered the lines in and whatever scale the amounts have', () => {
    expect(entryDifference(posted, synced())).toBeNull();
  });

  it('an entry not synced yet', () => {
    expect(entryDifference(posted, [])).toBe('entry acc-001 (AFAS entry 70001) is not in journal_lines yet');
  });

  it.each<[string, Partial<SyncedLine>]>([
    ['an amount', { debit: '1250.01' }],
    ['an account', { account: '4001' }],
    ['the booking date', { date: '2025-04-01' }],
    ['the journal', { journal: '91' }],
    ['the description (marker lost)', { description: 'Accrual rent March' }],
  ])('a line differing in %s is not the posted line', (_what, override) => {
    expect(entryDifference(posted, synced([{}, override]))).toBe(
      'entry acc-001 (AFAS entry 70001) in journal_lines differs from what was posted: lacks 4000 debit 1250.00; 1 other line (' +
        (override.account ?? '4000') +
        ')',
    );
  });

  it('a line more than posted', () => {
    const extra = { ...synced()[0]!, account: '8000' };
    expect(entryDifference(posted, [...synced(), extra])).toBe(
      'entry acc-001 (AFAS entry 70001) in journal_lines differs from what was posted: 1 other line (8000)',
    );
  });

  it('each synced line matches one posted line only', () => {
    const twice = {
      ...posted,
      entry: { ...posted.entry, lines: [posted.entry.lines[0]!, ...posted.entry.lines] },
    };
    expect(entryDifference(twice, synced())).toMatch(/lacks 4000 debit 1250\.00$/);
  });
});
