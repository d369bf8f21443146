// Proving the copy (issue 18): the live journal lines, rolled up per administration, year, period
// and ledger account, against AFAS's own realised period balances — one aggregate per scope in
// PostgreSQL, exact numeric throughout (amounts travel as decimal strings, never as floats).
// Plus: every journal entry balances, and no line lies outside an administration the source exposes.
//
// Account resolution (README "Proving the copy"): a line's AccountNo that is a ledger account
// counts on that account; else a debtor number counts on that debtor's CollectAccount; else a
// creditor number counts on the creditors' collective account (the one ledger account flagged
// CollectAccount with CollectAccountType 'C'; none or several: unresolved). Anything else is
// unresolved, and so is every differing account of a period that holds unresolved lines: the
// unresolved amounts may be what it lacks, so it is never called a difference.
import { LEDGER_PROOF } from '../catalog/ledger.js';
import { compareAccountPeriods } from './ledger-accounts.js';
import { linesOutside, unbalancedEntries } from './ledger-entries.js';
import {
  columnsOf,
  hasColumns,
  LedgerProofUnavailable,
  tableName,
  type Columns,
  type Db,
  type LedgerProof,
  type LedgerScope,
  type PeriodRef,
} from './ledger-sql.js';
import { ident } from './pool.js';

export * from './ledger-sql.js';

/** Runs the three checks (they read the lines in parallel when `db` is a pool). */
export async function proveLedger(
  db: Db,
  schema: string,
  source: string,
  scope: LedgerScope = {},
): Promise<LedgerProof> {
  const tables = await columnsOf(db, schema);
  const { lines, balances } = LEDGER_PROOF;
  requireColumns(tables, lines.dataset, [
    lines.administrationField,
    lines.entryField,
    lines.yearField,
    lines.periodField,
    lines.accountField,
    lines.debitField,
    lines.creditField,
  ]);
  requireColumns(tables, balances.dataset, [
    balances.yearField,
    balances.periodField,
    balances.accountField,
    balances.debitField,
    balances.creditField,
  ]);
  const compared = compareAccountPeriods(db, schema, tables, source, scope);
  const onlyPeriods = scope.periods !== undefined;
  const [accounts, entries, outside] = await Promise.all([
    compared,
    onlyPeriods ? undefined : unbalancedEntries(db, schema, source, scope),
    onlyPeriods ? undefined : linesOutside(db, schema, source, scope),
  ]);
  return {
    ...accounts,
    unbalanced: entries?.listed ?? [],
    unbalancedTotal: entries?.total ?? 0,
    linesOutside: outside?.total ?? 0,
    outsideAdministrations: outside?.administrations ?? [],
    linesElsewhere: outside?.elsewhere ?? null,
  };
}

function requireColumns(tables: Columns, table: string, columns: readonly string[]): void {
  const have = tables.get(table);
  if (!have) throw new LedgerProofUnavailable(`table ${table} does not exist yet (no sync has written it)`);
  const missing = columns.filter((column) => !have.has(column));
  if (missing.length > 0)
    throw new LedgerProofUnavailable(`table ${table} lacks column(s) ${missing.join(', ')}`);
}

/**
 * The booking days (YYYY-MM-DD) a repair of one period re-reads: every day of the period as
 * `periods` dates it (AFAS dates are Amsterdam wall time), and every day the copy holds a line of
 * that period on (a line booked in a period outside its dates, e.g. a closing entry).
 */
export async function periodDays(db: Db, schema: string, source: string, ref: PeriodRef): Promise<string[]> {
  const tables = await columnsOf(db, schema);
  const { lines, periods } = LEDGER_PROOF;
  const params = [source, ref.administration, ref.year, ref.period];
  const parts = [
    `SELECT DISTINCT t._entry_day AS day FROM ${tableName(schema, lines.dataset)} t
      WHERE t._source = $1 AND t._administration = $2 AND t.${ident(lines.yearField)} = $3
        AND t.${ident(lines.periodField)} = $4 AND t._entry_day IS NOT NULL`,
  ];
  if (
    hasColumns(tables, periods.dataset, [
      periods.yearField,
      periods.periodField,
      periods.fromField,
      periods.toField,
    ])
  ) {
    const day = (field: string) => `(t.${ident(field)} AT TIME ZONE 'Europe/Amsterdam')::date`;
    parts.push(
      `SELECT generate_series(${day(periods.fromField)}, ${day(periods.toField)}, interval '1 day')::date AS day
         FROM ${tableName(schema, periods.dataset)} t
        WHERE t._source = $1 AND t._administration = $2 AND t._deleted_at IS NULL
          AND t.${ident(periods.yearField)} = $3 AND t.${ident(periods.periodField)} = $4
          AND ${day(periods.toField)} - ${day(periods.fromField)} BETWEEN 0 AND 366`,
    );
  }
  const result = await db.query<{ day: string }>(
    `SELECT to_char(day, 'YYYY-MM-DD') AS day FROM (${parts.join(' UNION ')}) days ORDER BY 1`,
    params,
  );
  return result.rows.map((row) => row.day);
}
