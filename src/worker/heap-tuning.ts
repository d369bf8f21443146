import v8 from 'node:v8';

/**
 * Lets the V8 heap grow by `percent` between major collections instead of V8's own factor (up to
 * 4×). When import pages were parsed into row objects, they lived long enough to be promoted, and
 * with V8's factor the heap settled near 4× the live set (256 MB heap for ~60 MB live at 1M rows);
 * 50% kept the worker under 300 MB. Scanned pages (see codec/scan.ts) leave little garbage in the
 * heap, and 100% now costs ~29 instead of ~54 full collections per 1M rows (the collector's marking
 * threads used ~4 CPU-seconds of the worker's 13) at the same peak RSS, ~260–280 MB (`npm run
 * bench`). 0 leaves V8's heuristic alone. V8 reads this flag at every heap-limit computation, so
 * setting it at startup takes effect (Node's `--heap-growing-percent` is not allowed in NODE_OPTIONS).
 */
export function tuneHeapGrowth(percent: number): void {
  if (percent > 0) v8.setFlagsFromString(`--heap-growing-percent=${percent}`);
}
