import { hash32 } from '../prng.js';

/**
 * Without `orderbyfieldids` AFAS gives no stable order, so paging without a sort loses and repeats
 * rows. The simulator makes that visible: every unsorted call reads the result rotated by an
 * offset that differs from the previous call's (deterministic, derived from the seed).
 */
export class OrderScrambler {
  private calls = 0;
  private previous = 0;

  constructor(private readonly seed: number) {}

  nextOffset(count: number): number {
    this.calls++;
    if (count < 2) return 0;
    const step = 1 + (hash32(this.seed, 5_001, this.calls) % (count - 1));
    this.previous = (this.previous + step) % count;
    return this.previous;
  }
}
