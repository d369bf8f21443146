// Values read from a page without encoding it: what the sync needs besides the rows themselves.
import type { PageRows } from './encode-page.js';
import { forEachStringValue } from './scan.js';

/**
 * The latest AFAS wall-clock value of a field over a page's rows (`YYYY-MM-DDTHH:MM:SS`), or
 * `current` when none is later. String order is time order for these stamps.
 */
export function latestWallTime(page: PageRows, field: string, current: string | null): string | null {
  let latest = current;
  const visit = (value: string) => {
    if (value.length < 19) return;
    const wall = value.slice(0, 19);
    if (latest === null || wall > latest) latest = wall;
  };
  if (page.scanned !== null) {
    forEachStringValue(page.scanned, field, visit);
  } else {
    for (const row of page.parse()) {
      const value = row[field];
      if (typeof value === 'string') visit(value);
    }
  }
  return latest;
}
