// A watermark never moves past AFAS's own clock. One `Modified` stamped in the future (a booking
// day at 2099-01-01, a debtor edited on a workstation with a wrong clock) would otherwise become
// the watermark, and every later read (`Modified >= watermark - overlap`) would skip every real
// change: the sync keeps succeeding while PostgreSQL silently stops following AFAS. Pure: no
// I/O, the clocks come in as arguments.
import { formatAfasFilterDateTime, parseAfasDateTime } from '../../afas/amsterdam-time.js';
import type { AfasPage } from '../../afas/index.js';
import { keyValueText, latestWallTime, type PageRows } from '../../codec/index.js';

/**
 * How far past AFAS's clock a watermark may stand: the difference between the clock that stamps
 * the `Date` header (the web server) and the one that stamps `Modified` (the database server),
 * plus the header's whole-second resolution. A stamp within it is taken as it is; one beyond it
 * is a future stamp. Never more than the sync's overlap (see watermarkCapMs): the next read
 * starts at the watermark minus the overlap, so a change made right after a read is still read.
 */
export const WATERMARK_CLOCK_SKEW_MINUTES = 5;

/** Future-stamped rows named per scope and run (the rest are counted): a warning, not a dump. */
export const MAX_LISTED_FUTURE_STAMPS = 20;

/** A row whose `Modified` lies beyond the cap: its key (`Field=value, …`) and the stamp. */
export interface FutureStamp {
  key: string;
  modified: string;
}

/**
 * The latest instant (ms) a watermark may stand at: AFAS's clock (the `Date` of its latest
 * answer), or the worker's when AFAS sent none we could read, plus the skew, capped at the
 * overlap.
 */
export function watermarkCapMs(
  afasClockMs: number | null,
  workerNowMs: number,
  overlapMinutes: number,
): number {
  const skewMinutes = Math.max(0, Math.min(WATERMARK_CLOCK_SKEW_MINUTES, overlapMinutes));
  return (afasClockMs ?? workerNowMs) + skewMinutes * 60_000;
}

/**
 * Whether an AFAS wall time (Europe/Amsterdam, `YYYY-MM-DDTHH:MM:SS`, an optional `Z` that is no
 * UTC marker) lies beyond the cap. The repeated autumn hour is read as its earlier instant, so a
 * stamp from the past is never taken for a future one. Text that is no wall time at all is
 * beyond: it must never become a watermark.
 */
export function isBeyondCap(wall: string, capMs: number): boolean {
  const instant = parseAfasDateTime(wall.slice(0, 19));
  return instant === null || instant.getTime() > capMs;
}

/** The cap as an AFAS wall time, the form a watermark is stored and filtered in. */
export function capWall(capMs: number): string {
  return formatAfasFilterDateTime(new Date(capMs));
}

export interface WatermarkDecision {
  /** The watermark to store; null: the next run reads everything again. */
  watermark: string | null;
  /** The newest `Modified` read lay beyond the cap, so the watermark stops at the cap. */
  capped: boolean;
  /**
   * The read started from a watermark beyond the cap (stored before this guard existed, or AFAS's
   * clock stepped back): what changed since the cap may never have been read.
   */
  reset: boolean;
  /** The cap, as an AFAS wall time. */
  cap: string;
}

/**
 * The watermark after a read that started at `previous` (null: a full read) and saw `newest` as
 * its largest `Modified`: the larger of the two, but never beyond the cap. A `previous` beyond
 * the cap means the read itself was frozen: the watermark goes back to null, a full read.
 */
export function nextWatermark(
  previous: string | null,
  newest: string | null,
  capMs: number,
): WatermarkDecision {
  const cap = capWall(capMs);
  if (previous !== null && isBeyondCap(previous, capMs)) {
    return { watermark: null, capped: false, reset: true, cap };
  }
  const capped = newest !== null && isBeyondCap(newest, capMs);
  const candidate = capped ? cap : newest;
  const watermark =
    previous === null ? candidate : candidate === null || candidate < previous ? previous : candidate;
  return { watermark, capped, reset: false, cap };
}

/** `Field=value, …` of a row's key fields (values as errors show them): what names the row in a warning. */
function keyText(row: Readonly<Record<string, unknown>>, keyFields: readonly string[]): string {
  return keyFields.map((field) => `${field}=${keyValueText(row[field])}`).join(', ');
}

/**
 * Rows read with a `Modified` beyond AFAS's clock as it stood when it served them: named up to
 * the listing limit, all counted.
 */
export class FutureStamps {
  readonly listed: FutureStamp[] = [];
  count = 0;

  add(stamp: FutureStamp): void {
    this.count += 1;
    if (this.listed.length < MAX_LISTED_FUTURE_STAMPS) this.listed.push(stamp);
  }

  /**
   * The rows of one page whose `field` lies beyond `capMs` (the cap of that page's own answer: a
   * row cannot have changed after AFAS served it). The page's newest stamp is checked first, so
   * a page without future stamps (nearly every page) is never parsed for this.
   */
  addFromPage(
    rows: () => readonly Readonly<Record<string, unknown>>[],
    newestOfPage: string | null,
    field: string,
    keyFields: readonly string[],
    capMs: number,
  ): void {
    if (newestOfPage === null || !isBeyondCap(newestOfPage, capMs)) return;
    for (const row of rows()) {
      const value = row[field];
      if (typeof value === 'string' && value.length >= 19 && isBeyondCap(value, capMs))
        this.add({ key: keyText(row, keyFields), modified: value.slice(0, 19) });
    }
  }
}

/** What one read of a `Modified`-stamped connector saw, page by page, for the watermark decision. */
export class ModifiedWatch {
  /** The `Date` of AFAS's latest answer (ms), null while none carried a readable one. */
  afasClockMs: number | null = null;
  /** The largest `Modified` read (AFAS wall time). */
  newest: string | null = null;
  readonly future = new FutureStamps();

  constructor(
    private readonly field: string,
    private readonly keyFields: readonly string[],
    private readonly overlapMinutes: number,
    private readonly workerNowMs: () => number = Date.now,
  ) {}

  page(page: PageRows & Pick<AfasPage, 'responseDateMs'>): void {
    const clock = page.responseDateMs;
    if (clock !== null && (this.afasClockMs === null || clock > this.afasClockMs)) this.afasClockMs = clock;
    const newestOfPage = latestWallTime(page, this.field, null);
    if (newestOfPage !== null && (this.newest === null || newestOfPage > this.newest))
      this.newest = newestOfPage;
    const pageCap = watermarkCapMs(clock, this.workerNowMs(), this.overlapMinutes);
    this.future.addFromPage(() => page.parse(), newestOfPage, this.field, this.keyFields, pageCap);
  }

  /** The cap for the read as a whole: AFAS's latest clock (or the worker's now) plus the skew. */
  capMs(): number {
    return watermarkCapMs(this.afasClockMs, this.workerNowMs(), this.overlapMinutes);
  }
}
