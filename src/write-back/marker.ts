// The marker afas-sync appends to the description of every line it posts (issue 19 point 4).
//
// Why the description (`Ds` → `Description`, 255 characters): it is synced back to journal_lines,
// so the confirming sync and an operator can see which batch a line came from; AFAS can filter on
// it; and the batch format has no field the caller could have used for it. The caller's own
// description stays intact in front of the marker (the batch format allows 255 − MARKER_LENGTH
// characters); the voucher number (20 characters) is left entirely to the caller.
//
// The marker is a hash of batch id and entry key, lowercase hex behind a fixed prefix: AFAS
// compares case-insensitively and treats `%`, `_`, `[`, `,` and `;` specially in filters, and a
// hash has none of them, so keys differing only in case still get markers of their own. The
// same batch and key always give the same marker: a batch posted again after its records were
// lost still finds its entries in AFAS instead of posting them twice.
import { createHash } from 'node:crypto';

export const MARKER_PREFIX = 'afas-sync:';
const HASH_CHARS = 16;
/** What a line's description grows by: a space and the marker. */
export const MARKER_LENGTH = 1 + MARKER_PREFIX.length + HASH_CHARS;
/** AFAS's field length of `Ds`. */
export const DESCRIPTION_LENGTH = 255;
/** The longest description the caller may give. */
export const CALLER_DESCRIPTION_LENGTH = DESCRIPTION_LENGTH - MARKER_LENGTH;

function marker(...parts: string[]): string {
  const hash = createHash('sha256').update(parts.join('\n')).digest('hex');
  return `${MARKER_PREFIX}${hash.slice(0, HASH_CHARS)}`;
}

/** The marker of an entry of a batch. */
export const entryMarker = (batch: string, key: string) => marker(batch, key);

/** The marker of the entry that reverses it (posted when AFAS refuses to delete the original). */
export const reversalMarker = (batch: string, key: string) => marker(batch, key, 'reversal');

/** A line's description as posted: the caller's text (if any), then the marker. */
export function markedDescription(description: string | undefined, entryMarkerText: string): string {
  return description === undefined || description === ''
    ? entryMarkerText
    : `${description} ${entryMarkerText}`;
}
