// Types and SQL helpers the ledger proof's queries share (src/db/ledger-proof.ts).
import pg from 'pg';
import { ident, inTransaction } from './pool.js';

export interface PeriodRef {
  administration: number;
  year: number;
  period: number;
}

export interface Amounts {
  debit: string;
  credit: string;
}

/** One account-period whose figures differ: AFAS's period balance against the copy's lines. */
export interface AccountPeriodFigures extends PeriodRef {
  account: string;
  afas: Amounts;
  copy: Amounts;
}

/** An account-period as the proof's queries and the flags table return it (amounts as text). */
export interface AccountPeriodRow {
  administration: number;
  year: number;
  period: number;
  account: string;
  afas_debit: string;
  afas_credit: string;
  copy_debit: string;
  copy_credit: string;
}

export function accountPeriodFigures(row: AccountPeriodRow): AccountPeriodFigures {
  return {
    administration: row.administration,
    year: row.year,
    period: row.period,
    account: row.account,
    afas: { debit: row.afas_debit, credit: row.afas_credit },
    copy: { debit: row.copy_debit, credit: row.copy_credit },
  };
}

/** A differing account-period in a period with lines whose account could not be resolved. */
export interface UnresolvedFigures extends AccountPeriodFigures {
  /** The account numbers of that period no rule resolved (the first few). */
  numbers: string[];
}

export interface UnbalancedEntry extends Amounts, EntryRef {}

/** An entry of an administration (EntryNo). */
export interface EntryRef {
  administration: number;
  entryNo: number;
}

/**
 * What may have changed since the source's last complete check (a sync's proof): the entries'
 * balance and the lines' UnitId are then checked only among the lines of these booking days and
 * these entries. The account-periods are always checked whole: that is what finds a line changed
 * behind afas-sync's back.
 */
export interface ChangedLines {
  /** Booking days of the journal lines replaced at or after this time (ISO 8601; changed_days_done). */
  replacedSince: string;
  /** Further booking days read again (a repair does not record its days in changed_days_done). */
  days?: readonly { administration: number; day: string }[];
  /** Entries an earlier check found unbalanced: checked again whether or not their days changed. */
  entries: readonly EntryRef[];
}

export interface LedgerScope {
  administrations?: readonly number[];
  years?: readonly number[];
  /** Only these periods (a re-check after a repair); entries and outside lines are not checked then. */
  periods?: readonly PeriodRef[];
  /** Entries and UnitIds only where lines may have changed (see ChangedLines); absent: all of them. */
  changed?: ChangedLines;
}

export interface LedgerProof {
  accountPeriodsChecked: number;
  periodsChecked: number;
  /** The latest (year, period) checked, e.g. `2026-11`; null when nothing was. */
  lastPeriod: string | null;
  /** Differing account-periods (at most `DIFFERENCES_LISTED`), in order. */
  differences: AccountPeriodFigures[];
  differencesTotal: number;
  unresolved: UnresolvedFigures[];
  unresolvedTotal: number;
  unbalanced: UnbalancedEntry[];
  unbalancedTotal: number;
  /** Live lines of an administration the source does not expose (or whose UnitId is not their administration). */
  linesOutside: number;
  outsideAdministrations: number[];
  /**
   * Live lines outside the scope's administrations and years; 0 when the scope covers every line
   * (then its entry check was a check of every entry). Null when not counted (a narrowed check).
   */
  linesElsewhere: number | null;
}

/** The check cannot run (a table or column it needs is missing): nothing to compare yet. */
export class LedgerProofUnavailable extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LedgerProofUnavailable';
  }
}

export type Db = pg.Pool | pg.ClientBase;

/**
 * work_mem of the proof's queries: their aggregates (every account number per period, every entry)
 * hash a million lines into ~10^5 groups, which PostgreSQL's default 4 MB would spill to disk or
 * sort instead.
 */
const PROOF_WORK_MEM = '64MB';

/** Runs one query of the proof: on a pool in a read-only transaction of its own with PROOF_WORK_MEM. */
export async function proofQuery<R extends pg.QueryResultRow>(
  db: Db,
  sql: string,
  params: readonly unknown[],
): Promise<pg.QueryResult<R>> {
  if (!(db instanceof pg.Pool)) return db.query<R>(sql, [...params]);
  return inTransaction(db, async (client) => {
    // JIT compiling costs more than it saves on these short aggregates (measured on 1M lines).
    await client.query(
      `SET TRANSACTION READ ONLY; SET LOCAL work_mem = '${PROOF_WORK_MEM}'; SET LOCAL jit = off`,
    );
    return client.query<R>(sql, [...params]);
  });
}

/** Columns per table of the schema. */
export type Columns = ReadonlyMap<string, ReadonlySet<string>>;

/** Every table of the schema with its columns (information_schema). */
export async function columnsOf(db: Db, schema: string): Promise<Columns> {
  const result = await db.query<{ table_name: string; column_name: string }>(
    `SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = $1`,
    [schema],
  );
  const tables = new Map<string, Set<string>>();
  for (const row of result.rows) {
    let columns = tables.get(row.table_name);
    if (!columns) tables.set(row.table_name, (columns = new Set()));
    columns.add(row.column_name);
  }
  return tables;
}

export function hasColumns(tables: Columns, table: string, columns: readonly string[]): boolean {
  const have = tables.get(table);
  return have !== undefined && columns.every((column) => have.has(column));
}

/** Numbered SQL parameters: `add` returns the placeholder of a value. */
export class SqlParams {
  readonly values: unknown[] = [];
  add(value: unknown): string {
    this.values.push(value);
    return `$${this.values.length}`;
  }
}

/** SQL conditions (each starting with AND) on a table aliased `t` for the scope. */
export function scopeSql(
  scope: LedgerScope,
  fields: { year: string; period: string },
  params: SqlParams,
): string {
  const parts: string[] = [];
  if (scope.administrations)
    parts.push(`t._administration = ANY(${params.add(scope.administrations)}::int[])`);
  if (scope.years) parts.push(`t.${ident(fields.year)} = ANY(${params.add(scope.years)}::int[])`);
  if (scope.periods) {
    const periods = scope.periods;
    parts.push(
      `(t._administration, t.${ident(fields.year)}, t.${ident(fields.period)}) IN (SELECT * FROM unnest(` +
        `${params.add(periods.map((p) => p.administration))}::int[], ${params.add(periods.map((p) => p.year))}::int[], ` +
        `${params.add(periods.map((p) => p.period))}::int[]))`,
    );
  }
  return parts.map((part) => ` AND ${part}`).join('');
}

export const tableName = (schema: string, name: string) => `${ident(schema)}.${ident(name)}`;
