import { describe, expect, it } from 'vitest';

import { formatScaled, parseScaled, scaledFromInput } from '../../src/simulator/decimal.js';

describe('exact decimals', () => {
  it('formats scaled integers without float artefacts or trailing zeros', () => {
    expect(formatScaled(180_622, 2)).toBe('1806.22');
    expect(formatScaled(150, 2)).toBe('1.5');
    expect(formatScaled(100, 2)).toBe('1');
    expect(formatScaled(5, 2)).toBe('0.05');
    expect(formatScaled(-50, 2)).toBe('-0.5');
    expect(formatScaled(0, 2)).toBe('0');
    expect(formatScaled(123_456_789_012_345, 2)).toBe('1234567890123.45');
    expect(formatScaled(42, 0)).toBe('42');
  });

  it('parses decimal text exactly', () => {
    expect(parseScaled('1806.22', 2)).toBe(180_622);
    expect(parseScaled('-.5', 2)).toBe(-50);
    expect(parseScaled('0.1', 2)).toBe(10);
    expect(parseScaled('1.005', 2)).toBe(100.5);
    expect(parseScaled('12', 2)).toBe(1_200);
    expect(parseScaled('1e3', 2)).toBeUndefined();
    expect(parseScaled('12,5', 2)).toBeUndefined();
    expect(parseScaled('', 2)).toBeUndefined();
  });

  it('turns UpdateConnector values into cents, rounding half away from zero', () => {
    expect(scaledFromInput(1806.22, 2)).toBe(180_622);
    expect(scaledFromInput(0.1 + 0.2, 2)).toBe(30);
    expect(scaledFromInput('10.005', 2)).toBe(1_001);
    expect(scaledFromInput('-10.005', 2)).toBe(-1_001);
    expect(scaledFromInput(true, 2)).toBeUndefined();
  });
});
