// The account-period half of the ledger proof: one aggregate of the journal lines per
// (administration, year, period, account number), those numbers resolved to the ledger account they
// count on (src/db/ledger-proof.ts says how), compared with the period balances in one query.
import { LEDGER_PROOF } from '../catalog/ledger.js';
import type { LedgerProof, LedgerScope, UnresolvedFigures } from './ledger-sql.js';
import {
  accountPeriodFigures,
  hasColumns,
  proofQuery,
  scopeSql,
  SqlParams,
  tableName,
  type AccountPeriodRow,
  type Columns,
  type Db,
} from './ledger-sql.js';
import { ident } from './pool.js';

/** Differing account-periods read back in full; past that the count still says how many. */
const DIFFERENCES_LISTED = 10_000;
/** Unresolved account numbers named per period. */
const NUMBERS_LISTED = 5;

type AccountsProof = Pick<
  LedgerProof,
  | 'accountPeriodsChecked'
  | 'periodsChecked'
  | 'lastPeriod'
  | 'differences'
  | 'differencesTotal'
  | 'unresolved'
  | 'unresolvedTotal'
>;

/** CTEs and the CASE that resolve `lines.nr` to the account it counts on (NULL: unresolved). */
function resolution(
  tables: Columns,
  schema: string,
  params: SqlParams,
): { ctes: string[]; joins: string; account: string } {
  const { accounts, debtors, creditors } = LEDGER_PROOF;
  const live = `t._source = $1 AND t._deleted_at IS NULL`;
  const col = (field: string) => `t.${ident(field)}`;
  const ctes: string[] = [];
  const joins: string[] = [];
  const cases: string[] = [];
  if (hasColumns(tables, accounts.dataset, [accounts.accountField])) {
    ctes.push(`ledger AS (SELECT DISTINCT ${col(accounts.accountField)}::text AS nr
       FROM ${tableName(schema, accounts.dataset)} t WHERE ${live})`);
    joins.push(`LEFT JOIN ledger ON ledger.nr = lines.nr`);
    cases.push(`WHEN ledger.nr IS NOT NULL THEN lines.nr`);
  }
  if (hasColumns(tables, debtors.dataset, [debtors.idField, debtors.collectiveAccountField])) {
    ctes.push(`debtor AS (SELECT ${col(debtors.idField)}::text AS nr,
         min(${col(debtors.collectiveAccountField)}::text) AS collective
       FROM ${tableName(schema, debtors.dataset)} t WHERE ${live} GROUP BY 1)`);
    joins.push(`LEFT JOIN debtor ON debtor.nr = lines.nr`);
    cases.push(`WHEN debtor.nr IS NOT NULL THEN debtor.collective`);
  }
  const collectiveColumns = [accounts.accountField, accounts.collectiveField, accounts.collectiveKindField];
  if (
    hasColumns(tables, creditors.dataset, [creditors.idField]) &&
    hasColumns(tables, accounts.dataset, collectiveColumns)
  ) {
    ctes.push(`creditor AS (SELECT DISTINCT ${col(creditors.idField)}::text AS nr
       FROM ${tableName(schema, creditors.dataset)} t WHERE ${live})`);
    // Exactly one creditors' collective account says where creditor lines count; none or several: unresolved.
    ctes.push(`creditor_collective AS (
       SELECT CASE WHEN count(DISTINCT ${col(accounts.accountField)}) = 1
                   THEN min(${col(accounts.accountField)}::text) END AS nr
         FROM ${tableName(schema, accounts.dataset)} t
        WHERE ${live} AND ${col(accounts.collectiveField)} IS TRUE
          AND ${col(accounts.collectiveKindField)}::text = ${params.add(accounts.creditorKind)})`);
    joins.push(`LEFT JOIN creditor ON creditor.nr = lines.nr`);
    cases.push(`WHEN creditor.nr IS NOT NULL THEN (SELECT nr FROM creditor_collective)`);
  }
  return {
    ctes,
    joins: joins.join('\n      '),
    account: cases.length ? `CASE ${cases.join(' ')} END` : 'NULL::text',
  };
}

interface DifferingRow extends AccountPeriodRow {
  numbers: string[] | null;
}

