// Keeps every source syncing during the chaos: start (or attach to) the source's sync, wait for
// it, note the outcome, start the next. Client errors (Temporal restarting) are counted and retried.
import { setTimeout as sleep } from 'node:timers/promises';
import type { Client } from '@temporalio/client';
import { startSync } from '../../src/client/sync-control.js';
import type { SyncOptions } from '../../src/workflows/sync-source.js';

/** Fast retries and crash detection: the soak is about recovering, not waiting. */
export const SOAK_SYNC_OPTIONS: SyncOptions = {
  heartbeatTimeoutSeconds: 10,
  retryInitialSeconds: 1,
  retryMaximumSeconds: 5,
};

/** Most syncs one source starts during the chaos. */
const MAX_ROUNDS = 10_000;
const CLIENT_ERROR_PAUSE_MS = 2_000;
/** Between two syncs of a source (a skipped sync, while an import runs, returns at once). */
const ROUND_PAUSE_MS = 1_500;

export interface DriverStats {
  syncsStarted: number;
  /** Finished syncs by status (succeeded, partial, failed, skipped, cancelled). */
  outcomes: Record<string, number>;
  clientErrors: number;
}

export class SyncDriver {
  readonly stats: DriverStats = { syncsStarted: 0, outcomes: {}, clientErrors: 0 };
  private stopped = false;
  private loops: Promise<void>[] = [];
  private wake: () => void = () => undefined;
  private readonly stopSignal = new Promise<'stop'>((resolve) => {
    this.wake = () => resolve('stop');
  });
  /** The result long-polls in flight; stop() cancels them (a call must not outlive the connection). */
  private readonly calls = new Set<AbortController>();

  constructor(
    private readonly target: { client: Client; taskQueue: string },
    private readonly sources: readonly string[],
  ) {}

  start(): void {
    this.loops = this.sources.map((source) => this.loop(source));
  }

  /** Ends every loop at its next step; a sync still running is left to the settle phase. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.wake();
    for (const call of this.calls) call.abort();
    await Promise.all(this.loops);
  }

  private async loop(source: string): Promise<void> {
    for (let round = 0; round < MAX_ROUNDS && !this.stopped; round++) {
      try {
        const handle = await startSync(this.target, source, SOAK_SYNC_OPTIONS);
        this.stats.syncsStarted += 1;
        const call = new AbortController();
        this.calls.add(call);
        const result = this.target.client.withAbortSignal(call.signal, () => handle.result());
        result.catch(() => undefined); // rejects when stop() cancels it
        const outcome = await Promise.race([result, this.stopSignal]).finally(() => this.calls.delete(call));
        if (outcome === 'stop') return;
        this.stats.outcomes[outcome.status] = (this.stats.outcomes[outcome.status] ?? 0) + 1;
        await Promise.race([sleep(ROUND_PAUSE_MS), this.stopSignal]);
      } catch {
        this.stats.clientErrors += 1;
        await Promise.race([sleep(CLIENT_ERROR_PAUSE_MS), this.stopSignal]);
      }
    }
  }
}
