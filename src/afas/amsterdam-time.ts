// Europe/Amsterdam wall-clock time <-> real instants, with Intl only (no tz library).
//
// AFAS serialises date-times as `YYYY-MM-DDTHH:MM:SSZ`, but the `Z` is not a UTC marker: the value is
// Amsterdam wall-clock time (CET/CEST). Filter values go the other way, as wall time without `Z`.
//
// DST rule (the "compatible" rule of RFC 5545 / Temporal / java.time):
// - ambiguous autumn hour (02:00–02:59 happens twice): the EARLIER instant, i.e. summer time (+02:00).
//   For incremental sync watermarks this errs on the side of re-reading (the overlap window).
// - non-existent spring hour (02:00–02:59 is skipped): interpreted with the offset in force before the
//   transition (+01:00), so 02:30 becomes 01:30Z, which Amsterdam displays as 03:30 CEST.

export const AMSTERDAM_TIME_ZONE = 'Europe/Amsterdam';

/** A calendar date and time of day without a time zone. */
export interface WallTime {
  readonly year: number;
  readonly month: number; // 1..12
  readonly day: number; // 1..31
  readonly hour: number; // 0..23
  readonly minute: number; // 0..59
  readonly second: number; // 0..59
  readonly millisecond: number; // 0..999
}

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
/** Wider than any UTC offset, so the probes land outside a transition day on both sides. */
const PROBE_MS = 14 * HOUR_MS;

const formatter = new Intl.DateTimeFormat('en-US', {
  timeZone: AMSTERDAM_TIME_ZONE,
  hourCycle: 'h23',
  era: 'short',
  year: 'numeric',
  month: 'numeric',
  day: 'numeric',
  hour: 'numeric',
  minute: 'numeric',
  second: 'numeric',
});

/** Offset of Amsterdam time from UTC (ms, local − UTC) at an instant, to the second. */
export function amsterdamOffsetMs(instantMs: number): number {
  const wholeSecond = Math.floor(instantMs / 1000) * 1000;
  const local = wallTimeFromParts(formatter.formatToParts(new Date(wholeSecond)));
  return wallTimeToUtcMs(local) - wholeSecond;
}

function wallTimeFromParts(parts: Intl.DateTimeFormatPart[]): WallTime {
  let year = 0;
  let month = 0;
  let day = 0;
  let hour = 0;
  let minute = 0;
  let second = 0;
  let bc = false;
  for (const part of parts) {
    switch (part.type) {
      case 'year':
        year = Number(part.value);
        break;
      case 'month':
        month = Number(part.value);
        break;
      case 'day':
        day = Number(part.value);
        break;
      case 'hour':
        hour = Number(part.value);
        break;
      case 'minute':
        minute = Number(part.value);
        break;
      case 'second':
        second = Number(part.value);
        break;
      case 'era':
        bc = part.value === 'BC' || part.value === 'B';
        break;
      default:
        break;
    }
  }
  return { year: bc ? 1 - year : year, month, day, hour, minute, second, millisecond: 0 };
}

/** The wall time read as if it were UTC (ms since the epoch). */
function wallTimeToUtcMs(w: WallTime): number {
  // Date.UTC maps years 0–99 to 1900–1999, so those take the slow road.
  if (w.year >= 100) return Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second, w.millisecond);
  const d = new Date(0);
  d.setUTCFullYear(w.year, w.month - 1, w.day);
  d.setUTCHours(w.hour, w.minute, w.second, w.millisecond);
  return d.getTime();
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function daysInMonth(year: number, month: number): number {
  return month === 2 && isLeapYear(year) ? 29 : (DAYS_IN_MONTH[month - 1] ?? 0);
}

function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

/** True when every component is in range and the day exists in that month (no 30 February). */
export function isValidWallTime(w: WallTime): boolean {
  return (
    Number.isInteger(w.year) &&
    w.year >= 1 &&
    w.year <= 9999 &&
    Number.isInteger(w.month) &&
    w.month >= 1 &&
    w.month <= 12 &&
    Number.isInteger(w.day) &&
    w.day >= 1 &&
    w.day <= daysInMonth(w.year, w.month) &&
    Number.isInteger(w.hour) &&
    w.hour >= 0 &&
    w.hour <= 23 &&
    Number.isInteger(w.minute) &&
    w.minute >= 0 &&
    w.minute <= 59 &&
    Number.isInteger(w.second) &&
    w.second >= 0 &&
    w.second <= 59 &&
    Number.isInteger(w.millisecond) &&
    w.millisecond >= 0 &&
    w.millisecond <= 999
  );
}

// Per calendar day: the offset when the whole day (and 14 h either side) has one offset, or `null` on
// a transition day. Amsterdam changes offset at most twice a year, so nearly every lookup is a cache hit.
const dayOffsetCache = new Map<number, number | null>();
const DAY_CACHE_LIMIT = 50_000;

