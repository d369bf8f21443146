// Keeps every GetConnector query string within AFAS's 2,049-character limit: an OR filter (e.g. a
// long IN list) is split into parts, each sent as its own (paged) request; the caller merges rows.

import { AfasQueryTooLongError } from './errors.js';
import { needsJsonEncoding, type FilterCondition } from './filters.js';

export type FilterGroups = readonly (readonly FilterCondition[])[];

export interface FilterSplitPlan {
  /** Whether every part is sent as `filterjson` (decided once for the whole filter). */
  readonly json: boolean;
  /** One entry per request series; a single entry when the whole filter fits. */
  readonly parts: readonly FilterGroups[];
}

/** Length of the query string (from `?` inclusive) that would be sent for these groups. */
export type QueryMeasure = (groups: FilterGroups, json: boolean) => number;

/**
 * Packs the OR groups greedily, in order, into as few parts as fit `limit`. Throws
 * AfasQueryTooLongError when one AND group alone is too long (it cannot be split).
 */
export function planFilterSplit(groups: FilterGroups, measure: QueryMeasure, limit: number): FilterSplitPlan {
  const json = needsJsonEncoding(groups);
  const whole = measure(groups, json);
  if (whole <= limit) return { json, parts: [groups] };

  const parts: FilterGroups[] = [];
  let current: (readonly FilterCondition[])[] = [];
  for (const group of groups) {
    current.push(group);
    if (measure(current, json) <= limit) continue;
    current.pop();
    if (current.length > 0) parts.push(current);
    current = [group];
    const alone = measure(current, json);
    if (alone > limit) {
      const fields = [...new Set(group.map((c) => c.field))].join(', ');
      throw new AfasQueryTooLongError(
        `GetConnector query would be ${alone} characters (AFAS limit ${limit}) and cannot be split: ` +
          `a single AND group of the filter (fields ${fields}) is too long on its own`,
        alone,
        limit,
      );
    }
  }
  if (current.length > 0) parts.push(current);
  return { json, parts };
}
