/**
 * Europe/Amsterdam wall-clock time.
 *
 * AFAS writes timestamps as `YYYY-MM-DDTHH:MM:SSZ`, but the `Z` is fake: the value is the wall-clock
 * time in Amsterdam (CET/CEST). The simulator therefore stores every date as "wall seconds": the
 * number of seconds since 1970-01-01T00:00:00 *of the Amsterdam wall clock*, computed as if that wall
 * time were UTC. Comparing, sorting and formatting wall seconds needs no time zone at all; only
 * turning a real instant (the current time) into wall time, or back, does.
 */

const SECONDS_PER_DAY = 86_400;

const amsterdamParts = new Intl.DateTimeFormat('en-US', {
  timeZone: 'Europe/Amsterdam',
  hourCycle: 'h23',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
});

function partNumber(parts: Intl.DateTimeFormatPart[], type: Intl.DateTimeFormatPartTypes): number {
  const part = parts.find((p) => p.type === type);
  if (part === undefined) throw new Error(`Intl.DateTimeFormat returned no '${type}' part`);
  return Number(part.value);
}

/** The Amsterdam wall-clock time of a real instant, in whole wall seconds (fractions are dropped). */
export function instantToWallSeconds(instantMs: number): number {
  const whole = Math.floor(instantMs / 1000) * 1000;
  const parts = amsterdamParts.formatToParts(new Date(whole));
  const utc = Date.UTC(
    partNumber(parts, 'year'),
    partNumber(parts, 'month') - 1,
    partNumber(parts, 'day'),
    partNumber(parts, 'hour'),
    partNumber(parts, 'minute'),
    partNumber(parts, 'second'),
  );
  return utc / 1000;
}

/** Offset of Amsterdam from UTC (in seconds) at a real instant: +3600 in winter, +7200 in summer. */
export function amsterdamOffsetSeconds(instantMs: number): number {
  return instantToWallSeconds(instantMs) - Math.floor(instantMs / 1000);
}

/**
 * The real instant (epoch ms) of an Amsterdam wall time. Amsterdam is always UTC+1 (CET) or UTC+2
 * (CEST). A wall time in the autumn overlap is ambiguous and maps to the earlier (CEST) instant; a
 * wall time inside the spring-forward gap does not exist and is read with the winter offset.
 */
export function wallSecondsToInstantMs(wallSeconds: number): number {
  const whole = Math.floor(wallSeconds);
  const fractionMs = (wallSeconds - whole) * 1000;
  const summer = (whole - 7200) * 1000;
  if (instantToWallSeconds(summer) === whole) return summer + fractionMs;
  return (whole - 3600) * 1000 + fractionMs;
}

const TWO_DIGITS = Array.from({ length: 60 }, (_, i) => String(i).padStart(2, '0'));
const dayPrefixes = new Map<number, string>();
const MAX_CACHED_DAYS = 200_000;

/** `YYYY-MM-DDTHH:MM:SSZ` — the AFAS wire format (with its fake `Z`); fractions are dropped. */
export function formatWallSeconds(wallSeconds: number): string {
  const whole = Math.floor(wallSeconds);
  const day = Math.floor(whole / SECONDS_PER_DAY);
  let prefix = dayPrefixes.get(day);
  if (prefix === undefined) {
    prefix = `${new Date(day * SECONDS_PER_DAY * 1000).toISOString().slice(0, 10)}T`;
    if (dayPrefixes.size >= MAX_CACHED_DAYS) dayPrefixes.clear();
    dayPrefixes.set(day, prefix);
  }
  const time = whole - day * SECONDS_PER_DAY;
  const hours = Math.floor(time / 3600);
  const minutes = Math.floor((time % 3600) / 60);
  return `${prefix}${TWO_DIGITS[hours]}:${TWO_DIGITS[minutes]}:${TWO_DIGITS[time % 60]}Z`;
}

/** `YYYY-MM-DD` of a wall time. */
export function formatWallDate(wallSeconds: number): string {
  return new Date(wallSeconds * 1000).toISOString().slice(0, 10);
}

/** `d-m-yyyy`, the way Profit writes dates inside its (Dutch and English) messages. */
export function formatWallDateDutch(wallSeconds: number): string {
  const date = new Date(wallSeconds * 1000);
  return `${date.getUTCDate()}-${date.getUTCMonth() + 1}-${date.getUTCFullYear()}`;
}

/** Midnight (wall) of the day that contains a wall time. */
export function startOfWallDay(wallSeconds: number): number {
  return Math.floor(wallSeconds / SECONDS_PER_DAY) * SECONDS_PER_DAY;
}

/** Wall seconds of a calendar date/time given as numbers (month 1-12). */
export function wallSecondsOf(
  year: number,
  month: number,
  day: number,
  hour = 0,
  minute = 0,
  second = 0,
): number {
  return Date.UTC(year, month - 1, day, hour, minute, second) / 1000;
}

/** Calendar parts of a wall time. */
export function wallParts(wallSeconds: number): { year: number; month: number; day: number } {
  const date = new Date(wallSeconds * 1000);
  return { year: date.getUTCFullYear(), month: date.getUTCMonth() + 1, day: date.getUTCDate() };
}

const WALL_TEXT = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,7}))?)?)?$/;

/**
 * Parses `YYYY-MM-DD`, `YYYY-MM-DDTHH:MM`, `YYYY-MM-DDTHH:MM:SS` or `YYYY-MM-DDTHH:MM:SS.fff…` as an
 * Amsterdam wall time. Returns wall seconds (possibly fractional) or undefined when the text is not
 * such a date or names an impossible calendar date. A trailing `Z` is *not* accepted here; callers
 * that accept AFAS output strip it themselves.
 */
export function parseWallDateTime(text: string): number | undefined {
  const match = WALL_TEXT.exec(text.trim());
  if (match === null) return undefined;
  const [, y, mo, d, h, mi, s, fraction] = match;
  const year = Number(y);
  const month = Number(mo);
  const day = Number(d);
  const hour = h === undefined ? 0 : Number(h);
  const minute = mi === undefined ? 0 : Number(mi);
  const second = s === undefined ? 0 : Number(s);
  if (month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59 || second > 59) return undefined;
  const wall = wallSecondsOf(year, month, day, hour, minute, second);
  const check = wallParts(wall);
  if (check.year !== year || check.month !== month || check.day !== day) return undefined;
  const fractional = fraction === undefined ? 0 : Number(`0.${fraction}`);
  return wall + fractional;
}

export const WALL_SECONDS_PER_DAY = SECONDS_PER_DAY;
