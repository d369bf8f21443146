// The entry half of the ledger proof: every journal entry (EntryNo) balances, and no live line
// lies outside an administration the source exposes.
import { LEDGER_PROOF } from '../catalog/ledger.js';
import type { LedgerScope, UnbalancedEntry } from './ledger-sql.js';
import { proofQuery, scopeSql, SqlParams, tableName, type Db } from './ledger-sql.js';
import { ident } from './pool.js';

const ENTRIES_LISTED = 50;

/** Entries whose lines' debit and credit differ (the first few, and how many). */
export async function unbalancedEntries(
  db: Db,
  schema: string,
  source: string,
  scope: LedgerScope,
): Promise<{ total: number; listed: UnbalancedEntry[] }> {
  const { lines } = LEDGER_PROOF;
  const params = new SqlParams();
  params.add(source);
  const where = scopeSql(scope, { year: lines.yearField, period: lines.periodField }, params);
  const amount = (field: string) => `coalesce(t.${ident(field)}, 0)`;
  const table = tableName(schema, lines.dataset);
  // One aggregate (debit − credit) per entry: half the hash memory of two sums, and a million
  // lines hash into ~250,000 entries. Only the listed entries are summed apart (by primary key).
  const result = await proofQuery<{
    total: string;
    listed: { administration: number; entry_no: number | string; debit: string; credit: string }[];
  }>(
    db,
    `WITH entries AS (
       SELECT t._administration AS administration, t.${ident(lines.entryField)} AS entry_no
         FROM ${table} t
        WHERE t._source = $1 AND t._deleted_at IS NULL${where}
        GROUP BY 1, 2
       HAVING sum(${amount(lines.debitField)} - ${amount(lines.creditField)}) <> 0)
     SELECT (SELECT count(*) FROM entries) AS total,
            (SELECT coalesce(json_agg(x), '[]') FROM (
               SELECT e.administration, e.entry_no, sums.debit::text AS debit, sums.credit::text AS credit
                 FROM (SELECT * FROM entries ORDER BY administration, entry_no LIMIT ${ENTRIES_LISTED}) e,
                      LATERAL (SELECT sum(${amount(lines.debitField)}) AS debit, sum(${amount(lines.creditField)}) AS credit
                                 FROM ${table} t
                                WHERE t._source = $1 AND t._administration = e.administration
                                  AND t.${ident(lines.entryField)} = e.entry_no AND t._deleted_at IS NULL${where}) sums
                ORDER BY 1, 2) x) AS listed`,
    params.values,
  );
  const row = result.rows[0];
  return {
    total: Number(row?.total ?? 0),
    listed: (row?.listed ?? []).map((entry) => ({
      administration: entry.administration,
      entryNo: Number(entry.entry_no),
      debit: entry.debit,
      credit: entry.credit,
    })),
  };
}

/**
 * Live lines of an administration the source does not expose (source_administrations, as the
 * last sync discovered them), or whose UnitId is not the administration they are stored under.
 */
export async function linesOutside(
  db: Db,
  schema: string,
  source: string,
  scope: LedgerScope,
): Promise<{ total: number; administrations: number[] }> {
  const { lines } = LEDGER_PROOF;
  const params = new SqlParams();
  params.add(source);
  // Lines outside are outside any administration asked for: only the years narrow the check.
  const years = scopeSql(
    scope.years ? { years: scope.years } : {},
    { year: lines.yearField, period: lines.periodField },
    params,
  );
  const result = await proofQuery<{ total: string; administrations: number[] | null }>(
    db,
    `SELECT count(*) AS total, array_agg(DISTINCT t._administration) AS administrations
       FROM ${tableName(schema, lines.dataset)} t
      WHERE t._source = $1 AND t._deleted_at IS NULL${years}
        AND (t._administration <> ALL (ARRAY(SELECT a.administration FROM ${ident(schema)}.source_administrations a
                                               WHERE a.source = $1))
             OR t.${ident(lines.administrationField)} IS DISTINCT FROM t._administration)`,
    params.values,
  );
  const row = result.rows[0];
  return { total: Number(row?.total ?? 0), administrations: row?.administrations ?? [] };
}
