import { describe, expect, it } from 'vitest';
import { Limiter } from '../../src/workflows/limiter.js';

describe('Limiter (counting)', () => {
  it('has room until the limit is reached, and again after a release', () => {
    const limiter = new Limiter(2);
    expect(limiter.hasRoom).toBe(true);
    limiter.acquire();
    limiter.acquire();
    expect(limiter.running).toBe(2);
    expect(limiter.hasRoom).toBe(false);
    expect(() => limiter.acquire()).toThrow('limiter full: 2 of 2 running');
    limiter.release();
    expect(limiter.hasRoom).toBe(true);
  });

  it('takes a new limit at once: higher frees slots, lower waits for running tasks to end', () => {
    const limiter = new Limiter(1);
    limiter.acquire();
    limiter.limit = 3;
    expect(limiter.hasRoom).toBe(true);
    limiter.acquire();
    limiter.acquire();
    limiter.limit = 1;
    expect(limiter.running).toBe(3);
    expect(limiter.hasRoom).toBe(false);
    limiter.release();
    limiter.release();
    expect(limiter.hasRoom).toBe(false);
    limiter.release();
    expect(limiter.hasRoom).toBe(true);
  });

  it('refuses a release without an acquire', () => {
    expect(() => new Limiter(1).release()).toThrow('released more often than acquired');
  });
});
