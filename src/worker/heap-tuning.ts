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

/**
 * The young generation's semi-space, in MB. Node's default (16 MB, 32 MB of new space per isolate)
 * is sized for request/response servers; the worker's pages are scanned into Buffers outside the
 * heap and leave little short-lived garbage, so a small new space costs a few more scavenges
 * (tenths of a CPU-second per 1M rows) and saves ~50 MB of resident memory over the main isolate
 * and Temporal's workflow thread together (`npm run bench`, first sync).
 */
export const SEMI_SPACE_MB = 4;

/** The flags the worker process is started with (the image's CMD, the bench, the soak, the tests). */
export const WORKER_NODE_FLAGS: readonly string[] = [`--max-semi-space-size=${SEMI_SPACE_MB}`];

/** True when the process was started with its own semi-space size (flags or NODE_OPTIONS). */
function semiSpaceChosenAtStart(): boolean {
  const given = [...process.execArgv, ...(process.env.NODE_OPTIONS ?? '').split(/\s+/)];
  return given.some((flag) => /^--max[-_]semi[-_]space[-_]size\b/.test(flag));
}

/**
 * Gives the isolates created from now on (Temporal's workflow threads) the worker's semi-space
 * size, however the process was started. V8 sizes an isolate's heap when it creates it, so the
 * main isolate only gets it from the command line (`WORKER_NODE_FLAGS`); a size chosen there is
 * kept for the threads too.
 */
export function tuneWorkflowThreads(): void {
  if (!semiSpaceChosenAtStart()) v8.setFlagsFromString(`--max-semi-space-size=${SEMI_SPACE_MB}`);
}

/**
 * glibc malloc settings of the worker process (the image's ENV; the bench, soak and tests start
 * the worker with them too). They can only be set before the process starts. At most two arenas:
 * the threads that decode AFAS responses and the Temporal core otherwise each keep their own. A
 * fixed mmap threshold: glibc otherwise raises it after every large free, until page-sized Buffers
 * (a few MB each) live in the heap, which it rarely returns to the system; ~30–50 MB of the first
 * sync's peak RSS at 1M rows (`npm run bench`).
 */
export const WORKER_MALLOC_ENV: Readonly<Record<string, string>> = {
  MALLOC_ARENA_MAX: '2',
  MALLOC_MMAP_THRESHOLD_: '131072',
};
