import { describe, expect, it } from 'vitest';
import { AfasDataError } from '../../src/afas/errors.js';
import { parseAfasJson } from '../../src/afas/json.js';
import type { AfasDataType } from '../../src/afas/values.js';
import { convertValue, createRowConverter, formatRowKey } from '../../tools/soak/typed-values.js';

const f = <T extends AfasDataType>(dataType: T) => ({ id: 'F', dataType });
const ctx = { connector: 'Profit_Transactions', rowKey: 'UnitId=1, EntryNo=5' };

function dataError(run: () => unknown): AfasDataError {
  try {
    run();
  } catch (err) {
    if (err instanceof AfasDataError) return err;
    throw err;
  }
  throw new Error('expected an AfasDataError');
}

describe('convertValue', () => {
  it('keeps null and treats a missing value as null', () => {
    for (const type of ['string', 'int', 'decimal', 'date', 'boolean', 'blob'] as const) {
      expect(convertValue(f(type), null)).toBeNull();
      expect(convertValue(f(type), undefined)).toBeNull();
    }
  });

  it('decimal → exact decimal string', () => {
    expect(convertValue(f('decimal'), 1806.22)).toBe('1806.22');
    expect(convertValue(f('decimal'), -0.5)).toBe('-0.5');
    expect(convertValue(f('decimal'), 0)).toBe('0');
    expect(convertValue(f('decimal'), 100)).toBe('100');
    expect(convertValue(f('decimal'), '12345678901234567.89')).toBe('12345678901234567.89');
    expect(convertValue(f('decimal'), '-.5')).toBe('-0.5');
    // Every cent from 0.00 to 99.99 survives JSON → decimal string.
    for (let cents = 0; cents < 10_000; cents++) {
      const literal = `${Math.floor(cents / 100)}.${String(cents % 100).padStart(2, '0')}`;
      const value = (parseAfasJson(`[${literal}]`) as number[])[0];
      expect(convertValue(f('decimal'), value)).toBe(literal.replace(/\.?0+$/, ''));
    }
  });

  it('int → number, or an exact string beyond 2^53', () => {
    expect(convertValue(f('int'), 42)).toBe(42);
    expect(convertValue(f('int'), -0)).toBe(0);
    expect(convertValue(f('int'), '9007199254740993')).toBe('9007199254740993');
    expect(convertValue(f('int'), '0042')).toBe(42);
    // A double beyond 2^53 is written with its shortest round-trip digits (what the JSON literal said) …
    expect(convertValue(f('int'), 2 ** 60)).toBe('1152921504606847000');
    // … and a literal that would not round-trip arrives as its exact string from the lossless parser.
    const [big] = parseAfasJson('[1152921504606846976]') as [string];
    expect(convertValue(f('int'), big)).toBe('1152921504606846976');
  });

  it('date → the real instant; boolean, string, blob', () => {
    expect(convertValue(f('date'), '2024-07-01T12:00:00Z')?.toISOString()).toBe('2024-07-01T10:00:00.000Z');
    expect(convertValue(f('boolean'), false)).toBe(false);
    expect(convertValue(f('string'), '000001005')).toBe('000001005');
    expect(convertValue(f('string'), 12)).toBe('12');
    expect(convertValue(f('blob'), 'aGVsbG8=')).toBe('aGVsbG8=');
  });

  it('throws AfasDataError naming connector, field and row key on a wrong type', () => {
    const cases: [AfasDataType, unknown][] = [
      ['int', 'abc'],
      ['int', 1.5],
      ['decimal', 'abc'],
      ['decimal', true],
      ['date', '2024-02-30T00:00:00Z'],
      ['date', 20240101],
      ['boolean', 'true'],
      ['boolean', 1],
      ['string', { nested: 1 }],
    ];
    for (const [type, raw] of cases) {
      const err = dataError(() => convertValue({ id: 'AmtDebit', dataType: type }, raw, ctx));
      expect(err.message).toContain('Profit_Transactions');
      expect(err.message).toContain('AmtDebit');
      expect(err.message).toContain('UnitId=1, EntryNo=5');
      expect(err.connector).toBe('Profit_Transactions');
      expect(err.field).toBe('AmtDebit');
      expect(err.rowKey).toBe('UnitId=1, EntryNo=5');
    }
    expect(dataError(() => convertValue(f('int'), 'abc', ctx)).message).toContain('"abc"');
    expect(dataError(() => convertValue(f('date'), '2024-02-30T00:00:00Z', ctx)).message).toContain(
      '2024-02-30',
    );
  });
});

describe('createRowConverter', () => {
  const convert = createRowConverter({
    connector: 'Profit_Transactions',
    keyFields: ['UnitId', 'EntryNo'],
    fields: [
      { id: 'UnitId', dataType: 'int' },
      { id: 'EntryNo', dataType: 'int' },
      { id: 'AmtDebit', dataType: 'decimal' },
      { id: 'EntryDate', dataType: 'date' },
      { id: 'Description', dataType: 'string' },
    ],
  });

  it('types every metainfo field, fills missing with null and drops unknown fields', () => {
    const row = convert({
      UnitId: 1,
      EntryNo: 7,
      AmtDebit: 10.1,
      EntryDate: '2024-01-02T00:00:00Z',
      Extra: 'x',
    });
    expect(row).toEqual({
      UnitId: 1,
      EntryNo: 7,
      AmtDebit: '10.1',
      EntryDate: new Date('2024-01-01T23:00:00.000Z'),
      Description: null,
    });
  });

  it('names the row key in errors, and requires key fields', () => {
    const err = dataError(() => convert({ UnitId: 1, EntryNo: 7, AmtDebit: 'x' }));
    expect(err.message).toContain('UnitId=1, EntryNo=7');
    expect(err.field).toBe('AmtDebit');
    const missing = dataError(() => convert({ UnitId: 1, EntryNo: null }));
    expect(missing.field).toBe('EntryNo');
    expect(missing.message).toContain('key field EntryNo');
  });

  it('formatRowKey', () => {
    expect(formatRowKey({ A: 'x', B: 2 }, ['A', 'B'])).toBe('A="x", B=2');
    expect(formatRowKey({}, [])).toBe('(no key fields)');
  });
});
