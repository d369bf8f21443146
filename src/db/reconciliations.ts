// The ledger proof's results (issue 18.2): one `reconciliations` row per run, and the flags of
// differences that survived a repair (`reconciliation_flags`). Writes are idempotent: activities retry.
import type pg from 'pg';
import {
  accountPeriodFigures,
  type AccountPeriodFigures,
  type AccountPeriodRow,
  type ChangedLines,
  type PeriodRef,
  type UnbalancedEntry,
} from './ledger-sql.js';
import { ident } from './pool.js';

export type ReconciliationStatus = 'agrees' | 'differs' | 'unresolved' | 'unavailable';
export type DifferenceState = 'differs' | 'healed' | 'flagged' | 'unresolved';

export interface ListedDifference extends AccountPeriodFigures {
  state: DifferenceState;
}

export interface ReconciliationScope {
  administrations: number[] | null;
  years: number[] | null;
  /** A sync's check: entries and UnitIds only where lines may have changed (absent: all). */
  changed?: ChangedLines;
  /** The administrations and years asked for held every live line: every entry was checked. */
  coversEveryLine?: true;
}

export interface Reconciliation {
  runId: string;
  source: string;
  scope: ReconciliationScope;
  status: ReconciliationStatus;
  reason: string | null;
  accountPeriodsChecked: number;
  periodsChecked: number;
  periodsDifferent: number;
  periodsRepaired: number;
  periodsHealed: number;
  accountPeriodsFlagged: number;
  accountPeriodsUnresolved: number;
  unbalancedEntries: number;
  linesOutside: number;
  lastPeriod: string | null;
  differences: ListedDifference[];
  unbalanced: UnbalancedEntry[];
}

export interface ReconciliationRecord extends Reconciliation {
  checkedAt: Date;
}

type Db = pg.Pool | pg.ClientBase;

const COLUMNS = {
  runId: 'run_id',
  source: 'source',
  scope: 'scope',
  status: 'status',
  reason: 'reason',
  accountPeriodsChecked: 'account_periods_checked',
  periodsChecked: 'periods_checked',
  periodsDifferent: 'periods_different',
  periodsRepaired: 'periods_repaired',
  periodsHealed: 'periods_healed',
  accountPeriodsFlagged: 'account_periods_flagged',
  accountPeriodsUnresolved: 'account_periods_unresolved',
  unbalancedEntries: 'unbalanced_entries',
  linesOutside: 'lines_outside',
  lastPeriod: 'last_period',
  differences: 'differences',
  unbalanced: 'unbalanced',
} as const satisfies Record<keyof Reconciliation, string>;

const FIELDS = Object.keys(COLUMNS) as (keyof Reconciliation)[];
const JSON_FIELDS = new Set<keyof Reconciliation>(['scope', 'differences', 'unbalanced']);

export class ReconciliationStore {
  private readonly table: string;
  private readonly flagTable: string;
  private readonly runTable: string;

  constructor(schema: string) {
    this.table = `${ident(schema)}.reconciliations`;
    this.runTable = `${ident(schema)}.sync_runs`;
    this.flagTable = `${ident(schema)}.reconciliation_flags`;
  }

  /** Writes a run's result (again: the latest write of a run wins). */
  async save(db: Db, result: Reconciliation): Promise<void> {
    const columns = FIELDS.map((field) => COLUMNS[field]);
    const values = FIELDS.map((field) =>
      JSON_FIELDS.has(field) ? JSON.stringify(result[field]) : result[field],
    );
    const updates = columns
      .filter((column) => column !== 'run_id')
      .map((column) => `${column} = EXCLUDED.${column}`);
    await db.query(
      `INSERT INTO ${this.table} (${columns.join(', ')}, checked_at)
       VALUES (${columns.map((_, index) => `$${index + 1}`).join(', ')}, now())
       ON CONFLICT (run_id) DO UPDATE SET ${updates.join(', ')}, checked_at = now()`,
      values,
    );
  }

  async get(db: Db, runId: string): Promise<ReconciliationRecord | undefined> {
    const result = await db.query<Record<string, unknown>>(`SELECT * FROM ${this.table} WHERE run_id = $1`, [
      runId,
    ]);
    return result.rows[0] ? toRecord(result.rows[0]) : undefined;
  }

  async latest(db: Db, source: string): Promise<ReconciliationRecord | undefined> {
    const result = await db.query<Record<string, unknown>>(
      `SELECT * FROM ${this.table} WHERE source = $1 ORDER BY checked_at DESC LIMIT 1`,
      [source],
    );
    return result.rows[0] ? toRecord(result.rows[0]) : undefined;
  }

