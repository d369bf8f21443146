import type { FieldSpec } from '../connectors/types.js';
import { profitErrors } from '../messages.js';

/** 1 =, 2 >=, 3 <=, 4 >, 5 <, 6 contains, 7 !=, 8 empty, 9 not empty, 10 starts with,
 * 11 not contains, 12 not starts with, 13 ends with, 14 not ends with, 15 quick filter. */
export type OperatorType = 1 | 2 | 3 | 4 | 5 | 6 | 7 | 8 | 9 | 10 | 11 | 12 | 13 | 14 | 15;

export interface Condition {
  readonly fieldId: string;
  readonly operator: OperatorType;
  readonly value: string;
}

/** Conditions within a group are AND-ed; groups are OR-ed. */
export type FilterGroups = readonly (readonly Condition[])[];

function operatorOf(text: string): OperatorType {
  const trimmed = text.trim();
  if (!/^\d{1,2}$/.test(trimmed)) throw profitErrors.unexpected();
  const value = Number(trimmed);
  if (value < 1 || value > 15) throw profitErrors.unexpected();
  return value as OperatorType;
}

function checkField(fieldId: string, fields: ReadonlyMap<string, FieldSpec>): void {
  if (!fields.has(fieldId)) throw profitErrors.fieldNotFound(fieldId);
}

function split(text: string): string[][] {
  return text.split(';').map((group) => group.split(','));
}

/**
 * The list form: `filterfieldids`, `filtervalues`, `operatortypes` — `,` separates conditions of a
 * group (AND), `;` separates groups (OR); all three lists must line up. Parameters arrive
 * URL-decoded, so raw and encoded separators are equivalent.
 */
export function parseListFilter(
  params: ReadonlyMap<string, string>,
  fields: ReadonlyMap<string, FieldSpec>,
): FilterGroups | undefined {
  const ids = params.get('filterfieldids');
  const values = params.get('filtervalues');
  const operators = params.get('operatortypes');
  if (ids === undefined && values === undefined && operators === undefined) return undefined;
  if ((ids ?? '') === '' && (values ?? '') === '' && (operators ?? '') === '') return undefined;
  if (ids === undefined || values === undefined || operators === undefined) throw profitErrors.unexpected();
  const idGroups = split(ids);
  const valueGroups = split(values);
  const operatorGroups = split(operators);
  if (idGroups.length !== valueGroups.length || idGroups.length !== operatorGroups.length) {
    throw profitErrors.unexpected();
  }
  return idGroups.map((group, g) => {
    const groupValues = valueGroups[g] ?? [];
    const groupOperators = operatorGroups[g] ?? [];
    if (group.length !== groupValues.length || group.length !== groupOperators.length) {
      throw profitErrors.unexpected();
    }
    return group.map((fieldId, i): Condition => {
      checkField(fieldId, fields);
      return { fieldId, operator: operatorOf(groupOperators[i] ?? ''), value: groupValues[i] ?? '' };
    });
  });
}

function asArray(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [value];
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function scalarText(value: unknown): string | undefined {
  if (value === undefined || value === null) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return undefined;
}

/**
 * The JSON form (reference §4.3):
 * `{"Filters":{"Filter":[{"@FilterId":"…","Field":[{"@FieldId":"…","@OperatorType":"1","#text":"…"}]}]}}`.
 * Fields inside one Filter are AND-ed, Filter entries OR-ed. `Filter` and `Field` may be an object
 * or an array. Anything that is not such a document (including a double-encoded one) is an
 * "invalid json filter".
 */
export function parseFilterJson(text: string, fields: ReadonlyMap<string, FieldSpec>): FilterGroups {
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch {
    throw profitErrors.invalidJsonFilter();
  }
  if (!isRecord(document) || !isRecord(document['Filters'])) throw profitErrors.invalidJsonFilter();
  const filters = document['Filters']['Filter'];
  if (filters === undefined) throw profitErrors.invalidJsonFilter();
  return asArray(filters).map((filter) => {
    if (!isRecord(filter) || filter['Field'] === undefined) throw profitErrors.invalidJsonFilter();
    return asArray(filter['Field']).map((field): Condition => {
      if (!isRecord(field)) throw profitErrors.invalidJsonFilter();
      const fieldId = field['@FieldId'];
      const operator = scalarText(field['@OperatorType']);
      const value = scalarText(field['#text']);
      if (typeof fieldId !== 'string' || operator === undefined || operator === '' || value === undefined) {
        throw profitErrors.invalidJsonFilter();
      }
      checkField(fieldId, fields);
      return { fieldId, operator: operatorOf(operator), value };
    });
  });
}
