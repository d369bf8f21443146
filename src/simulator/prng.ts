/** Small deterministic pseudo-random tools (no Math.random anywhere in the simulator's data). */

/** Mixes integers into a well-distributed unsigned 32-bit hash (murmur3 finaliser over a fold). */
export function hash32(...values: number[]): number {
  let h = 0x9e3779b9;
  for (const value of values) {
    let k = Math.imul(value | 0, 0xcc9e2d51);
    k = (k << 15) | (k >>> 17);
    k = Math.imul(k, 0x1b873593);
    h ^= k;
    h = (h << 13) | (h >>> 19);
    h = (Math.imul(h, 5) + 0xe6546b64) | 0;
    // Fold in the high part of values beyond 32 bits so large numbers still differ.
    h ^= Math.floor(value / 0x1_0000_0000) | 0;
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** mulberry32 from a given 32-bit state: fast, tiny, good enough for test data. */
export class Mulberry32 {
  protected state: number;

  constructor(state: number) {
    this.state = state | 0;
  }

  /** Uniform float in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) | 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  }

  /** Uniform integer in [min, max] (inclusive). */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  chance(probability: number): boolean {
    return this.next() < probability;
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new RangeError('cannot pick from an empty list');
    return items[Math.floor(this.next() * items.length)] as T;
  }
}

/** The simulator's generator: its seed values are hashed, so nearby seeds give unrelated data. */
export class Prng extends Mulberry32 {
  constructor(...seed: number[]) {
    super(hash32(...seed));
  }
}
