// The fleet's W worker processes, started as the image starts them (`node --max-semi-space-size=4
// dist/worker.js`, see src/worker/heap-tuning.ts), all polling one task queue. Each one's peak RSS
// is sampled while it lives (VmHWM is gone with the process once it is SIGKILLed in f3).
import { setTimeout as sleep } from 'node:timers/promises';
import { freePort } from '../../src/temporal/dev-server.js';
import { WORKER_NODE_FLAGS } from '../../src/worker/heap-tuning.js';
import { startNode, WORKER_SCRIPT, type ChildHandle } from '../bench/processes.js';

const SAMPLE_MS = 1_000;

interface Slot {
  handle: ChildHandle | undefined;
  peakRss: number;
  starts: number;
}

/** This process's environment variables that `keep` picks, to hand to a worker. */
function environment(keep: (name: string, value: string) => boolean): Record<string, string> {
  return Object.fromEntries(
    Object.entries(process.env).filter(
      (entry): entry is [string, string] => entry[1] !== undefined && keep(entry[0], entry[1]),
    ),
  );
}

export class FleetWorkers {
  private readonly slots: Slot[];
  private sampling: Promise<void> | undefined;
  private stopped = false;

  constructor(
    count: number,
    private readonly env: Record<string, string>,
  ) {
    this.slots = Array.from({ length: count }, () => ({ handle: undefined, peakRss: 0, starts: 0 }));
  }

  get count(): number {
    return this.slots.length;
  }

  /** Starts every worker (one after another: each start compiles the workflow bundle). */
  async startAll(): Promise<void> {
    for (let index = 0; index < this.slots.length; index++) await this.start(index);
    this.sampling ??= this.sample();
  }

  async start(index: number): Promise<void> {
    const slot = this.slot(index);
    slot.handle = await startNode(
      WORKER_SCRIPT,
      [],
      {
        // Teardown need not wait the production grace for in-flight activities (60 s).
        AFAS_SYNC_SHUTDOWN_GRACE_SECONDS: '2',
        // Worker settings to compare (AFAS_SYNC_DB_POOL_SIZE, …); the bench's own values win.
        ...environment((name) => name.startsWith('AFAS_SYNC_') && name !== 'AFAS_SYNC_SECRET_KEY'),
        ...environment((name, value) => name.startsWith('MALLOC_') && value !== ''),
        METRICS_PORT: String(await freePort()),
        // As the production image runs it (Dockerfile).
        MALLOC_ARENA_MAX: '2',
        // `worker started` (what start() waits for) is logged at info.
        LOG_LEVEL: 'info',
        ...this.env,
      },
      /worker started/,
      WORKER_NODE_FLAGS,
    );
    slot.starts += 1;
  }

  /** SIGKILLs worker `index` (no graceful shutdown: its activities are left to time out). */
  async kill(index: number): Promise<void> {
    const slot = this.slot(index);
    const child = slot.handle?.child;
    await this.readPeak(slot);
    slot.handle = undefined;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await Promise.race([exited, sleep(10_000, undefined, { ref: false })]);
  }

  /** Each worker's peak RSS in MB (the highest of its incarnations). */
  async peakRssMb(): Promise<number[]> {
    for (const slot of this.slots) await this.readPeak(slot);
    return this.slots.map((slot) => Math.round(slot.peakRss / 1024 / 102.4) / 10);
  }

  starts(): number[] {
    return this.slots.map((slot) => slot.starts);
  }

  /** The last output of every worker, for an error report. */
  output(): string {
    return this.slots
      .map((slot, index) => `worker ${index + 1}: ${(slot.handle?.output ?? []).join('').slice(-1_500)}`)
      .join('\n');
  }

  async stopAll(): Promise<void> {
    this.stopped = true;
    await this.peakRssMb().catch(() => undefined);
    await Promise.all(this.slots.map((slot) => slot.handle?.stop() ?? Promise.resolve()));
    await this.sampling;
  }

  private slot(index: number): Slot {
    const slot = this.slots[index];
    if (!slot) throw new Error(`no worker ${index + 1} of ${this.slots.length}`);
    return slot;
  }

  private async readPeak(slot: Slot): Promise<void> {
    const handle = slot.handle;
    if (!handle) return;
    try {
      slot.peakRss = Math.max(slot.peakRss, await handle.peakRss());
    } catch {
      // The process is gone; the last sample stands.
    }
  }

  private async sample(): Promise<void> {
    while (!this.stopped) {
      for (const slot of this.slots) await this.readPeak(slot);
      await sleep(SAMPLE_MS);
    }
  }
}
