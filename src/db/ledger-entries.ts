// The entry half of the ledger proof: every journal entry (EntryNo) balances, and no live line
// lies outside an administration the source exposes. A sync's proof checks entries only where
// lines may have changed (LedgerScope.changed): hashing every entry of a million lines costs
// about as much as the whole account-period comparison, and an entry's balance can only change
// with its lines.
import { LEDGER_PROOF } from '../catalog/ledger.js';
import type { ChangedLines, LedgerScope, UnbalancedEntry } from './ledger-sql.js';
import { proofQuery, scopeSql, SqlParams, tableName, type Db } from './ledger-sql.js';
import { ident } from './pool.js';

const ENTRIES_LISTED = 50;

/**
 * CTEs `touched_days (administration, day)`, the booking days where lines may have changed, and
 * `touched (administration, entry_no)`: every entry with a line on one of them (all of its lines
 * count, whatever their day), plus the entries carried from the last check.
 */
function touchedSql(schema: string, changed: ChangedLines, params: SqlParams): string {
  const { lines } = LEDGER_PROOF;
  const days = changed.days ?? [];
  return `touched_days AS (
       SELECT d.administration, d.day FROM ${ident(schema)}.changed_days_done d
        WHERE d.source = $1 AND d.dataset = ${params.add(lines.dataset)}
          AND d.replaced_at >= ${params.add(changed.replacedSince)}::timestamptz
       UNION
       SELECT * FROM unnest(${params.add(days.map((d) => d.administration))}::int[],
                            ${params.add(days.map((d) => d.day))}::date[])),
     touched AS (
       SELECT DISTINCT t._administration AS administration, t.${ident(lines.entryField)} AS entry_no
         FROM touched_days d
         JOIN ${tableName(schema, lines.dataset)} t
           ON t._source = $1 AND t._administration = d.administration AND t._entry_day = d.day
       UNION
       SELECT * FROM unnest(${params.add(changed.entries.map((e) => e.administration))}::int[],
                            ${params.add(changed.entries.map((e) => e.entryNo))}::bigint[]))`;
}

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
  const entry = ident(lines.entryField);
  const touched = scope.changed ? touchedSql(schema, scope.changed, params) : null;
  // One aggregate (debit − credit) per entry: half the hash memory of two sums, and a million
  // lines hash into ~250,000 entries. Only the listed entries are summed apart (by primary key).
  const result = await proofQuery<{
    total: string;
    listed: { administration: number; entry_no: number | string; debit: string; credit: string }[];
  }>(
    db,
    `WITH ${touched ? `${touched},` : ''}
     entries AS (
       SELECT t._administration AS administration, t.${entry} AS entry_no
         FROM ${table} t
         ${touched ? `JOIN touched e ON t._administration = e.administration AND t.${entry} = e.entry_no` : ''}
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
                                  AND t.${entry} = e.entry_no AND t._deleted_at IS NULL${where}) sums
                ORDER BY 1, 2) x) AS listed`,
    params.values,
  );
  const row = result.rows[0];
  return {
    total: Number(row?.total ?? 0),
    listed: (row?.listed ?? []).map((listed) => ({
      administration: listed.administration,
      entryNo: Number(listed.entry_no),
      debit: listed.debit,
      credit: listed.credit,
    })),
  };
}

/**
 * Live lines of an administration the source does not expose (source_administrations, as the
 * last sync discovered them), or whose UnitId is not the administration they are stored under.
 * With `scope.changed` the administrations are found by skipping through the primary key (one
 * probe per administration, not a scan) and UnitIds are compared on the changed days only.
 */
export async function linesOutside(
  db: Db,
  schema: string,
  source: string,
  scope: LedgerScope,
): Promise<{ total: number; administrations: number[]; elsewhere: number | null }> {
  const { lines } = LEDGER_PROOF;
  const params = new SqlParams();
  params.add(source);
  const fields = { year: lines.yearField, period: lines.periodField };
  // Lines outside are outside any administration asked for: only the years narrow the check.
  const years = scopeSql(scope.years ? { years: scope.years } : {}, fields, params);
  const table = tableName(schema, lines.dataset);
  const exposed = `ARRAY(SELECT a.administration FROM ${ident(schema)}.source_administrations a WHERE a.source = $1)`;
  const unitId = `t.${ident(lines.administrationField)} IS DISTINCT FROM t._administration`;
  const outsideAll = `true${years} AND (t._administration <> ALL (${exposed}) OR ${unitId})`;
  const sql = scope.changed
    ? `WITH RECURSIVE ${touchedSql(schema, scope.changed, params)},
       stored (administration) AS (
         SELECT (SELECT min(t._administration) FROM ${table} t WHERE t._source = $1 AND t._deleted_at IS NULL)
         UNION ALL
         SELECT (SELECT min(t._administration) FROM ${table} t
                  WHERE t._source = $1 AND t._deleted_at IS NULL AND t._administration > s.administration)
           FROM stored s WHERE s.administration IS NOT NULL),
       outside AS (
         SELECT t._administration FROM ${table} t
          WHERE t._source = $1 AND t._deleted_at IS NULL${years}
            AND t._administration IN (SELECT s.administration FROM stored s
                                       WHERE s.administration <> ALL (${exposed}))
         UNION ALL
         SELECT t._administration FROM touched_days d
           JOIN ${table} t ON t._source = $1 AND t._administration = d.administration AND t._entry_day = d.day
          WHERE t._deleted_at IS NULL${years} AND ${unitId}
            AND t._administration = ANY (${exposed}))
       SELECT count(*) AS total, array_agg(DISTINCT _administration) AS administrations FROM outside`
    : // The same scan also counts the lines the scope leaves out (there is no index on the years):
      // none, and the scope's entry check was a check of every entry.
      `SELECT count(*) FILTER (WHERE ${outsideAll}) AS total,
              array_agg(DISTINCT t._administration) FILTER (WHERE ${outsideAll}) AS administrations,
              count(*) FILTER (WHERE (true${scopeSql(scope, fields, params)}) IS NOT TRUE) AS elsewhere
         FROM ${table} t
        WHERE t._source = $1 AND t._deleted_at IS NULL`;
  const result = await proofQuery<{
    total: string;
    administrations: number[] | null;
    elsewhere: string | null;
  }>(db, sql, params.values);
  const row = result.rows[0];
  return {
    total: Number(row?.total ?? 0),
    administrations: row?.administrations ?? [],
    elsewhere: row?.elsewhere === null || row?.elsewhere === undefined ? null : Number(row.elsewhere),
  };
}
