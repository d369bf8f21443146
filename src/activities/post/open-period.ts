// Where a reversing entry is booked: in the original's own period while that is open, else in the
// first open period after it. Read live from the source's periods GetConnector, not from the
// synced copy: the period may have been blocked since the last sync (that is often why AFAS
// refused the delete).
import { connectorIdFor, periodsDataset } from '../../catalog/datasets.js';
import { where } from '../../afas/filters.js';
import type { SourceRecord } from '../../db/sources.js';
import { WRITE_BACK_REFERENCE, type PeriodRow } from '../../db/write-back-reference.js';
import type { AfasSession } from '../afas-session.js';

/** Where the reversing entry books: its year, period and date (YYYY-MM-DD). */
export interface ReversalTarget {
  year: number;
  period: number;
  date: string;
}

const FIELDS = WRITE_BACK_REFERENCE.periods;

/** The administration's periods from (year, period) on, in order, with their blocked state. */
async function periodsFrom(
  session: AfasSession,
  source: SourceRecord,
  administration: number,
  year: number,
): Promise<PeriodRow[]> {
  const definition = periodsDataset();
  const periods: PeriodRow[] = [];
  for await (const page of session.pages(connectorIdFor(definition, source), {
    orderBy: [FIELDS.yearField, FIELDS.periodField],
    filter: where.and(
      where.eq(definition.administrationField, administration),
      where.gte(FIELDS.yearField, year),
    ),
    columns: 10,
  })) {
    for (const row of page.parse()) {
      periods.push({
        year: Number(row[FIELDS.yearField]),
        period: Number(row[FIELDS.periodField]),
        from: day(row[FIELDS.fromField]),
        to: day(row[FIELDS.toField]),
        blocked: row[FIELDS.blockedField] === true,
      });
    }
  }
  return periods;
}

/** AFAS dates are `YYYY-MM-DDT00:00:00Z` Amsterdam wall time: the day is the first ten characters. */
const day = (value: unknown) => (typeof value === 'string' ? value.slice(0, 10) : '');

/**
 * The entry's own period when it is open, on the entry's date (or, when that date lies in a
 * blocked period — AFAS refuses a line dated there — on the period's first day); else the first
 * open period after it, on its first day. Null when AFAS has no open period from the entry's on.
 */
export async function reversalTarget(
  session: AfasSession,
  source: SourceRecord,
  entry: { administration: number; year: number; period: number; entryDate: string },
): Promise<ReversalTarget | null> {
  const periods = await periodsFrom(session, source, entry.administration, entry.year);
  const fromEntryOn = (row: PeriodRow) =>
    row.year > entry.year || (row.year === entry.year && row.period >= entry.period);
  const open = periods.find((row) => fromEntryOn(row) && !row.blocked && row.from !== '');
  if (open === undefined) return null;
  const own = open.year === entry.year && open.period === entry.period;
  const dateBlocked = periods.some(
    (row) => row.blocked && row.from <= entry.entryDate && entry.entryDate <= row.to,
  );
  const date = own && !dateBlocked ? entry.entryDate : open.from;
  return { year: open.year, period: open.period, date };
}
