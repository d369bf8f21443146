// bench:post's batch: valid, balanced journal entries of 2–4 lines, built from what the first sync
// loaded, so the saga posts every one and nothing is refused. Accounts exist, are not blocked and
// are not collective accounts (AFAS books those through debtors and creditors only); an account
// that requires an allocation gets one assigned to it; dates are booking days of open periods.
import type pg from 'pg';
import { WRITE_BACK_REFERENCE } from '../../src/db/write-back-reference.js';
import { dataset, LEDGER_PROOF } from '../../src/catalog/index.js';
import { tableName } from '../../src/db/ledger-sql.js';
import { ident } from '../../src/db/pool.js';
import { Prng } from '../soak/prng.js';

/** Per administration, what an entry of it may use. */
export interface AdministrationChoices {
  administration: number;
  journal: string;
  /** Booking days (YYYY-MM-DD) in unblocked periods. */
  dates: string[];
  /** Accounts that may be booked, each with the allocations it requires (axis id → code). */
  accounts: { account: string; allocations: { axis: string; code: string }[] }[];
}

/** A line and an entry as the batch file holds them (README "Writing back"). */
export interface BatchFileLine {
  account: string;
  debit: string;
  credit: string;
  description?: string;
  allocations?: { axis: string; code: string }[];
}

export interface BatchFileEntry {
  key: string;
  administration: number;
  journal: string;
  date: string;
  description: string;
  voucherNo: string;
  lines: BatchFileLine[];
}

export interface BatchFile {
  batch: string;
  entries: BatchFileEntry[];
}

/**
 * Booking days per administration: a month-end batch books on a handful of days, and each
 * (administration, day) is one partition the confirming sync reads again.
 */
const DATES_PER_ADMINISTRATION = 10;

/** Reads, from the source's synced tables, what a valid entry of each administration may use. */
export async function readPostingChoices(
  pool: pg.Pool,
  schema: string,
  source: string,
): Promise<AdministrationChoices[]> {
  const R = WRITE_BACK_REFERENCE;
  const table = (dataset: string) => tableName(schema, dataset);
  const live = `_source = $1 AND _deleted_at IS NULL`;
  const day = (column: string) => `(${column} AT TIME ZONE 'Europe/Amsterdam')::date`;

  const journals = await pool.query<{ administration: number; id: string }>(
    // A memorial journal (JournalType MEM) is where corrections and accruals go; any open one else.
    `SELECT DISTINCT ON (_administration) _administration AS administration, ${ident(R.journals.idField)}::text AS id
       FROM ${table(R.journals.dataset)}
      WHERE ${live} AND NOT COALESCE(${ident(R.journals.blockedField)}, false)
      ORDER BY _administration, ("JournalType" = 'MEM') DESC, 2`,
    [source],
  );
  const L = LEDGER_PROOF.lines;
  const lines = dataset(L.dataset);
  if (lines.strategy !== 'changed-days') throw new Error(`${L.dataset} is no longer synced by booking day`);
  const entryDate = ident(lines.entryDateField);
  const P = R.periods;
  const dates = await pool.query<{ administration: number; day: string }>(
    // Days that hold journal lines, in no blocked period, the latest first.
    `SELECT administration, to_char(day, 'YYYY-MM-DD') AS day FROM (
       SELECT l._administration AS administration, ${day(`l.${entryDate}`)} AS day,
              row_number() OVER (PARTITION BY l._administration ORDER BY ${day(`l.${entryDate}`)} DESC) AS rank
         FROM (SELECT DISTINCT _administration, ${entryDate} FROM ${table(L.dataset)} WHERE ${live}) l
        WHERE EXISTS (
                SELECT 1 FROM ${table(P.dataset)} p
                 WHERE p._source = $1 AND p._deleted_at IS NULL AND p._administration = l._administration
                   AND ${day(`l.${entryDate}`)} BETWEEN ${day(`p.${ident(P.fromField)}`)} AND ${day(`p.${ident(P.toField)}`)})
          AND NOT EXISTS (
                SELECT 1 FROM ${table(P.dataset)} p
                 WHERE p._source = $1 AND p._deleted_at IS NULL AND p._administration = l._administration
                   AND ${day(`l.${entryDate}`)} BETWEEN ${day(`p.${ident(P.fromField)}`)} AND ${day(`p.${ident(P.toField)}`)}
                   AND COALESCE(p.${ident(P.blockedField)}, false))
     ) days
     WHERE rank <= $2 ORDER BY 1, 2`,
    [source, DATES_PER_ADMINISTRATION],
  );
  const A = R.accounts;
  const accounts = await pool.query<{ account: string; axes: (string | null)[] }>(
    `SELECT ${ident(A.idField)}::text AS account,
            ARRAY[${A.axisFields.map((field) => `${ident(field)}::text`).join(', ')}] AS axes
       FROM ${table(A.dataset)}
      WHERE ${live} AND NOT COALESCE(${ident(A.blockedField)}, false)
        AND NOT COALESCE(${ident(LEDGER_PROOF.accounts.collectiveField)}, false)
      ORDER BY 1`,
    [source],
  );
  const S = R.assignments;
  const assignments = await pool.query<{
    administration: number;
    account: string;
    axis: string;
    code: string;
  }>(
    `SELECT _administration AS administration, ${ident(S.accountField)}::text AS account,
            ${ident(S.axisField)}::text AS axis, min(${ident(S.codeField)}::text) AS code
       FROM ${table(S.dataset)} WHERE ${live} GROUP BY 1, 2, 3`,
    [source],
  );
  const assigned = new Map(
    assignments.rows.map((row) => [JSON.stringify([row.administration, row.account, row.axis]), row.code]),
  );

  return journals.rows.map(({ administration, id }) => ({
    administration,
    journal: id,
    dates: dates.rows.filter((row) => row.administration === administration).map((row) => row.day),
    accounts: accounts.rows.flatMap(({ account, axes }) => {
      // Axis position N (DimAxN) is the axis whose id is N; V: an allocation is required there.
      const required = axes.flatMap((setting, index) => (setting === 'V' ? [String(index + 1)] : []));
      const allocations = required.map((axis) => ({
        axis,
        code: assigned.get(JSON.stringify([administration, account, axis])),
      }));
      if (allocations.some((allocation) => allocation.code === undefined)) return [];
      return [{ account, allocations: allocations.map(({ axis, code }) => ({ axis, code: code ?? '' })) }];
    }),
  }));
}

