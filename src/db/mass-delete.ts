// The mass-delete guard: a whole read of a scope that would mark most of it deleted is far more
// often AFAS (or a filter, or a connector change) returning too little than a real mass delete.
// It fails the dataset instead, and the transaction that would have marked the rows rolls back.

/** How much of a scope one whole read may mark deleted. */
export interface MassDeleteGuard {
  /** More than this share (1..100 %) of the scope's live rows is refused. */
  maxPercent: number;
  /** Scopes holding fewer live rows than this are not guarded (a handful of rows can all go). */
  minLiveRows: number;
}

/** Scopes below this many live rows may lose any share of them. */
export const MASS_DELETE_MIN_LIVE_ROWS = 100;

/** What a whole read of one scope found. */
export interface ScopeReadCounts {
  /** Rows AFAS returned. */
  returned: number;
  /** Live rows PostgreSQL held in the scope before the read. */
  live: number;
  /** Live rows the read would mark deleted. */
  missing: number;
}

/** A whole read refused by the guard; the operator accepts it once with `sync --allow-mass-delete`. */
export class MassDeleteError extends Error {
  constructor(
    readonly source: string,
    readonly scope: string,
    readonly counts: ScopeReadCounts,
    readonly maxPercent: number,
  ) {
    super(
      `refused to mark ${counts.missing} of ${counts.live} live rows of ${scope} deleted: ` +
        `AFAS returned ${counts.returned} rows, PostgreSQL holds ${counts.live} live ` +
        `(more than ${maxPercent}% would go; nothing was changed). If AFAS really dropped them, ` +
        `accept it once with \`afas-sync sync ${source} --allow-mass-delete\``,
    );
    this.name = 'MassDeleteError';
  }
}

/** Throws MassDeleteError when the read would mark more of the scope deleted than the guard allows. */
export function checkMassDelete(
  guard: MassDeleteGuard,
  where: { source: string; scope: string },
  counts: ScopeReadCounts,
): void {
  if (counts.live < guard.minLiveRows) return;
  // Integers on both sides: no rounding at the boundary (exactly half is allowed at 50 %).
  if (counts.missing * 100 > counts.live * guard.maxPercent)
    throw new MassDeleteError(where.source, where.scope, counts, guard.maxPercent);
}
