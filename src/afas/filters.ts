// GetConnector filters: a typed builder for AFAS's 15 operators, normalised to OR-of-AND groups,
// and their two wire encodings (parallel lists, or `filterjson` when a separator would be ambiguous).

import { formatAfasFilterDateTime } from './amsterdam-time.js';
import { AfasUsageError } from './errors.js';
import { numberToPlainDecimal } from './json.js';

/** AFAS `operatortypes` codes. */
export const FilterOperator = {
  Equal: 1,
  GreaterOrEqual: 2,
  LessOrEqual: 3,
  Greater: 4,
  Less: 5,
  Contains: 6,
  NotEqual: 7,
  Empty: 8,
  NotEmpty: 9,
  StartsWith: 10,
  NotContains: 11,
  NotStartsWith: 12,
  EndsWith: 13,
  NotEndsWith: 14,
  QuickFilter: 15,
} as const;

export type FilterOperatorCode = (typeof FilterOperator)[keyof typeof FilterOperator];

/**
 * A filter value. Dates are sent as Amsterdam wall time `YYYY-MM-DDTHH:MM:SS` (no `Z`); numbers in
 * plain decimal notation; booleans as `true`/`false`; strings as given (a decimal can be passed as
 * its exact string).
 */
export type FilterValue = string | number | bigint | boolean | Date;

export interface FilterCondition {
  readonly field: string;
  readonly operator: FilterOperatorCode;
  /** Ignored (sent as an empty value) for Empty/NotEmpty. */
  readonly value: FilterValue | null;
}

/** OR of groups; the conditions inside one group are AND-ed. No groups matches nothing. */
export interface AfasFilter {
  readonly groups: readonly (readonly FilterCondition[])[];
}

export type FilterPart = FilterCondition | AfasFilter;

/** Guard against accidental combinatorial blow-up when AND-ing OR filters. */
export const MAX_FILTER_GROUPS = 10_000;

const VALID_OPERATORS = new Set<number>(Object.values(FilterOperator));

function isFilter(part: FilterPart): part is AfasFilter {
  return 'groups' in part;
}

function toFilter(part: FilterPart): AfasFilter {
  return isFilter(part) ? part : { groups: [[part]] };
}

function condition(field: string, operator: FilterOperatorCode, value: FilterValue | null): FilterCondition {
  if (typeof field !== 'string' || field.length === 0) {
    throw new AfasUsageError('filter field id must be a non-empty string');
  }
  if (!VALID_OPERATORS.has(operator)) {
    throw new AfasUsageError(
      `filter operator for field ${field} must be one of 1..15, got ${String(operator)}`,
    );
  }
  const needsValue = operator !== FilterOperator.Empty && operator !== FilterOperator.NotEmpty;
  if (needsValue && (value === null || value === undefined)) {
    throw new AfasUsageError(`filter on field ${field} (operator ${operator}) needs a value`);
  }
  return { field, operator, value: needsValue ? value : null };
}

/** AND: every part must hold. OR-filters are distributed, e.g. (a ∨ b) ∧ c = (a ∧ c) ∨ (b ∧ c). */
function and(...parts: FilterPart[]): AfasFilter {
  let groups: (readonly FilterCondition[])[] = [[]];
  for (const part of parts) {
    const other = toFilter(part).groups;
    if (groups.length * other.length > MAX_FILTER_GROUPS) {
      throw new AfasUsageError(
        `AND of these filters expands to more than ${MAX_FILTER_GROUPS} OR groups; restructure the filter`,
      );
    }
    const next: (readonly FilterCondition[])[] = [];
    for (const left of groups) for (const right of other) next.push([...left, ...right]);
    groups = next;
  }
  return { groups };
}

/** OR: at least one part must hold. */
function or(...parts: FilterPart[]): AfasFilter {
  const groups = parts.flatMap((part) => toFilter(part).groups);
  if (groups.length > MAX_FILTER_GROUPS) {
    throw new AfasUsageError(`filter has more than ${MAX_FILTER_GROUPS} OR groups`);
  }
  return { groups };
}

/**
 * The filter builder. `where.and(where.eq('UnitId', 1), where.gte('Modified', since))`,
 * `where.in('EntryDate', days)` (an OR of equals; long lists are split over several requests).
 */
export const where = {
  condition,
  eq: (field: string, value: FilterValue) => condition(field, FilterOperator.Equal, value),
  gte: (field: string, value: FilterValue) => condition(field, FilterOperator.GreaterOrEqual, value),
  lte: (field: string, value: FilterValue) => condition(field, FilterOperator.LessOrEqual, value),
  gt: (field: string, value: FilterValue) => condition(field, FilterOperator.Greater, value),
  lt: (field: string, value: FilterValue) => condition(field, FilterOperator.Less, value),
  contains: (field: string, value: FilterValue) => condition(field, FilterOperator.Contains, value),
  ne: (field: string, value: FilterValue) => condition(field, FilterOperator.NotEqual, value),
  isEmpty: (field: string) => condition(field, FilterOperator.Empty, null),
  isNotEmpty: (field: string) => condition(field, FilterOperator.NotEmpty, null),
  startsWith: (field: string, value: FilterValue) => condition(field, FilterOperator.StartsWith, value),
  notContains: (field: string, value: FilterValue) => condition(field, FilterOperator.NotContains, value),
  notStartsWith: (field: string, value: FilterValue) => condition(field, FilterOperator.NotStartsWith, value),
  endsWith: (field: string, value: FilterValue) => condition(field, FilterOperator.EndsWith, value),
  notEndsWith: (field: string, value: FilterValue) => condition(field, FilterOperator.NotEndsWith, value),
  quick: (field: string, text: string) => condition(field, FilterOperator.QuickFilter, text),
  /** field = v1 OR field = v2 …; an empty list matches nothing. */
  in: (field: string, values: readonly FilterValue[]): AfasFilter =>
    or(...values.map((value) => condition(field, FilterOperator.Equal, value))),
  and,
  or,
  /** Matches every row (same as passing no filter). */
  all: (): AfasFilter => ({ groups: [[]] }),
  /** Matches no row; the client sends no request for it. */
  none: (): AfasFilter => ({ groups: [] }),
} as const;

