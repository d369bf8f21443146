import { compareText } from './table.js';

/**
 * Interned strings for columnar storage. Code 0 is reserved for null. Ranks (the position of each
 * code in case-insensitive text order) are computed on demand for sorting and cached until the
 * dictionary grows.
 */
export class StringDictionary {
  private readonly values: (string | null)[] = [null];
  private readonly codes = new Map<string, number>();
  private rankCache: Int32Array | undefined;

  private lastValue: string | null = null;
  private lastCode = 0;

  intern(value: string | null): number {
    if (value === null) return 0;
    // Consecutive lines of one entry share their texts; skip the hash lookup for repeats.
    if (value === this.lastValue) return this.lastCode;
    let code = this.codes.get(value);
    if (code === undefined) {
      code = this.values.length;
      this.values.push(value);
      this.codes.set(value, code);
      this.rankCache = undefined;
    }
    this.lastValue = value;
    this.lastCode = code;
    return code;
  }

  /** The code of a value, or -1 when the value was never interned. */
  lookup(value: string | null): number {
    if (value === null) return 0;
    return this.codes.get(value) ?? -1;
  }

  valueAt(code: number): string | null {
    return this.values[code] ?? null;
  }

  size(): number {
    return this.values.length;
  }

  /** rank[code]: sort position in case-insensitive order; null (code 0) ranks -1, i.e. first. */
  ranks(): Int32Array {
    if (this.rankCache !== undefined && this.rankCache.length === this.values.length) return this.rankCache;
    const order = Array.from({ length: this.values.length - 1 }, (_, i) => i + 1);
    order.sort((a, b) => compareText(this.values[a] as string, this.values[b] as string));
    const ranks = new Int32Array(this.values.length);
    ranks[0] = -1;
    order.forEach((code, position) => {
      ranks[code] = position;
    });
    this.rankCache = ranks;
    return ranks;
  }
}
