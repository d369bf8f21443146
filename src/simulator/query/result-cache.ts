/**
 * Keeps the filtered and sorted slot lists of recent queries, so paging through one partition does
 * not rescan and resort the store for every page. Least recently used entries go first; the total
 * number of cached slots is bounded.
 */
export class ResultCache {
  private readonly entries = new Map<string, Int32Array>();
  private cachedSlots = 0;

  constructor(
    private readonly maxEntries = 32,
    private readonly maxSlots = 8_000_000,
  ) {}

  get(key: string): Int32Array | undefined {
    const rows = this.entries.get(key);
    if (rows !== undefined) {
      this.entries.delete(key);
      this.entries.set(key, rows);
    }
    return rows;
  }

  set(key: string, rows: Int32Array): void {
    if (rows.length > this.maxSlots) return;
    const previous = this.entries.get(key);
    if (previous !== undefined) {
      this.entries.delete(key);
      this.cachedSlots -= previous.length;
    }
    this.entries.set(key, rows);
    this.cachedSlots += rows.length;
    for (const [oldest, oldRows] of this.entries) {
      if (this.entries.size <= this.maxEntries && this.cachedSlots <= this.maxSlots) break;
      this.entries.delete(oldest);
      this.cachedSlots -= oldRows.length;
    }
  }

  clear(): void {
    this.entries.clear();
    this.cachedSlots = 0;
  }

  size(): number {
    return this.entries.size;
  }
}
