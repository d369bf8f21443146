// When is a source's data stale? One rule for `afas-sync status` and the metrics endpoint.

export interface FreshnessInput {
  lastSuccessAt: Date | null;
  createdAt: Date;
  syncIntervalSeconds: number;
}

export interface Freshness {
  /** Seconds since the last successful sync (since registration when it never succeeded). */
  ageSeconds: number;
  neverSucceeded: boolean;
  staleAfterSeconds: number;
  stale: boolean;
}

/** By default a source is stale once three sync intervals passed without a successful sync. */
export const STALE_AFTER_INTERVALS = 3;

export function freshnessOf(
  source: FreshnessInput,
  now: Date = new Date(),
  staleAfterSeconds?: number,
): Freshness {
  const threshold = staleAfterSeconds ?? STALE_AFTER_INTERVALS * source.syncIntervalSeconds;
  const since = source.lastSuccessAt ?? source.createdAt;
  const ageSeconds = Math.max(0, Math.round((now.getTime() - since.getTime()) / 1000));
  return {
    ageSeconds,
    neverSucceeded: source.lastSuccessAt === null,
    staleAfterSeconds: threshold,
    stale: ageSeconds > threshold,
  };
}
