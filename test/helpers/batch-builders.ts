// Batch-file pieces for write-back tests (issue 19): a line, and an entry of the simulator's
// administration 1, journal 90, balanced, with an allocation on axis 1.

export const batchLine = (
  account: string,
  debit: string,
  credit: string,
  extra: Record<string, unknown> = {},
) => ({ account, debit, credit, ...extra });

export const batchEntry = (key: string, year: number, extra: Record<string, unknown> = {}) => ({
  key,
  administration: 1,
  journal: '90',
  date: `${year}-03-31`,
  description: 'Accrual wages March',
  lines: [
    batchLine('4000', '1250.00', '0', { allocations: [{ axis: '1', code: '100' }] }),
    batchLine('1700', '0', '1250.00', { description: 'to pay' }),
  ],
  ...extra,
});