/** A filter normalised for sending: `'all'` (send no filter), `'none'` (send nothing), or groups. */
export type NormalizedFilter =
  | { readonly kind: 'all' }
  | { readonly kind: 'none' }
  | { readonly kind: 'groups'; readonly groups: readonly (readonly FilterCondition[])[] };

export function normalizeFilter(filter: AfasFilter | FilterCondition | undefined): NormalizedFilter {
  if (filter === undefined) return { kind: 'all' };
  const { groups } = toFilter(filter);
  if (groups.length === 0) return { kind: 'none' };
  if (groups.some((group) => group.length === 0)) return { kind: 'all' };
  return { kind: 'groups', groups };
}

/** A value as AFAS expects it in `filtervalues`, before wildcards and URL encoding. */
export function formatFilterValue(value: FilterValue, field: string): string {
  switch (typeof value) {
    case 'string':
      return value;
    case 'bigint':
      return value.toString();
    case 'boolean':
      return value ? 'true' : 'false';
    case 'number':
      if (!Number.isFinite(value))
        throw new AfasUsageError(`filter value for field ${field} is not a finite number`);
      return numberToPlainDecimal(value);
    default:
      if (value instanceof Date) {
        if (Number.isNaN(value.getTime()))
          throw new AfasUsageError(`filter value for field ${field} is an invalid Date`);
        return formatAfasFilterDateTime(value);
      }
      throw new AfasUsageError(`filter value for field ${field} has an unsupported type`);
  }
}

/** The value string sent for one condition: wildcards for the LIKE operators, empty for 8/9. */
export function conditionValue(c: FilterCondition): string {
  if (c.operator === FilterOperator.Empty || c.operator === FilterOperator.NotEmpty || c.value === null)
    return '';
  const v = formatFilterValue(c.value, c.field);
  switch (c.operator) {
    case FilterOperator.Contains:
    case FilterOperator.NotContains:
      return `%${v}%`;
    case FilterOperator.StartsWith:
    case FilterOperator.NotStartsWith:
      return `${v}%`;
    case FilterOperator.EndsWith:
    case FilterOperator.NotEndsWith:
      return `%${v}`;
    default:
      return v;
  }
}

const SEPARATOR = /[,;]/;

/** True when the parallel-list encoding would be ambiguous, so `filterjson` must be used. */
export function needsJsonEncoding(groups: readonly (readonly FilterCondition[])[]): boolean {
  return groups.some((group) =>
    group.some((c) => SEPARATOR.test(c.field) || SEPARATOR.test(conditionValue(c))),
  );
}

/** Query parameters (name, URL-encoded value) for a filter in the parallel-list form. */
export function encodeFilterLists(groups: readonly (readonly FilterCondition[])[]): [string, string][] {
  const fields: string[] = [];
  const values: string[] = [];
  const operators: string[] = [];
  for (const group of groups) {
    fields.push(group.map((c) => encodeURIComponent(c.field)).join(','));
    values.push(group.map((c) => encodeURIComponent(conditionValue(c))).join(','));
    operators.push(group.map((c) => String(c.operator)).join(','));
  }
  return [
    ['filterfieldids', fields.join(';')],
    ['filtervalues', values.join(';')],
    ['operatortypes', operators.join(';')],
  ];
}

/** The `filterjson` document (AFAS §4.3 shape): one `Filter` per OR group, `Field`s AND-ed. */
export function filterJsonDocument(groups: readonly (readonly FilterCondition[])[]): unknown {
  return {
    Filters: {
      Filter: groups.map((group, index) => ({
        '@FilterId': `Filter ${index + 1}`,
        Field: group.map((c) => ({
          '@FieldId': c.field,
          '@OperatorType': String(c.operator),
          '#text': conditionValue(c),
        })),
      })),
    },
  };
}

/** Query parameters for a filter in the `filterjson` form (URL-encoded exactly once). */
export function encodeFilterJson(groups: readonly (readonly FilterCondition[])[]): [string, string][] {
  return [['filterjson', encodeURIComponent(JSON.stringify(filterJsonDocument(groups)))]];
}

/** The filter's query parameters, choosing `filterjson` only when a `,` or `;` forces it. */
export function encodeFilter(
  groups: readonly (readonly FilterCondition[])[],
  json?: boolean,
): [string, string][] {
  return (json ?? needsJsonEncoding(groups)) ? encodeFilterJson(groups) : encodeFilterLists(groups);
}
