// Reuses the buffers import pages are encoded into (see encodeScannedRows). Each page's COPY data
// is a few MB outside V8's heap; allocating it anew for every page made V8 run a full collection
// every ~64 MB of such memory (about 80 per million rows, a second of the worker's CPU besides the
// marking threads). A page's buffer goes back once its transaction committed, and the next page
// writes into it.
//
// Idle buffers are memory nobody uses, held for as long as the worker runs: the pool holds a
// bounded number of bytes, not just a bounded number of buffers. A one-off huge page's buffer is
// left to the garbage collector instead of being kept forever.

/** Sizes are rounded up to this, so one buffer fits the next, slightly larger page too. */
const GRANULE = 1024 * 1024;

/**
 * Idle bytes the shared pool keeps at most: six pages of about 10 MB. A normal page's buffer is
 * ~4 MB (4,000 journal lines of ~400 bytes: twice the JSON plus the COPY framing); a wide
 * connector's page of 150,000 cells ~10 MB.
 */
export const PAGE_BUFFERS_MAX_IDLE_BYTES = 64 * 1024 * 1024;

export class PageBufferPool {
  private readonly free: Buffer[] = [];
  private freeBytes = 0;

  /**
   * `keep`: how many idle buffers to hold (about the pages in flight at once); `maxIdleBytes`: how
   * many bytes they may hold together (a larger buffer is never kept).
   */
  constructor(
    private readonly keep: number,
    readonly maxIdleBytes: number,
  ) {}

  /** A buffer of at least `size` bytes, with undefined contents. */
  acquire(size: number): Buffer {
    let best = -1;
    for (let i = 0; i < this.free.length; i++) {
      const length = (this.free[i] as Buffer).length;
      if (length >= size && (best < 0 || length < (this.free[best] as Buffer).length)) best = i;
    }
    if (best >= 0) {
      const buffer = this.free.splice(best, 1)[0] as Buffer;
      this.freeBytes -= buffer.length;
      return buffer;
    }
    return Buffer.allocUnsafeSlow(Math.ceil(size / GRANULE) * GRANULE);
  }

  /** Takes a buffer back. Only once nothing reads it any more (its COPY finished and committed). */
  release(buffer: Buffer): void {
    if (buffer.length > this.maxIdleBytes || this.free.includes(buffer)) return;
    this.free.push(buffer);
    this.freeBytes += buffer.length;
    if (this.free.length <= this.keep && this.freeBytes <= this.maxIdleBytes) return;
    this.free.sort((a, b) => b.length - a.length);
    // Too many: drop the smallest (a smaller page fits a larger buffer, not the other way round).
    while (this.free.length > this.keep) this.freeBytes -= (this.free.pop() as Buffer).length;
    // Too many bytes: drop the largest, the outliers; the usual pages' buffers stay.
    while (this.freeBytes > this.maxIdleBytes) this.freeBytes -= (this.free.shift() as Buffer).length;
  }

  /** Idle buffers held (for tests and metrics). */
  get idle(): number {
    return this.free.length;
  }

  /** Bytes the idle buffers hold together (never more than maxIdleBytes). */
  get idleBytes(): number {
    return this.freeBytes;
  }
}

/** The pool import pages are encoded into: five pages in flight at most, and one being encoded. */
export const pageBuffers = new PageBufferPool(6, PAGE_BUFFERS_MAX_IDLE_BYTES);