export async function compareAccountPeriods(
  db: Db,
  schema: string,
  tables: Columns,
  source: string,
  scope: LedgerScope,
): Promise<AccountsProof> {
  const { lines, balances } = LEDGER_PROOF;
  const params = new SqlParams();
  params.add(source);
  const lineScope = scopeSql(scope, { year: lines.yearField, period: lines.periodField }, params);
  const balanceScope = scopeSql(scope, { year: balances.yearField, period: balances.periodField }, params);
  const resolve = resolution(tables, schema, params);
  const col = (field: string) => `t.${ident(field)}`;
  const sql = `WITH lines AS (
      SELECT t._administration AS adm, ${col(lines.yearField)}::int AS y, ${col(lines.periodField)}::int AS p,
             ${col(lines.accountField)}::text AS nr,
             coalesce(sum(${col(lines.debitField)}), 0) AS d, coalesce(sum(${col(lines.creditField)}), 0) AS c
        FROM ${tableName(schema, lines.dataset)} t
       WHERE t._source = $1 AND t._deleted_at IS NULL${lineScope}
       GROUP BY 1, 2, 3, 4),
    ${[...resolve.ctes, ''].join(',\n    ')}resolved AS (
      SELECT lines.adm, lines.y, lines.p, lines.nr, lines.d, lines.c, ${resolve.account} AS account
        FROM lines
      ${resolve.joins}),
    copy AS (SELECT adm, y, p, account, sum(d) AS d, sum(c) AS c FROM resolved
              WHERE account IS NOT NULL GROUP BY 1, 2, 3, 4),
    unresolved AS (SELECT adm, y, p, (array_agg(DISTINCT nr ORDER BY nr))[1:${NUMBERS_LISTED}] AS numbers
                     FROM resolved WHERE account IS NULL GROUP BY 1, 2, 3),
    afas AS (
      SELECT t._administration AS adm, ${col(balances.yearField)}::int AS y, ${col(balances.periodField)}::int AS p,
             ${col(balances.accountField)}::text AS account,
             coalesce(sum(${col(balances.debitField)}), 0) AS d, coalesce(sum(${col(balances.creditField)}), 0) AS c
        FROM ${tableName(schema, balances.dataset)} t
       WHERE t._source = $1 AND t._deleted_at IS NULL${balanceScope}
       GROUP BY 1, 2, 3, 4),
    compared AS (
      SELECT coalesce(copy.adm, afas.adm) AS adm, coalesce(copy.y, afas.y) AS y, coalesce(copy.p, afas.p) AS p,
             coalesce(copy.account, afas.account) AS account,
             coalesce(afas.d, 0) AS afas_d, coalesce(afas.c, 0) AS afas_c,
             coalesce(copy.d, 0) AS copy_d, coalesce(copy.c, 0) AS copy_c
        FROM copy FULL JOIN afas
          ON afas.adm = copy.adm AND afas.y = copy.y AND afas.p = copy.p AND afas.account = copy.account),
    differing AS (
      SELECT compared.*, unresolved.numbers FROM compared LEFT JOIN unresolved USING (adm, y, p)
       WHERE compared.afas_d <> compared.copy_d OR compared.afas_c <> compared.copy_c)
    SELECT (SELECT count(*) FROM compared) AS account_periods,
           (SELECT count(*) FROM (SELECT DISTINCT adm, y, p FROM compared) periods) AS periods,
           (SELECT max(y * 100 + p) FROM compared) AS last_period,
           (SELECT count(*) FROM differing) AS differing_total,
           (SELECT coalesce(json_agg(x), '[]') FROM (
              SELECT adm AS administration, y AS year, p AS period, account,
                     afas_d::text AS afas_debit, afas_c::text AS afas_credit,
                     copy_d::text AS copy_debit, copy_c::text AS copy_credit, numbers
                FROM differing ORDER BY adm, y, p, account LIMIT ${DIFFERENCES_LISTED}) x) AS differing`;
  const result = await proofQuery<{
    account_periods: string;
    periods: string;
    last_period: number | null;
    differing_total: string;
    differing: DifferingRow[];
  }>(db, sql, params.values);
  const row = result.rows[0];
  const differing = row?.differing ?? [];
  const unresolved = differing
    .filter((x) => x.numbers !== null)
    .map((x): UnresolvedFigures => ({ ...accountPeriodFigures(x), numbers: x.numbers ?? [] }));
  const lastPeriod = row?.last_period ?? null;
  return {
    accountPeriodsChecked: Number(row?.account_periods ?? 0),
    periodsChecked: Number(row?.periods ?? 0),
    lastPeriod:
      lastPeriod === null
        ? null
        : `${Math.floor(lastPeriod / 100)}-${String(lastPeriod % 100).padStart(2, '0')}`,
    differences: differing.filter((x) => x.numbers === null).map(accountPeriodFigures),
    // Past the listed rows the split is unknown: those count as differences.
    differencesTotal: Number(row?.differing_total ?? 0) - unresolved.length,
    unresolved,
    unresolvedTotal: unresolved.length,
  };
}
