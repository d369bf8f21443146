// Finding an entry afas-sync posted by its marker, in AFAS itself (issue 19 point 4): after an
// ambiguous outcome (a reset or time-out after the POST was sent, a worker killed before the
// entry number was recorded) the entry may be in AFAS already, and posting it again would book it
// twice. The journal-lines GetConnector the source syncs shows every line with its Description,
// where the marker ends each line's text (marker.ts).
import { dataset } from '../catalog/datasets.js';
import { where, type AfasFilter } from '../afas/filters.js';

const JOURNAL_LINES = dataset('journal_lines');
/** `Ds` as the journal-lines connector shows it. */
export const DESCRIPTION_FIELD = 'Description';
export const ENTRY_FIELD = 'EntryNo';
const SEQUENCE_FIELD = 'SeqNo';

/**
 * The lines of an administration whose description holds the marker. "Contains" (AFAS's LIKE,
 * `%marker%`) rather than "equals": the caller's text stands in front of the marker. The marker
 * is a prefix and lowercase hex, free of the characters AFAS treats specially in a filter value
 * (`%`, `_`, `[`, `,`, `;`), so it matches exactly itself.
 */
export function markerFilter(administration: number, marker: string): AfasFilter {
  if (/[%_[,;]/.test(marker)) throw new Error(`a marker must not hold % _ [ , or ; (got "${marker}")`);
  const administrationField = JOURNAL_LINES.administrationField ?? 'UnitId';
  return where.and(where.eq(administrationField, administration), where.contains(DESCRIPTION_FIELD, marker));
}

/** Sorted so a page boundary never splits the reading order (AFAS pages are stable only when sorted). */
export const MARKER_ORDER: readonly string[] = [ENTRY_FIELD, SEQUENCE_FIELD];

/** The distinct entry numbers of the rows found, ascending. */
export function entryNumbersOf(rows: readonly Readonly<Record<string, unknown>>[]): number[] {
  const numbers = new Set<number>();
  for (const row of rows) {
    const value = row[ENTRY_FIELD];
    const entryNo = typeof value === 'string' ? Number(value) : value;
    if (typeof entryNo !== 'number' || !Number.isSafeInteger(entryNo))
      throw new Error(`the journal-lines connector gave a line without a whole ${ENTRY_FIELD}`);
    numbers.add(entryNo);
  }
  return [...numbers].sort((a, b) => a - b);
}

/**
 * More than one entry carries one marker: an entry was booked twice (by hand, or by another
 * system copying it). Which one is "ours" cannot be told, so nothing is recorded or posted
 * until an operator has looked.
 */
export class MarkerAmbiguousError extends Error {
  constructor(
    readonly marker: string,
    readonly entryNumbers: readonly number[],
  ) {
    super(
      `AFAS holds ${entryNumbers.length} entries marked ${marker} (entry numbers ${entryNumbers.join(', ')}): ` +
        'a key must be in AFAS at most once; delete the extra entries in AFAS, then retry',
    );
    this.name = 'MarkerAmbiguousError';
  }
}

/** The one entry number found, null when none; more than one is an error (never pick one). */
export function singleEntry(marker: string, entryNumbers: readonly number[]): number | null {
  if (entryNumbers.length > 1) throw new MarkerAmbiguousError(marker, entryNumbers);
  return entryNumbers[0] ?? null;
}
