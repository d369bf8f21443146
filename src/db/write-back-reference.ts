// What a batch of journal entries is validated against before any AFAS call (issue 19): the
// source's synced master data, read from the dataset tables (named by dataset, columns by AFAS field
// id, live rows only). Only the rows the batch names are read. A dataset the batch needs that the
// source has never synced comes back as missing, so the check can say what to sync first.
import type pg from 'pg';
import { LEDGER_PROOF, type DatasetName } from '../catalog/index.js';
import type { BatchEntry } from '../write-back/batch-format.js';
import { columnsOf, tableName } from './ledger-sql.js';
import { ident, inTransaction } from './pool.js';

/** The tables and AFAS fields the validation reads. */
export const WRITE_BACK_REFERENCE = {
  administrations: { dataset: 'administrations', idField: 'AdminId' },
  journals: { dataset: 'journals', idField: 'JournalId', blockedField: 'Blocked' },
  accounts: {
    dataset: 'gl_accounts',
    idField: 'Account',
    blockedField: 'Blocked',
    vatAllowedField: 'VatAllowed',
    /** Per allocation axis 1..5 the account's setting: V (required), O (optional), N (none). */
    axisFields: ['DimAx1', 'DimAx2', 'DimAx3', 'DimAx4', 'DimAx5'],
  },
  debtors: { dataset: 'debtors', idField: 'DebtorId', blockedField: 'Blocked' },
  creditors: { dataset: 'creditors', idField: 'CreditorId', blockedField: 'Blocked' },
  vatCodes: { dataset: 'vat_codes', idField: 'VatCode', blockedField: 'Blocked' },
  // The same periods the ledger proof dates a repair by, and whether each is blocked.
  periods: { ...LEDGER_PROOF.periods, blockedField: 'Blocked' },
  assignments: {
    dataset: 'allocation_assignments',
    accountField: 'Account',
    axisField: 'DimAx',
    codeField: 'DimCode',
  },
} as const satisfies Record<string, { dataset: DatasetName } & Record<string, unknown>>;

export interface Blockable {
  blocked: boolean;
}

export interface LedgerAccount extends Blockable {
  vatAllowed: boolean;
  /** DimAx1..DimAx5: the account's setting per axis position (null when empty). */
  axes: (string | null)[];
}

export interface PeriodRow extends Blockable {
  year: number;
  period: number;
  /** First and last booking day, YYYY-MM-DD (AFAS dates are Amsterdam wall time). */
  from: string;
  to: string;
}

/** A dataset the batch needs that the source cannot be checked against yet. */
export interface MissingDataset {
  dataset: DatasetName;
  reason: string;
}

/** Each lookup is null when its dataset is missing (then `missing` says why). */
export interface WriteBackReference {
  missing: MissingDataset[];
  administrations: Set<number> | null;
  /** Keyed `administration/journal`. */
  journals: Map<string, Blockable> | null;
  accounts: Map<string, LedgerAccount> | null;
  debtors: Map<string, Blockable> | null;
  creditors: Map<string, Blockable> | null;
  vatCodes: Map<string, Blockable> | null;
  /** Per administration, in (year, period) order. */
  periods: Map<number, PeriodRow[]> | null;
  /** `administration/account/axis/code` of every assignment the batch's accounts have. */
  assignments: Set<string> | null;
}

export const journalKey = (administration: number, journal: string) => `${administration}/${journal}`;
export const assignmentKey = (administration: number, account: string, axis: string, code: string) =>
  JSON.stringify([administration, account, axis, code]);

/**
 * Reads what `entries` are checked against; datasets they do not need are not read (null). One
 * read-only snapshot: a sync committing meanwhile cannot mix old and new master data into one
 * check, and the check cannot write.
 */
export async function loadWriteBackReference(
  pool: pg.Pool,
  schema: string,
  source: string,
  entries: readonly BatchEntry[],
): Promise<WriteBackReference> {
  return inTransaction(
    pool,
    (client) => readReference(client, schema, source, entries),
    'BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY',
  );
}

