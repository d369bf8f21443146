// Where a reversing entry is booked: in the original's own period while that is open, else in the
// first open period after it. Read live from the source's periods GetConnector, not from the
// synced copy: the period may have been blocked since the last sync (that is often why AFAS
// refused the delete).
import { connectorIdFor, periodsDataset } from '../../catalog/datasets.js';
import { where } from '../../afas/filters.js';
import type { SourceRecord } from '../../db/sources.js';
import { WRITE_BACK_REFERENCE } from '../../db/write-back-reference.js';
import type { AfasSession } from '../afas-session.js';

export interface OpenPeriod {
  year: number;
  period: number;
  /** YYYY-MM-DD: the period's first day. */
  from: string;
}

const FIELDS = WRITE_BACK_REFERENCE.periods;

/** The administration's periods from (year, period) on, in order, with their blocked state. */
async function periodsFrom(
  session: AfasSession,
  source: SourceRecord,
  administration: number,
  year: number,
): Promise<(OpenPeriod & { blocked: boolean })[]> {
  const definition = periodsDataset();
  const periods: (OpenPeriod & { blocked: boolean })[] = [];
  for await (const page of session.pages(connectorIdFor(definition, source), {
    orderBy: [FIELDS.yearField, FIELDS.periodField],
    filter: where.and(
      where.eq(definition.administrationField, administration),
      where.gte(FIELDS.yearField, year),
    ),
    columns: 10,
  })) {
    for (const row of page.parse()) {
      const from = row[FIELDS.fromField];
      periods.push({
        year: Number(row[FIELDS.yearField]),
        period: Number(row[FIELDS.periodField]),
        // AFAS dates are `YYYY-MM-DDT00:00:00Z` Amsterdam wall time: the day is the first ten characters.
        from: typeof from === 'string' ? from.slice(0, 10) : '',
        blocked: row[FIELDS.blockedField] === true,
      });
    }
  }
  return periods;
}

/**
 * The entry's own period when it is open (null `from`: book on the original's date), else the
 * first open period after it; null when AFAS has none.
 */
export async function reversalPeriod(
  session: AfasSession,
  source: SourceRecord,
  entry: { administration: number; year: number; period: number },
): Promise<{ year: number; period: number; from: string | null } | null> {
  const periods = await periodsFrom(session, source, entry.administration, entry.year);
  const later = (row: OpenPeriod) =>
    row.year > entry.year || (row.year === entry.year && row.period >= entry.period);
  const open = periods.find((row) => later(row) && !row.blocked && row.from !== '');
  if (open === undefined) return null;
  const own = open.year === entry.year && open.period === entry.period;
  return { year: open.year, period: open.period, from: own ? null : open.from };
}
