/**
 * Exact decimals as scaled integers: a value with `scale` decimals is stored as value × 10^scale
 * (amounts with 2 decimals as integer cents). Formatting builds the digits from the integer, so the
 * JSON never shows float artefacts such as `1806.2200000000003`.
 */

const POWERS_OF_TEN = [1, 10, 100, 1_000, 10_000, 100_000, 1_000_000, 10_000_000, 100_000_000];

export function powerOfTen(scale: number): number {
  const power = POWERS_OF_TEN[scale];
  if (power === undefined) throw new RangeError(`unsupported decimal scale ${scale}`);
  return power;
}

/** Formats a scaled integer as a JSON number literal without trailing zeros: 150 (scale 2) → `1.5`. */
export function formatScaled(scaled: number, scale: number): string {
  if (!Number.isSafeInteger(scaled))
    throw new RangeError(`decimal value ${scaled} is not a safe scaled integer`);
  if (scale === 0) return String(scaled);
  const negative = scaled < 0;
  const magnitude = Math.abs(scaled);
  const factor = powerOfTen(scale);
  const whole = Math.floor(magnitude / factor);
  const remainder = magnitude - whole * factor;
  const sign = negative ? '-' : '';
  if (remainder === 0) return `${sign}${whole}`;
  let digits = String(remainder);
  if (digits.length < scale) digits = '0'.repeat(scale - digits.length) + digits;
  let end = digits.length;
  while (digits.charCodeAt(end - 1) === 48) end--;
  return `${sign}${whole}.${digits.slice(0, end)}`;
}

const DECIMAL_TEXT = /^([+-]?)(\d*)(?:\.(\d*))?$/;

/**
 * Parses decimal text ("1806.22", "-0.5", "12", ".5") exactly into value × 10^scale. Digits beyond
 * `scale` produce a fractional result (useful for comparisons: "1.005" at scale 2 → 100.5).
 * Returns undefined for anything that is not a plain decimal number.
 */
export function parseScaled(text: string, scale: number): number | undefined {
  const match = DECIMAL_TEXT.exec(text.trim());
  if (match === null) return undefined;
  const [, sign = '', wholeDigits = '', rawFraction = ''] = match;
  if (wholeDigits === '' && rawFraction === '') return undefined;
  const fractionDigits = rawFraction.replace(/0+$/, '');
  const digits = `${wholeDigits}${fractionDigits}`.replace(/^0+(?=\d)/, '');
  if (digits.length > 15) return undefined;
  const raw = Number(digits);
  const shift = scale - fractionDigits.length;
  const value = shift >= 0 ? raw * powerOfTen(shift) : raw / powerOfTen(-shift);
  if (!Number.isFinite(value)) return undefined;
  return sign === '-' && value !== 0 ? -value : value;
}

/** Like {@link parseScaled} but rounds half away from zero to a whole scaled integer. */
export function parseScaledRounded(text: string, scale: number): number | undefined {
  const value = parseScaled(text, scale);
  if (value === undefined) return undefined;
  const rounded = Math.sign(value) * Math.round(Math.abs(value));
  return rounded === 0 ? 0 : rounded;
}

/** A JSON number or numeric string (as sent in UpdateConnector bodies) to a scaled integer. */
export function scaledFromInput(value: unknown, scale: number): number | undefined {
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) return undefined;
    // 15 significant digits undo binary artefacts: 0.1 + 0.2 → "0.300000000000000".
    const text = value.toPrecision(15);
    return parseScaledRounded(/e/i.test(text) ? value.toFixed(scale + 2) : text, scale);
  }
  if (typeof value === 'string') return parseScaledRounded(value, scale);
  return undefined;
}
