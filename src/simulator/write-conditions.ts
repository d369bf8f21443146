/** The longest answer latency and lock the simulator accepts (10 minutes, 1 day). */
export const MAX_UPDATE_LATENCY_MS = 600_000;
export const MAX_LOCK_SECONDS = 86_400;

export interface LockState {
  readonly locked: boolean;
  /** ISO instant the lock ends, or null when the layout is free. */
  readonly lockedUntil: string | null;
  readonly remainingMs: number;
  /** UpdateConnector writes refused by a lock since the simulator started. */
  readonly refused: number;
}

/** Rejects a latency outside 0..10 minutes or not a whole number of milliseconds. */
export function checkUpdateLatency(ms: number): number {
  if (!Number.isInteger(ms) || ms < 0 || ms > MAX_UPDATE_LATENCY_MS) {
    throw new RangeError(`update latency must be a whole number of ms from 0 to ${MAX_UPDATE_LATENCY_MS}`);
  }
  return ms;
}

/**
 * What tests and benchmarks set on UpdateConnector writes (POST, PUT, DELETE): the booking layout
 * locked by "another user" until a moment (AFAS's retryable 500 on every write meanwhile), and a
 * latency every write's answer waits for, so AFAS and not the machine sets a benchmark's pace.
 *
 * The lock runs on real time, not on the simulator's clock: tests often freeze that clock (the
 * `now` option), and a lock must still end for the retries it provokes to succeed.
 */
export class WriteConditions {
  private lockedUntilMs = 0;
  private refused = 0;
  private latency: number;

  constructor(
    latencyMs: number,
    private readonly nowMs: () => number = Date.now,
  ) {
    this.latency = checkUpdateLatency(latencyMs);
  }

  /** Locks the booking layout for `seconds` from now (replacing an earlier lock). */
  lock(seconds: number): LockState {
    if (!Number.isFinite(seconds) || seconds <= 0 || seconds > MAX_LOCK_SECONDS) {
      throw new RangeError(`a lock lasts more than 0 and at most ${MAX_LOCK_SECONDS} seconds`);
    }
    this.lockedUntilMs = this.nowMs() + Math.round(seconds * 1000);
    return this.lockState();
  }

  /** Frees the layout now; true when it was locked. */
  release(): boolean {
    const wasLocked = this.isLocked();
    this.lockedUntilMs = 0;
    return wasLocked;
  }

  /** True (and counted) when a write arriving now meets the lock. */
  refuseWrite(): boolean {
    if (!this.isLocked()) return false;
    this.refused++;
    return true;
  }

  lockState(): LockState {
    const remainingMs = Math.max(0, this.lockedUntilMs - this.nowMs());
    return {
      locked: remainingMs > 0,
      lockedUntil: remainingMs > 0 ? new Date(this.lockedUntilMs).toISOString() : null,
      remainingMs,
      refused: this.refused,
    };
  }

  latencyMs(): number {
    return this.latency;
  }

  setLatencyMs(ms: number): number {
    this.latency = checkUpdateLatency(ms);
    return this.latency;
  }

  private isLocked(): boolean {
    return this.nowMs() < this.lockedUntilMs;
  }
}
