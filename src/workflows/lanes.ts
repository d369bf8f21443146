/**
 * Runs `work` for every item, at most `lanes` at once, in order, and settles all (like
 * Promise.allSettled). Each lane takes the next item when its last one ends: nothing waits in a
 * `condition()`. The SDK evaluates every blocked condition on every workflow activation, so a
 * thousand entries each waiting for a slot cost a thousand checks per finished entry, and the
 * workflow's own turns, not AFAS, set the pace of a big batch. Deterministic: it only counts.
 * Limiter (limiter.ts) serves work that arrives while other work runs, as in the sync's phases;
 * this serves a list known up front, of any length.
 */
export async function inLanes<T, R>(
  items: readonly T[],
  lanes: number,
  work: (item: T) => Promise<R>,
): Promise<PromiseSettledResult<R>[]> {
  const settled: PromiseSettledResult<R>[] = new Array<PromiseSettledResult<R>>(items.length);
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < items.length) {
      const at = next++;
      try {
        settled[at] = { status: 'fulfilled', value: await work(items[at] as T) };
      } catch (reason) {
        settled[at] = { status: 'rejected', reason };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(lanes, items.length)) }, lane));
  return settled;
}
