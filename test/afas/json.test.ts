import { describe, expect, it } from 'vitest';
import {
  literalRoundTrips,
  numberToPlainDecimal,
  parseAfasJson,
  quoteUnsafeNumbers,
  toPlainDecimal,
} from '../../src/afas/json.js';

describe('parseAfasJson (lossless)', () => {
  it('equals JSON.parse for ordinary AFAS pages (fast path)', () => {
    const text = JSON.stringify({
      skip: 0,
      take: 2,
      rows: [
        {
          UnitId: 1,
          AmtDebit: 1806.22,
          AmtCredit: -0.5,
          Description: 'Huur 2024',
          EntryDate: '2024-01-01T00:00:00Z',
        },
        { UnitId: 2, AmtDebit: 0.1, AmtCredit: null, Description: 'x"y', EntryDate: null, Blocked: true },
      ],
    });
    expect(parseAfasJson(text)).toEqual(JSON.parse(text));
    expect(quoteUnsafeNumbers(text)).toBe(text);
  });

  it('keeps number literals that would lose precision as exact strings', () => {
    const parsed = parseAfasJson(
      '{"a":12345678901234567.89,"b":9007199254740993,"c":9007199254740992,"d":0.1,"e":-0.5,"f":1e400,"g":1e2,"h":[1.00000000000000011,2]}',
    );
    expect(parsed).toEqual({
      a: '12345678901234567.89',
      b: '9007199254740993',
      c: 9007199254740992,
      d: 0.1,
      e: -0.5,
      f: '1e400',
      g: 100,
      h: ['1.00000000000000011', 2],
    });
  });

  it('detects a lossy literal whose digit runs are split by the dot (8 + 8 digits)', () => {
    expect(parseAfasJson('{"rate":83275483.79448623,"ok":1806.22}')).toEqual({
      rate: '83275483.79448623',
      ok: 1806.22,
    });
    expect(parseAfasJson('[1e-400, 2.5e-3]')).toEqual(['1e-400', 0.0025]);
  });

  it('leaves digits inside strings alone, including escaped quotes and backslashes', () => {
    const text =
      '{"iban":"NL12345678901234567890","q":"he said \\"12345678901234567890\\"","bs":"a\\\\","n":12345678901234567890}';
    expect(parseAfasJson(text)).toEqual({
      iban: 'NL12345678901234567890',
      q: 'he said "12345678901234567890"',
      bs: 'a\\',
      n: '12345678901234567890',
    });
  });

  it('a value with 16+ digits that does round-trip stays a number (slow path)', () => {
    expect(parseAfasJson('{"x":1234567890123456,"s":"12345678901234567"}')).toEqual({
      x: 1234567890123456,
      s: '12345678901234567',
    });
    expect(parseAfasJson('[0.30000000000000004]')).toEqual([0.30000000000000004]);
  });

  it('throws SyntaxError on malformed JSON, on both paths', () => {
    expect(() => parseAfasJson('{"rows":[')).toThrow(SyntaxError);
    expect(() => parseAfasJson('{"rows":[12345678901234567890')).toThrow(SyntaxError);
    expect(() => parseAfasJson('{"a":01234567890123456789}')).toThrow(SyntaxError);
    expect(() => parseAfasJson('{"a":"unterminated 12345678901234567890}')).toThrow(SyntaxError);
  });
});

describe('decimal literal helpers', () => {
  it('literalRoundTrips', () => {
    expect(literalRoundTrips('1806.22')).toBe(true);
    expect(literalRoundTrips('123456789012345')).toBe(true);
    expect(literalRoundTrips('12345678901234567')).toBe(false);
    expect(literalRoundTrips('0.1000000000000000055511151231257827')).toBe(false);
    expect(literalRoundTrips('1e400')).toBe(false);
    expect(literalRoundTrips('1.5e3')).toBe(true);
    expect(literalRoundTrips('-0')).toBe(true);
  });

  it('toPlainDecimal normalises notation exactly', () => {
    expect(toPlainDecimal('1806.20')).toBe('1806.2');
    expect(toPlainDecimal('-.5')).toBe('-0.5');
    expect(toPlainDecimal('-0.50')).toBe('-0.5');
    expect(toPlainDecimal('+007')).toBe('7');
    expect(toPlainDecimal('1e3')).toBe('1000');
    expect(toPlainDecimal('1.25E-3')).toBe('0.00125');
    expect(toPlainDecimal('-0.000')).toBe('0');
    expect(toPlainDecimal('12345678901234567.89')).toBe('12345678901234567.89');
    expect(toPlainDecimal('1e999999')).toBeNull();
    expect(toPlainDecimal('abc')).toBeNull();
    expect(toPlainDecimal('1,5')).toBeNull();
    expect(toPlainDecimal('')).toBeNull();
  });

  it('numberToPlainDecimal uses the shortest round-trip digits, never exponent notation', () => {
    expect(numberToPlainDecimal(0.1)).toBe('0.1');
    expect(numberToPlainDecimal(1806.22)).toBe('1806.22');
    expect(numberToPlainDecimal(-0)).toBe('0');
    expect(numberToPlainDecimal(1e21)).toBe('1000000000000000000000');
    expect(numberToPlainDecimal(1e-7)).toBe('0.0000001');
    expect(() => numberToPlainDecimal(Number.NaN)).toThrow(RangeError);
  });
});
