// When a source's schedule fires within its interval. Hundreds of sources on one interval must not
// all start in the same second: each source gets a fixed offset into the interval, derived from its
// name (the same every time, so an operator can tell when a source syncs), plus a little random
// jitter per tick.

/** A tick is delayed by a random share of up to this fraction of the interval… */
export const SCHEDULE_JITTER_SHARE = 0.1;
/** …and by at most this long, so a long interval does not drift far from its slot. */
export const SCHEDULE_JITTER_MAX_SECONDS = 300;

/**
 * The jitter of a source's schedule: up to 10 % of its interval, at most 5 minutes (15m → 1m30s,
 * 1h → 5m). It breaks up sources whose offsets happen to fall close together.
 */
export function scheduleJitterSeconds(intervalSeconds: number): number {
  return Math.min(Math.floor(intervalSeconds * SCHEDULE_JITTER_SHARE), SCHEDULE_JITTER_MAX_SECONDS);
}

/**
 * The source's fixed offset into each interval, in whole seconds from 0 to the interval minus one:
 * a 32-bit FNV-1a hash of its name. Temporal fires an interval schedule at multiples of the
 * interval since the epoch plus this offset, so sources spread evenly over the whole interval
 * (200 sources on 10 minutes: about one every 3 seconds) instead of over the jitter window alone.
 */
export function scheduleOffsetSeconds(source: string, intervalSeconds: number): number {
  if (!Number.isInteger(intervalSeconds) || intervalSeconds < 1)
    throw new RangeError(`intervalSeconds must be a positive integer, got ${String(intervalSeconds)}`);
  let hash = 0x811c9dc5;
  for (const byte of new TextEncoder().encode(source)) {
    hash ^= byte;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash % intervalSeconds;
}

/** The Temporal schedule spec of a source that syncs every `intervalSeconds`. */
export function scheduleSpecFor(source: string, intervalSeconds: number) {
  return {
    intervals: [
      {
        every: `${intervalSeconds} seconds` as const,
        offset: `${scheduleOffsetSeconds(source, intervalSeconds)} seconds` as const,
      },
    ],
    jitter: `${scheduleJitterSeconds(intervalSeconds)} seconds` as const,
  };
}
