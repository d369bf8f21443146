import { parseWallDateTime } from '../amsterdam-time.js';
import type { FieldSpec } from '../connectors/types.js';
import { parseScaled } from '../decimal.js';
import { profitErrors } from '../messages.js';
import type { CellValue, Table } from '../store/table.js';
import { cellText } from './cell-format.js';
import type { Condition, FilterGroups } from './filters.js';
import { compileLike } from './like.js';

export type RowPredicate = (row: number) => boolean;
type ValuePredicate = (value: CellValue) => boolean;

function isEmpty(value: CellValue): boolean {
  return value === null || value === '';
}

/** The filter value converted to the field's canonical type; conversion failures are a 500. */
function typedOperand(field: FieldSpec, text: string): string | number {
  switch (field.dataType) {
    case 'string':
      return text.toLowerCase();
    case 'int':
    case 'decimal': {
      const value = parseScaled(text, field.decimals);
      if (value === undefined) throw profitErrors.unexpected();
      return value;
    }
    case 'date': {
      const value = parseWallDateTime(text);
      if (value === undefined) throw profitErrors.unexpected();
      return value;
    }
    case 'boolean': {
      const normalized = text.trim().toLowerCase();
      if (normalized === 'true' || normalized === '1') return 1;
      if (normalized === 'false' || normalized === '0') return 0;
      throw profitErrors.unexpected();
    }
  }
}

type Test<T> = (value: T) => boolean;

/** A comparison against a fixed operand, specialised per operator so the hot loop stays small. */
function operandTest<T extends string | number>(operator: number, operand: T): Test<T> {
  switch (operator) {
    case 1:
      return (value) => value === operand;
    case 2:
      return (value) => value >= operand;
    case 3:
      return (value) => value <= operand;
    case 4:
      return (value) => value > operand;
    case 5:
      return (value) => value < operand;
    default:
      return (value) => value !== operand;
  }
}

function comparison(field: FieldSpec, operator: number, text: string): ValuePredicate {
  const operand = typedOperand(field, text);
  if (typeof operand === 'string') {
    const test = operandTest(operator, operand);
    return (value) => value !== null && test(String(value).toLowerCase());
  }
  const test = operandTest(operator, operand);
  if (field.dataType === 'boolean') return (value) => value !== null && test(value === true ? 1 : 0);
  return (value) => value !== null && test(value as number);
}

function like(field: FieldSpec, pattern: string, negate: boolean): ValuePredicate {
  const matches = compileLike(pattern);
  return (value) => value !== null && matches(cellText(field, value)) !== negate;
}

/**
 * One condition as a predicate over a cell value. `%` is a LIKE wildcard in any value; operators
 * 6 and 10–14 also work without explicit wildcards. Comparisons use the field's data type
 * (numbers numerically, dates as Amsterdam wall time, strings case-insensitively). An empty cell
 * matches only "is empty".
 */
function valuePredicate(field: FieldSpec, condition: Condition): ValuePredicate {
  const { operator, value } = condition;
  switch (operator) {
    case 8:
      return isEmpty;
    case 9:
      return (cell) => !isEmpty(cell);
    case 15: {
      const needle = value.toLowerCase();
      return (cell) => cell !== null && cellText(field, cell).toLowerCase().includes(needle);
    }
    case 6:
      return like(field, `%${value}%`, false);
    case 11:
      return like(field, `%${value}%`, true);
    case 10:
      return like(field, `${value}%`, false);
    case 12:
      return like(field, `${value}%`, true);
    case 13:
      return like(field, `%${value}`, false);
    case 14:
      return like(field, `%${value}`, true);
    case 1:
    case 7:
      if (value.includes('%')) return like(field, value, operator === 7);
      return comparison(field, operator, value);
    default:
      return comparison(field, operator, value);
  }
}

/** Evaluates a value predicate once per dictionary code instead of once per row. */
function rowPredicate(table: Table, field: FieldSpec, predicate: ValuePredicate): RowPredicate {
  const dictionary = table.dictionary?.(field.id);
  if (dictionary === undefined) {
    const read = table.reader(field.id);
    return (row) => predicate(read(row));
  }
  const memo = new Int8Array(dictionary.size());
  return (row) => {
    const code = dictionary.codeOf(row);
    if (code >= memo.length) return predicate(dictionary.valueAt(code));
    let known = memo[code]!;
    if (known === 0) {
      known = predicate(dictionary.valueAt(code)) ? 1 : 2;
      memo[code] = known;
    }
    return known === 1;
  };
}

function allOf(tests: readonly RowPredicate[]): RowPredicate {
  const [first, second] = tests;
  if (tests.length === 1 && first !== undefined) return first;
  if (tests.length === 2 && first !== undefined && second !== undefined)
    return (row) => first(row) && second(row);
  return (row) => {
    for (const test of tests) if (!test(row)) return false;
    return true;
  };
}

function anyOf(tests: readonly RowPredicate[]): RowPredicate {
  const [first] = tests;
  if (tests.length === 1 && first !== undefined) return first;
  return (row) => {
    for (const test of tests) if (test(row)) return true;
    return false;
  };
}

