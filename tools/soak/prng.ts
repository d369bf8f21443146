import { Mulberry32 } from '../../src/simulator/prng.js';

/** A small seeded PRNG (mulberry32): the same seed gives the same fault schedule on every machine. */
export class Prng extends Mulberry32 {
  /** The seed is the generator's state as it is (not hashed like the simulator's). */
  constructor(seed: number) {
    super(seed >>> 0 || 0x9e3779b9);
  }

  /** A child generator, so adding draws in one place does not shift another's sequence. */
  fork(label: string): Prng {
    let hash = this.state;
    for (let index = 0; index < label.length; index++)
      hash = Math.imul(hash ^ label.charCodeAt(index), 16_777_619);
    return new Prng(hash >>> 0);
  }
}
