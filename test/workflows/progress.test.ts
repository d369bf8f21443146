import { describe, expect, it } from 'vitest';
import { deriveProgress, mergeTotals } from '../../src/workflows/import/progress.js';

const START = { startedAtMs: 1_000_000, rows: 5_000 };

describe('import progress arithmetic', () => {
  it('derives pending, rows this attempt, rate and ETA from the counters', () => {
    // 10 of 40 done, 2 running, 1 failed; 25,000 rows of which 20,000 in 10 s of this attempt.
    const derived = deriveProgress({ total: 40, done: 10, failed: 1 }, 25_000, 2, START, 1_010_000);
    expect(derived).toEqual({
      partitions: { total: 40, done: 10, failed: 1, running: 2, pending: 27 },
      rowsThisAttempt: 20_000,
      rowsPerSecond: 2_000,
      // 2,500 rows per done partition × 29 left / 2,000 rows/s.
      etaSeconds: 36,
    });
  });

  it('knows no rate before rows arrive or time passes, and no ETA before a partition is done', () => {
    expect(deriveProgress({ total: 4, done: 0, failed: 0 }, 5_000, 1, START, 1_000_000)).toMatchObject({
      rowsThisAttempt: 0,
      rowsPerSecond: null,
      etaSeconds: null,
    });
    expect(deriveProgress({ total: 4, done: 0, failed: 0 }, 9_000, 1, START, 1_002_000)).toMatchObject({
      rowsPerSecond: 2_000,
      etaSeconds: null,
    });
  });

  it('says zero seconds left when every partition is done or failed, and never goes negative', () => {
    expect(deriveProgress({ total: 3, done: 2, failed: 1 }, 10, 0, START, 1_000_500).etaSeconds).toBe(0);
    expect(deriveProgress({ total: 1, done: 1, failed: 1 }, 0, 1, START, 1_000_500)).toMatchObject({
      partitions: { pending: 0 },
      rowsThisAttempt: 0,
    });
  });

  it('keeps the larger count when totals of concurrent activities arrive out of order', () => {
    const newer = { total: 40, done: 12, failed: 1, rows: 30_000 };
    const older = { total: 40, done: 11, failed: 0, rows: 28_000 };
    const merged = mergeTotals({ total: 40, done: 10, failed: 0 }, 25_000, newer);
    expect(mergeTotals(merged, merged.rows, older)).toEqual(newer);
  });
});
