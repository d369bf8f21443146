// Which administrations a sync can prove: both sides of the ledger proof must be fresh.
import { describe, expect, it } from 'vitest';
import { provableAdministrations } from '../../src/workflows/ledger.js';

const datasets = { lines: 'journal_lines', balances: 'period_balances' };

describe('provableAdministrations', () => {
  it('leaves out an administration whose journal lines or period balances failed this run', () => {
    const failures = [
      { dataset: 'journal_lines', administration: 2 },
      { dataset: 'period_balances', administration: 3 },
      { dataset: 'debtors', administration: 0 },
      { dataset: 'journals', administration: 1 },
    ];
    expect(provableAdministrations([1, 2, 3, 4], failures, datasets)).toEqual([1, 4]);
  });

  it('proves none when the journal lines failed for the whole source (the changed-days plan)', () => {
    expect(
      provableAdministrations([1, 2], [{ dataset: 'journal_lines', administration: 0 }], datasets),
    ).toEqual([]);
  });
});