function conditionKey(condition: Condition): string {
  return `${condition.fieldId}\u0000${condition.operator}\u0000${condition.value}`;
}

/**
 * Splits OR groups into the conditions every group shares and what remains of each group:
 * (A∧B)∨(A∧C) = A∧(B∨C). Typical for our own sync's filters (administration = X AND day = D, one
 * group per day), where it turns a scan's cost from groups × rows into rows.
 */
function factorGroups(groups: FilterGroups): { common: Condition[]; rest: Condition[][] } {
  const [first, ...others] = groups;
  if (first === undefined || others.length === 0) return { common: [], rest: groups.map((g) => [...g]) };
  const shared = new Set(first.map(conditionKey));
  for (const group of others) {
    const keys = new Set(group.map(conditionKey));
    for (const key of shared) if (!keys.has(key)) shared.delete(key);
  }
  if (shared.size === 0) return { common: [], rest: groups.map((g) => [...g]) };
  const common = first.filter((condition) => shared.has(conditionKey(condition)));
  const rest = groups.map((group) => group.filter((condition) => !shared.has(conditionKey(condition))));
  return { common, rest };
}

/**
 * OR of plain equalities on one numeric or date field (`EntryDate = d1 OR EntryDate = d2 …`) as
 * one set lookup; undefined when the groups are not of that shape.
 */
function equalityLookup(
  groups: readonly Condition[][],
  table: Table,
  fields: ReadonlyMap<string, FieldSpec>,
): RowPredicate | undefined {
  if (groups.length < 2) return undefined;
  const fieldId = groups[0]?.[0]?.fieldId;
  const field = fieldId === undefined ? undefined : fields.get(fieldId);
  if (field === undefined || !['int', 'decimal', 'date'].includes(field.dataType)) return undefined;
  const operands = new Set<number>();
  for (const group of groups) {
    const [condition, extra] = group;
    if (condition === undefined || extra !== undefined) return undefined;
    if (condition.fieldId !== fieldId || condition.operator !== 1 || condition.value.includes('%'))
      return undefined;
    operands.add(typedOperand(field, condition.value) as number);
  }
  const read = table.reader(field.id);
  return (row) => {
    const value = read(row);
    return value !== null && operands.has(value as number);
  };
}

function conditionsPredicate(
  conditions: readonly Condition[],
  table: Table,
  fields: ReadonlyMap<string, FieldSpec>,
): RowPredicate {
  return allOf(
    conditions.map((condition) => {
      const field = fields.get(condition.fieldId);
      if (field === undefined) throw profitErrors.fieldNotFound(condition.fieldId);
      return rowPredicate(table, field, valuePredicate(field, condition));
    }),
  );
}

/** One filter set: any of its groups; conditions shared by all groups are tested once. */
function groupsPredicate(
  groups: FilterGroups,
  table: Table,
  fields: ReadonlyMap<string, FieldSpec>,
): RowPredicate {
  // Every field is checked, even in a group the optimisations below would skip: an unknown
  // field is AFAS's 500 whatever the row data.
  for (const group of groups)
    for (const condition of group)
      if (!fields.has(condition.fieldId)) throw profitErrors.fieldNotFound(condition.fieldId);
  const { common, rest } = factorGroups(groups);
  // A group left empty by factoring matches on the common conditions alone.
  const alternatives = rest.some((group) => group.length === 0)
    ? undefined
    : (equalityLookup(rest, table, fields) ??
      anyOf(rest.map((group) => conditionsPredicate(group, table, fields))));
  const tests = [
    ...(common.length > 0 ? [conditionsPredicate(common, table, fields)] : []),
    ...(alternatives ? [alternatives] : []),
  ];
  return tests.length === 0 ? () => true : allOf(tests);
}

/** All filter sets must match; within a set any group; within a group every condition. */
export function compileFilters(
  filterSets: readonly FilterGroups[],
  table: Table,
  fields: ReadonlyMap<string, FieldSpec>,
): RowPredicate {
  return allOf(filterSets.map((groups) => groupsPredicate(groups, table, fields)));
}

/**
 * Numeric equalities every matching row must satisfy: the conditions each filter set's groups all
 * share (or its only group's) of the form `field = value` on an int, decimal or date field. The
 * selection may start from the rows holding such a value instead of scanning every row.
 */
export function pinnedValues(
  filterSets: readonly FilterGroups[],
  fields: ReadonlyMap<string, FieldSpec>,
): { fieldId: string; value: number }[] {
  const pinned: { fieldId: string; value: number }[] = [];
  for (const groups of filterSets) {
    const required = groups.length === 1 ? (groups[0] ?? []) : factorGroups(groups).common;
    for (const condition of required) {
      const field = fields.get(condition.fieldId);
      if (field === undefined || !['int', 'decimal', 'date'].includes(field.dataType)) continue;
      if (condition.operator !== 1 || condition.value.includes('%')) continue;
      pinned.push({ fieldId: field.id, value: typedOperand(field, condition.value) as number });
    }
  }
  return pinned;
}