  /**
   * The source's latest check of every year (a sync's or verify's, not an import's) other than
   * `exceptRun`'s, and when its run started: where a sync's check of what changed since begins.
   */
  async lastWholeCheck(
    db: Db,
    source: string,
    exceptRun: string,
  ): Promise<(ReconciliationRecord & { runStartedAt: Date }) | undefined> {
    const result = await db.query<Record<string, unknown>>(
      `SELECT r.*, s.started_at AS run_started_at
         FROM ${this.table} r JOIN ${this.runTable} s USING (run_id)
        WHERE r.source = $1 AND r.run_id <> $2 AND r.status <> 'unavailable'
          AND (coalesce(r.scope -> 'years', 'null') = 'null' OR r.scope -> 'coversEveryLine' = 'true')
        ORDER BY r.checked_at DESC LIMIT 1`,
      [source, exceptRun],
    );
    const row = result.rows[0];
    return row ? { ...toRecord(row), runStartedAt: row.run_started_at as Date } : undefined;
  }

  /** Each source's latest result: what the metric exports. */
  async latestPerSource(
    db: Db,
  ): Promise<{ source: string; status: ReconciliationStatus; periodsDifferent: number }[]> {
    const result = await db.query<{
      source: string;
      status: ReconciliationStatus;
      periods_different: number;
    }>(
      `SELECT DISTINCT ON (source) source, status, periods_different FROM ${this.table}
        ORDER BY source, checked_at DESC`,
    );
    return result.rows.map((row) => ({
      source: row.source,
      status: row.status,
      periodsDifferent: row.periods_different,
    }));
  }

  /** The source's flags inside a scope (null: everything). */
  async flags(db: Db, source: string, scope: ReconciliationScope): Promise<AccountPeriodFigures[]> {
    const result = await db.query<AccountPeriodRow>(
      `SELECT administration, year, period, account, afas_debit::text, afas_credit::text,
              copy_debit::text, copy_credit::text
         FROM ${this.flagTable}
        WHERE source = $1 AND ($2::int[] IS NULL OR administration = ANY($2)) AND ($3::int[] IS NULL OR year = ANY($3))
        ORDER BY administration, year, period, account`,
      [source, scope.administrations, scope.years],
    );
    return result.rows.map(accountPeriodFigures);
  }

  async putFlags(
    db: Db,
    source: string,
    runId: string,
    flags: readonly AccountPeriodFigures[],
  ): Promise<void> {
    if (flags.length === 0) return;
    await db.query(
      `INSERT INTO ${this.flagTable} AS f (source, administration, year, period, account, afas_debit, afas_credit,
          copy_debit, copy_credit, run_id)
       SELECT $1::text, u.*, $10::text FROM unnest($2::int[], $3::int[], $4::int[], $5::text[], $6::numeric[],
                                        $7::numeric[], $8::numeric[], $9::numeric[]) AS u
       ON CONFLICT (source, administration, year, period, account) DO UPDATE SET
         afas_debit = EXCLUDED.afas_debit, afas_credit = EXCLUDED.afas_credit, copy_debit = EXCLUDED.copy_debit,
         copy_credit = EXCLUDED.copy_credit, run_id = EXCLUDED.run_id, flagged_at = now()`,
      [
        source,
        flags.map((flag) => flag.administration),
        flags.map((flag) => flag.year),
        flags.map((flag) => flag.period),
        flags.map((flag) => flag.account),
        flags.map((flag) => flag.afas.debit),
        flags.map((flag) => flag.afas.credit),
        flags.map((flag) => flag.copy.debit),
        flags.map((flag) => flag.copy.credit),
        runId,
      ],
    );
  }

  async clearFlags(
    db: Db,
    source: string,
    flags: readonly (PeriodRef & { account: string })[],
  ): Promise<void> {
    if (flags.length === 0) return;
    await db.query(
      `DELETE FROM ${this.flagTable}
        WHERE source = $1 AND (administration, year, period, account) IN (
          SELECT * FROM unnest($2::int[], $3::int[], $4::int[], $5::text[]))`,
      [
        source,
        flags.map((flag) => flag.administration),
        flags.map((flag) => flag.year),
        flags.map((flag) => flag.period),
        flags.map((flag) => flag.account),
      ],
    );
  }
}

function toRecord(row: Record<string, unknown>): ReconciliationRecord {
  const record: Record<string, unknown> = { checkedAt: row.checked_at };
  for (const field of FIELDS) record[field] = row[COLUMNS[field]];
  return record as unknown as ReconciliationRecord;
}
