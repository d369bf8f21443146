// Exact decimals for amounts the product handles (ledger proofs, journal entries to post): a value
// is an integer count of units of 10^-scale held as a BigInt, so sums never pick up float
// artefacts and no amount is too large. The simulator keeps its own (src/simulator/decimal.ts).

/** `units × 10^-scale`: "12.50" is { units: 1250n, scale: 2 }. */
export interface Decimal {
  readonly units: bigint;
  readonly scale: number;
}

const DECIMAL_TEXT = /^\s*([+-]?)(\d*)(?:\.(\d*))?\s*$/;

/** Parses plain decimal text ("1250.00", "-0.5", ".5", "12"); throws a RangeError for anything else. */
export function parseDecimal(text: string): Decimal {
  const match = DECIMAL_TEXT.exec(text);
  const whole = match?.[2] ?? '';
  const fraction = match?.[3] ?? '';
  if (!match || (whole === '' && fraction === ''))
    throw new RangeError(`not a decimal: ${JSON.stringify(text)}`);
  const magnitude = BigInt(`${whole || '0'}${fraction}`);
  return { units: match[1] === '-' ? -magnitude : magnitude, scale: fraction.length };
}

function rescale(value: Decimal, scale: number): bigint {
  return value.units * 10n ** BigInt(scale - value.scale);
}

/** The exact sum (zero, at scale 0, for none). */
export function sumDecimals(values: readonly Decimal[]): Decimal {
  const scale = Math.max(0, ...values.map((value) => value.scale));
  return { units: values.reduce((sum, value) => sum + rescale(value, scale), 0n), scale };
}

export function subtract(a: Decimal, b: Decimal): Decimal {
  const scale = Math.max(a.scale, b.scale);
  return { units: rescale(a, scale) - rescale(b, scale), scale };
}

export function isZero(value: Decimal): boolean {
  return value.units === 0n;
}

/**
 * Decimal text: trailing fraction zeros dropped ("10.50" → "10.5", "12.000" → "12"), or with
 * `minScale` at least that many decimals (amounts as "1250.00").
 */
export function formatDecimal(value: Decimal, minScale = 0): string {
  const negative = value.units < 0n;
  const digits = (negative ? -value.units : value.units).toString().padStart(value.scale + 1, '0');
  const whole = digits.slice(0, digits.length - value.scale);
  let fraction = digits.slice(digits.length - value.scale).replace(/0+$/, '');
  if (fraction.length < minScale) fraction = fraction.padEnd(minScale, '0');
  return `${negative ? '-' : ''}${whole}${fraction ? `.${fraction}` : ''}`;
}

/** Equal decimals whatever their scale (`12.50` and `12.5`), compared as text: never through floats. */
export function sameAmount(a: string, b: string): boolean {
  return canonicalDecimal(a) === canonicalDecimal(b);
}

function canonicalDecimal(value: string): string {
  let text = value.trim();
  const negative = text.startsWith('-');
  if (negative || text.startsWith('+')) text = text.slice(1);
  let [whole = '', fraction = ''] = text.split('.');
  whole = whole.replace(/^0+(?=\d)/, '');
  fraction = fraction.replace(/0+$/, '');
  const digits = fraction ? `${whole}.${fraction}` : whole;
  return negative && /[1-9]/.test(digits) ? `-${digits}` : digits;
}
