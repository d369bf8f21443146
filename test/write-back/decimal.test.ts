// Exact decimals for amounts: BigInt units, never floats.
import { describe, expect, it } from 'vitest';
import { formatDecimal, isZero, parseDecimal, subtract, sumDecimals } from '../../src/decimal/decimal.js';

describe('decimal', () => {
  it('parses plain decimal text exactly and refuses anything else', () => {
    expect(parseDecimal('1250.00')).toEqual({ units: 125000n, scale: 2 });
    expect(parseDecimal('-.5')).toEqual({ units: -5n, scale: 1 });
    for (const bad of ['', '.', '1e3', '1,5', 'ten', '--1'])
      expect(() => parseDecimal(bad)).toThrow(/not a decimal/);
  });

  it('sums and subtracts across scales without float artefacts', () => {
    const tenths = Array.from({ length: 3 }, () => parseDecimal('0.1'));
    expect(formatDecimal(sumDecimals(tenths))).toBe('0.3');
    expect(formatDecimal(sumDecimals([]))).toBe('0');
    expect(formatDecimal(subtract(parseDecimal('12'), parseDecimal('12.000')))).toBe('0');
    expect(formatDecimal(subtract(parseDecimal('0.1'), parseDecimal('0.35')), 2)).toBe('-0.25');
    expect(isZero(subtract(parseDecimal('1.10'), parseDecimal('1.1')))).toBe(true);
  });

  it('formats with at least the asked decimals', () => {
    expect(formatDecimal(parseDecimal('1250'), 2)).toBe('1250.00');
    expect(formatDecimal(parseDecimal('1250.50'))).toBe('1250.5');
    expect(formatDecimal(parseDecimal('0.005'), 2)).toBe('0.005');
  });
});