const amount = (cents: number) => `${Math.floor(cents / 100)}.${String(cents % 100).padStart(2, '0')}`;

/**
 * `count` balanced entries, spread over the administrations in turn, of 2, 3 or 4 lines (a third
 * each): one to three debit lines of 1.00 to 10,000.00, the rest credit lines that split their
 * total. The same seed gives the same batch.
 */
export function generateBatch(
  choices: readonly AdministrationChoices[],
  batch: string,
  count: number,
  seed: number,
): BatchFile {
  const usable = choices.filter((choice) => choice.dates.length > 0 && choice.accounts.length >= 4);
  if (usable.length === 0)
    throw new Error(
      'no administration has an open booking day and four bookable accounts: did the first sync load them?',
    );
  const prng = new Prng(seed);
  const entries = Array.from({ length: count }, (_, index): BatchFileEntry => {
    const choice = usable[index % usable.length] as AdministrationChoices;
    const size = 2 + (index % 3);
    const debits = prng.int(1, size - 1);
    const debitCents = Array.from({ length: debits }, () => prng.int(100, 1_000_000));
    const total = debitCents.reduce((sum, cents) => sum + cents, 0);
    const credits = size - debits;
    const creditCents = Array.from({ length: credits }, (_, at) =>
      at < credits - 1 ? Math.floor(total / credits) : total - Math.floor(total / credits) * (credits - 1),
    );
    const accounts = pickDistinct(prng, choice.accounts, size);
    const number = String(index + 1).padStart(5, '0');
    return {
      key: `e${number}`,
      administration: choice.administration,
      journal: choice.journal,
      date: prng.pick(choice.dates),
      description: `Bench accrual ${number}`,
      voucherNo: `BENCH-${number}`,
      lines: accounts.map(({ account, allocations }, at) => ({
        account,
        debit: at < debits ? amount(debitCents[at] ?? 0) : '0',
        credit: at < debits ? '0' : amount(creditCents[at - debits] ?? 0),
        ...(at === 0 ? { description: `line of ${number}` } : {}),
        ...(allocations.length > 0 ? { allocations } : {}),
      })),
    };
  });
  return { batch, entries };
}

function pickDistinct<T>(prng: Prng, items: readonly T[], count: number): T[] {
  const picked = new Set<number>();
  while (picked.size < count) picked.add(prng.int(0, items.length - 1));
  return [...picked].map((index) => items[index] as T);
}