function stableOffsetOfDay(dayStartUtcMs: number): number | null {
  const cached = dayOffsetCache.get(dayStartUtcMs);
  if (cached !== undefined) return cached;
  const before = amsterdamOffsetMs(dayStartUtcMs - PROBE_MS);
  const after = amsterdamOffsetMs(dayStartUtcMs + DAY_MS + PROBE_MS);
  const stable = before === after ? before : null;
  if (dayOffsetCache.size >= DAY_CACHE_LIMIT) dayOffsetCache.clear();
  dayOffsetCache.set(dayStartUtcMs, stable);
  return stable;
}

/**
 * Converts an Amsterdam wall time to the instant it denotes (see the DST rule at the top of this file).
 * Throws a RangeError for an impossible wall time (e.g. 30 February, hour 24).
 */
export function amsterdamWallTimeToInstant(w: WallTime): Date {
  if (!isValidWallTime(w)) throw new RangeError('not a valid calendar date and time');
  const asUtc = wallTimeToUtcMs(w);
  const dayStart = asUtc - (((asUtc % DAY_MS) + DAY_MS) % DAY_MS);
  const stable = stableOffsetOfDay(dayStart);
  if (stable !== null) return new Date(asUtc - stable);

  // Transition day: try the offsets in force before and after the transition.
  const offsetBefore = amsterdamOffsetMs(asUtc - PROBE_MS);
  const offsetAfter = amsterdamOffsetMs(asUtc + PROBE_MS);
  const viaBefore = asUtc - offsetBefore;
  const viaAfter = asUtc - offsetAfter;
  const beforeValid = amsterdamOffsetMs(viaBefore) === offsetBefore;
  const afterValid = amsterdamOffsetMs(viaAfter) === offsetAfter;
  if (beforeValid && afterValid) return new Date(Math.min(viaBefore, viaAfter)); // ambiguous: earlier
  if (beforeValid) return new Date(viaBefore);
  if (afterValid) return new Date(viaAfter);
  return new Date(viaBefore); // skipped (gap): the offset before the transition
}

/** The Amsterdam wall time at an instant. */
export function instantToAmsterdamWallTime(instant: Date): WallTime {
  const ms = instant.getTime();
  if (!Number.isFinite(ms)) throw new RangeError('invalid Date');
  const shifted = new Date(ms + amsterdamOffsetMs(ms));
  return {
    year: shifted.getUTCFullYear(),
    month: shifted.getUTCMonth() + 1,
    day: shifted.getUTCDate(),
    hour: shifted.getUTCHours(),
    minute: shifted.getUTCMinutes(),
    second: shifted.getUTCSeconds(),
    millisecond: shifted.getUTCMilliseconds(),
  };
}

function pad(value: number, width: number): string {
  return String(value).padStart(width, '0');
}

/** `YYYY-MM-DDTHH:MM:SS` (no zone, no fraction): the form AFAS expects in filter values. */
export function formatWallTime(w: WallTime): string {
  return (
    `${pad(w.year, 4)}-${pad(w.month, 2)}-${pad(w.day, 2)}` +
    `T${pad(w.hour, 2)}:${pad(w.minute, 2)}:${pad(w.second, 2)}`
  );
}

/**
 * An instant as an AFAS filter value: Amsterdam wall time `YYYY-MM-DDTHH:MM:SS`, without `Z`.
 * Milliseconds are truncated (AFAS compares at second granularity in practice; truncating keeps a
 * `>=` watermark on the inclusive side).
 */
export function formatAfasFilterDateTime(instant: Date): string {
  return formatWallTime(instantToAmsterdamWallTime(instant));
}

const AFAS_DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,7}))?)?Z?$/;

/**
 * Parses an AFAS date or date-time string (`YYYY-MM-DDTHH:MM:SSZ`, also without `Z`, with a fraction,
 * or date-only) into its wall time. Returns null when the text is not in that form or the date is impossible.
 */
export function parseAfasWallTime(text: string): WallTime | null {
  const m = AFAS_DATE_TIME.exec(text);
  if (m === null) return null;
  const fraction = m[7] ?? '';
  const w: WallTime = {
    year: Number(m[1]),
    month: Number(m[2]),
    day: Number(m[3]),
    hour: m[4] === undefined ? 0 : Number(m[4]),
    minute: m[5] === undefined ? 0 : Number(m[5]),
    second: m[6] === undefined ? 0 : Number(m[6]),
    millisecond: Number(`${fraction}000`.slice(0, 3)),
  };
  return isValidWallTime(w) ? w : null;
}

// Text → instant (ms), or NaN for text that is not a valid date-time. Pages repeat the same dates a
// lot (booking dates, date-only columns), so this saves most of the parsing.
const parsedCache = new Map<string, number>();
const PARSED_CACHE_LIMIT = 100_000;

/** Parses an AFAS date-time (Amsterdam wall time despite the `Z`) into a real instant, or null. */
export function parseAfasDateTime(text: string): Date | null {
  let ms = parsedCache.get(text);
  if (ms === undefined) {
    const w = parseAfasWallTime(text);
    ms = w === null ? Number.NaN : amsterdamWallTimeToInstant(w).getTime();
    if (parsedCache.size >= PARSED_CACHE_LIMIT) parsedCache.clear();
    parsedCache.set(text, ms);
  }
  return Number.isNaN(ms) ? null : new Date(ms);
}
