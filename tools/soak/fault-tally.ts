// Counts what the simulator actually did: AFAS calls, and injected faults that fired, by kind.
import { setTimeout as sleep } from 'node:timers/promises';
import type { SimulatorControl } from './simulator-control.js';

const POLL_MS = 5_000;

export class FaultTally {
  afasCalls = 0;
  readonly fired: Record<string, number> = {};
  private seq = 0;
  private running: Promise<void> | undefined;
  private stopped = false;

  constructor(private readonly sim: SimulatorControl) {}

  /** Reads the request log up to now. */
  async poll(): Promise<void> {
    const entries = await this.sim.requestsSince(this.seq);
    for (const entry of entries) {
      this.seq = Math.max(this.seq, entry.seq);
      this.afasCalls += 1;
      for (const kind of entry.fault?.split(',') ?? []) this.fired[kind] = (this.fired[kind] ?? 0) + 1;
    }
  }

  /** Polls in the background (the log is bounded, so it must be read while the run goes on). */
  start(): void {
    this.running ??= (async () => {
      while (!this.stopped) {
        await this.poll().catch(() => undefined);
        for (let waited = 0; waited < POLL_MS && !this.stopped; waited += 250) await sleep(250);
      }
    })();
  }

  /** Ends the background polling (call `poll()` for a last read). */
  async stop(): Promise<void> {
    this.stopped = true;
    await this.running;
  }
}
