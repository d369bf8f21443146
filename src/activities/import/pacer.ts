import { setTimeout as sleep } from 'node:timers/promises';
import type { ImportStore } from '../../db/import-state.js';

/**
 * Requests-per-minute pacing for one import, shared by all its activities on all workers: each
 * AFAS request first reserves a slot in PostgreSQL (`imports.pace_next_at`), then waits for it,
 * heartbeating so a long wait does not look like a dead worker.
 */
export class Pacer {
  waitedMs = 0;

  constructor(
    private readonly store: ImportStore,
    private readonly importId: string,
    private readonly requestsPerMinute: number | null,
    private readonly signal: AbortSignal,
    private readonly heartbeat: () => void,
  ) {}

  async beforeRequest(): Promise<void> {
    if (this.requestsPerMinute === null) return;
    const wait = await this.store.reserveRequestSlot(this.importId, 60_000 / this.requestsPerMinute);
    let left = wait;
    while (left > 0) {
      const step = Math.min(left, 1_000);
      await sleep(step, undefined, { signal: this.signal });
      left -= step;
      this.heartbeat();
    }
    this.waitedMs += wait;
  }
}