async function readReference(
  db: pg.ClientBase,
  schema: string,
  source: string,
  entries: readonly BatchEntry[],
): Promise<WriteBackReference> {
  const lines = entries.flatMap((entry) => entry.lines);
  const ids = (kind: BatchEntry['lines'][number]['kind']) => [
    ...new Set(lines.filter((line) => line.kind === kind).map((line) => line.account)),
  ];
  const ledgerIds = ids('ledger');
  const debtorIds = ids('debtor');
  const creditorIds = ids('creditor');
  const vatCodes = [...new Set(lines.flatMap((line) => (line.vatCode === undefined ? [] : [line.vatCode])))];
  const allocated = lines.some((line) => (line.allocations?.length ?? 0) > 0);
  const administrations = [...new Set(entries.map((entry) => entry.administration))];

  const available = await availableDatasets(db, schema, source);
  const missing: MissingDataset[] = [];
  const read = async <T>(
    part: { dataset: DatasetName },
    needed: boolean,
    columns: readonly string[],
    load: () => Promise<T>,
  ): Promise<T | null> => {
    if (!needed) return null;
    const reason = available.missingReason(part.dataset, columns);
    if (reason !== undefined) {
      missing.push({ dataset: part.dataset, reason });
      return null;
    }
    return load();
  };
  const R = WRITE_BACK_REFERENCE;
  const rows = <Row extends pg.QueryResultRow>(
    dataset: DatasetName,
    select: string,
    where: string,
    params: unknown[],
  ) =>
    db
      .query<Row>(
        `SELECT ${select} FROM ${tableName(schema, dataset)} t
          WHERE t._source = $1 AND t._deleted_at IS NULL AND ${where}`,
        [source, ...params],
      )
      .then((result) => result.rows);
  const blockable = (
    part: { dataset: DatasetName; idField: string; blockedField: string },
    wanted: string[],
  ) =>
    read(part, wanted.length > 0, [part.idField, part.blockedField], async () => {
      const found = await rows<{ id: string; blocked: boolean | null }>(
        part.dataset,
        `t.${ident(part.idField)}::text AS id, t.${ident(part.blockedField)} AS blocked`,
        `t.${ident(part.idField)}::text = ANY($2::text[])`,
        [wanted],
      );
      return new Map(found.map((row) => [row.id, { blocked: row.blocked === true }]));
    });
  const day = (field: string) =>
    `to_char((t.${ident(field)} AT TIME ZONE 'Europe/Amsterdam')::date, 'YYYY-MM-DD')`;

  const reference: WriteBackReference = {
    missing,
    administrations: await read(R.administrations, true, [R.administrations.idField], async () => {
      const found = await rows<{ id: number }>(
        R.administrations.dataset,
        `t.${ident(R.administrations.idField)}::int AS id`,
        'true',
        [],
      );
      return new Set(found.map((row) => row.id));
    }),
    journals: await read(R.journals, true, [R.journals.idField, R.journals.blockedField], async () => {
      const found = await rows<{ administration: number; id: string; blocked: boolean | null }>(
        R.journals.dataset,
        `t._administration AS administration, t.${ident(R.journals.idField)}::text AS id, t.${ident(R.journals.blockedField)} AS blocked`,
        't._administration = ANY($2::int[])',
        [administrations],
      );
      return new Map(
        found.map((row) => [journalKey(row.administration, row.id), { blocked: row.blocked === true }]),
      );
    }),
    accounts: await read(
      R.accounts,
      ledgerIds.length > 0,
      [R.accounts.idField, R.accounts.blockedField, R.accounts.vatAllowedField, ...R.accounts.axisFields],
      async () => {
        const found = await rows<{
          id: string;
          blocked: boolean | null;
          vat: boolean | null;
          axes: (string | null)[];
        }>(
          R.accounts.dataset,
          `t.${ident(R.accounts.idField)}::text AS id, t.${ident(R.accounts.blockedField)} AS blocked,
           t.${ident(R.accounts.vatAllowedField)} AS vat,
           ARRAY[${R.accounts.axisFields.map((field) => `t.${ident(field)}::text`).join(', ')}] AS axes`,
          `t.${ident(R.accounts.idField)}::text = ANY($2::text[])`,
          [ledgerIds],
        );
        return new Map(
          found.map((row) => [
            row.id,
            { blocked: row.blocked === true, vatAllowed: row.vat === true, axes: row.axes },
          ]),
        );
      },
    ),
    debtors: await blockable(R.debtors, debtorIds),
    creditors: await blockable(R.creditors, creditorIds),
    vatCodes: await blockable(R.vatCodes, vatCodes),
    periods: await read(
      R.periods,
      true,
      [
        R.periods.yearField,
        R.periods.periodField,
        R.periods.fromField,
        R.periods.toField,
        R.periods.blockedField,
      ],
      async () => {
        const P = R.periods;
        const found = await rows<PeriodRow & { administration: number }>(
          P.dataset,
          `t._administration AS administration, t.${ident(P.yearField)}::int AS year, t.${ident(P.periodField)}::int AS period,
           ${day(P.fromField)} AS "from", ${day(P.toField)} AS "to", COALESCE(t.${ident(P.blockedField)}, false) AS blocked`,
          `t._administration = ANY($2::int[]) ORDER BY 1, 2, 3`,
          [administrations],
        );
        const periods = new Map<number, PeriodRow[]>();
        for (const { administration, ...row } of found) {
          const list = periods.get(administration) ?? [];
          list.push(row);
          periods.set(administration, list);
        }
        return periods;
      },
    ),
    assignments: await read(
      R.assignments,
      allocated,
      [R.assignments.accountField, R.assignments.axisField, R.assignments.codeField],
      async () => {
        const A = R.assignments;
        const found = await rows<{ administration: number; account: string; axis: string; code: string }>(
          A.dataset,
          `t._administration AS administration, t.${ident(A.accountField)}::text AS account,
           t.${ident(A.axisField)}::text AS axis, t.${ident(A.codeField)}::text AS code`,
          `t._administration = ANY($2::int[]) AND t.${ident(A.accountField)}::text = ANY($3::text[])`,
          [administrations, ledgerIds],
        );
        return new Set(
          found.map((row) => assignmentKey(row.administration, row.account, row.axis, row.code)),
        );
      },
    ),
  };
  return reference;
}

/** Which dataset tables exist with which columns, and which datasets a sync of the source completed. */
async function availableDatasets(db: pg.ClientBase, schema: string, source: string) {
  const [tables, synced] = await Promise.all([
    columnsOf(db, schema),
    db.query<{ dataset: string }>(
      `SELECT DISTINCT d.dataset FROM ${tableName(schema, 'sync_run_datasets')} d
         JOIN ${tableName(schema, 'sync_runs')} r USING (run_id)
        WHERE r.source = $1 AND d.status = 'succeeded'`,
      [source],
    ),
  ]);
  const done = new Set(synced.rows.map((row) => row.dataset));
  return {
    missingReason(dataset: DatasetName, needed: readonly string[]): string | undefined {
      const have = tables.get(dataset);
      if (!have || !done.has(dataset)) return `no sync of this source has loaded ${dataset} yet`;
      const lacking = needed.filter((column) => !have.has(column));
      if (lacking.length > 0)
        return `table ${dataset} has no column ${lacking.join(', ')} (its connector lacks the field)`;
      return undefined;
    },
  };
}
