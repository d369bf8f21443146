// Reuses the buffers import pages are encoded into (see encodeScannedRows). Each page's COPY data
// is a few MB outside V8's heap; allocating it anew for every page made V8 run a full collection
// every ~64 MB of such memory (about 80 per million rows, a second of the worker's CPU besides the
// marking threads). A page's buffer goes back once its transaction committed, and the next page
// writes into it.

/** Sizes are rounded up to this, so one buffer fits the next, slightly larger page too. */
const GRANULE = 1024 * 1024;

export class PageBufferPool {
  private readonly free: Buffer[] = [];

  /** `keep`: how many idle buffers to hold (about the pages in flight at once). */
  constructor(private readonly keep: number) {}

  /** A buffer of at least `size` bytes, with undefined contents. */
  acquire(size: number): Buffer {
    let best = -1;
    for (let i = 0; i < this.free.length; i++) {
      const length = (this.free[i] as Buffer).length;
      if (length >= size && (best < 0 || length < (this.free[best] as Buffer).length)) best = i;
    }
    if (best >= 0) return this.free.splice(best, 1)[0] as Buffer;
    return Buffer.allocUnsafeSlow(Math.ceil(size / GRANULE) * GRANULE);
  }

  /** Takes a buffer back. Only once nothing reads it any more (its COPY finished and committed). */
  release(buffer: Buffer): void {
    if (this.free.includes(buffer)) return;
    this.free.push(buffer);
    if (this.free.length > this.keep) {
      // Keep the largest: a smaller page fits a larger buffer, not the other way round.
      this.free.sort((a, b) => b.length - a.length);
      this.free.length = this.keep;
    }
  }

  /** Idle buffers held (for tests and metrics). */
  get idle(): number {
    return this.free.length;
  }
}

/** The pool import pages are encoded into: five pages in flight at most, and one being encoded. */
export const pageBuffers = new PageBufferPool(6);
