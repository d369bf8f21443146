// How the ledger proof reads for an operator (issue 18): the differences as a table of AFAS's
// figure, PostgreSQL's and the difference per side, unbalanced entries, one-line summaries.
import { formatDecimal, parseDecimal, subtract } from '../decimal/decimal.js';
import type { AccountPeriodFigures, UnbalancedEntry } from '../db/ledger-sql.js';
import type { ReconciliationRecord } from '../db/reconciliations.js';
import type { Output } from './output.js';

/** One side (debit or credit) of a differing account-period. */
export interface DifferenceRow {
  administration: number;
  year: number;
  period: number;
  account: string;
  side: 'debit' | 'credit';
  afas: string;
  postgres: string;
  /** AFAS − PostgreSQL, exact. */
  difference: string;
  /** differs, flagged (survived a repair), healed, unresolved. */
  state: string;
}

/** `a − b` of two decimal strings, exactly (scaled BigInts, never floats). */
export function subtractDecimals(a: string, b: string): string {
  return formatDecimal(subtract(parseDecimal(a), parseDecimal(b)));
}

/** The sides of each account-period that differ, one row each. */
export function differenceRows(
  differences: readonly (AccountPeriodFigures & { state: string })[],
): DifferenceRow[] {
  return differences.flatMap((figures) =>
    (['debit', 'credit'] as const).flatMap((side) => {
      const difference = subtractDecimals(figures.afas[side], figures.copy[side]);
      if (difference === '0') return [];
      return [
        {
          administration: figures.administration,
          year: figures.year,
          period: figures.period,
          account: figures.account,
          side,
          afas: figures.afas[side],
          postgres: figures.copy[side],
          difference,
          state: figures.state,
        },
      ];
    }),
  );
}

export function printDifferences(out: Output, rows: readonly DifferenceRow[]): void {
  out.table(
    [
      { header: 'admin', value: (row: DifferenceRow) => String(row.administration), align: 'right' },
      { header: 'year', value: (row) => String(row.year) },
      { header: 'period', value: (row) => String(row.period), align: 'right' },
      { header: 'account', value: (row) => row.account },
      { header: 'side', value: (row) => row.side },
      { header: 'AFAS', value: (row) => row.afas, align: 'right' },
      { header: 'PostgreSQL', value: (row) => row.postgres, align: 'right' },
      { header: 'difference', value: (row) => row.difference, align: 'right' },
      { header: 'state', value: (row) => row.state },
    ],
    rows,
  );
}

export function printUnbalanced(out: Output, entries: readonly UnbalancedEntry[]): void {
  out.table(
    [
      { header: 'admin', value: (entry: UnbalancedEntry) => String(entry.administration), align: 'right' },
      { header: 'entry', value: (entry) => String(entry.entryNo), align: 'right' },
      { header: 'debit', value: (entry) => entry.debit, align: 'right' },
      { header: 'credit', value: (entry) => entry.credit, align: 'right' },
      { header: 'difference', value: (entry) => subtractDecimals(entry.debit, entry.credit), align: 'right' },
    ],
    entries,
  );
}

/** One line: "reconciled through 2026-11", or what differs. */
export function ledgerLine(
  record: Pick<
    ReconciliationRecord,
    | 'status'
    | 'reason'
    | 'lastPeriod'
    | 'periodsDifferent'
    | 'accountPeriodsFlagged'
    | 'accountPeriodsUnresolved'
    | 'unbalancedEntries'
    | 'linesOutside'
    | 'periodsHealed'
    | 'differences'
  >,
): string {
  const healed = record.periodsHealed > 0 ? ` (${record.periodsHealed} period(s) repaired)` : '';
  switch (record.status) {
    case 'unavailable':
      return `not checked: ${record.reason ?? 'nothing to compare yet'}`;
    case 'agrees':
      return `reconciled through ${record.lastPeriod ?? '-'}${healed}`;
    case 'unresolved':
      return `reconciled through ${record.lastPeriod ?? '-'}; ${record.accountPeriodsUnresolved} account-period(s) unresolved${healed}`;
    case 'differs': {
      const parts: string[] = [];
      if (record.periodsDifferent > 0) {
        const periods = [
          ...new Set(
            record.differences
              .filter((d) => d.state === 'differs' || d.state === 'flagged')
              .map((d) => `${d.administration}/${d.year}-${String(d.period).padStart(2, '0')}`),
          ),
        ];
        const shown = periods.slice(0, 5).join(', ');
        parts.push(
          `${record.periodsDifferent} period(s) differ${shown ? `: ${shown}${periods.length > 5 ? ', …' : ''}` : ''}` +
            (record.accountPeriodsFlagged > 0
              ? ` (${record.accountPeriodsFlagged} account-period(s) flagged)`
              : ''),
        );
      }
      if (record.unbalancedEntries > 0) parts.push(`${record.unbalancedEntries} unbalanced entr(y/ies)`);
      if (record.linesOutside > 0)
        parts.push(`${record.linesOutside} line(s) outside the exposed administrations`);
      return `DIFFERS: ${parts.join('; ')}${healed}`;
    }
  }
}

/** A run's ledger proof (`runs --run`): the line, the counts, and the differences it kept. */
export function printReconciliation(out: Output, record: ReconciliationRecord): void {
  out.line(`ledger: ${ledgerLine(record)}`);
  out.line(
    `  ${record.accountPeriodsChecked.toLocaleString('en-US')} account-periods in ${record.periodsChecked.toLocaleString('en-US')} periods checked` +
      (record.periodsRepaired > 0
        ? `; ${record.periodsRepaired} period(s) re-read, ${record.periodsHealed} agree since`
        : ''),
  );
  const rows = differenceRows(record.differences);
  if (rows.length > 0) printDifferences(out, rows);
  if (record.unbalanced.length > 0) printUnbalanced(out, record.unbalanced);
}
