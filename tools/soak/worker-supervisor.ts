// The worker under test: `node dist/worker.js` as a real process. The soak SIGKILLs it on
// schedule; any exit the soak did not cause (e.g. PostgreSQL down at start-up) is counted and the
// worker started again, the way a process manager would.
import { spawn, type ChildProcess } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { WORKER_MALLOC_ENV, WORKER_NODE_FLAGS } from '../../src/worker/heap-tuning.js';

/** Most starts in one run: a worker that cannot stay up must not spin forever. */
const MAX_STARTS = 500;
const RESTART_DELAY_MS = 1_000;

export class WorkerSupervisor {
  /** Everything every incarnation wrote to stdout and stderr (the soak scans it for tokens). */
  readonly transcript: string[] = [];
  starts = 0;
  plannedKills = 0;
  /** Exits the soak did not cause, before `worker started` (a dependency was down at start-up). */
  startupFailures = 0;
  /** Exits the soak did not cause after `worker started`: the worker died while running. */
  crashes = 0;
  private child: ChildProcess | undefined;
  /** The current incarnation logged `worker started`. */
  private ready = false;
  private stopped = false;
  private paused = false;

  constructor(
    private readonly workerScript: string,
    private readonly env: Record<string, string>,
    private readonly log: (line: string) => void = () => undefined,
  ) {}

  get running(): boolean {
    return this.child !== undefined;
  }

  start(): void {
    if (this.child || this.stopped) return;
    if (this.starts >= MAX_STARTS) throw new Error(`the worker was started ${MAX_STARTS} times; giving up`);
    this.starts += 1;
    const child = spawn(process.execPath, [...WORKER_NODE_FLAGS, this.workerScript], {
      env: {
        PATH: process.env.PATH ?? '',
        HOME: process.env.HOME ?? '/tmp',
        ...WORKER_MALLOC_ENV,
        ...this.env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    this.ready = false;
    const collect = (chunk: Buffer) => {
      const text = chunk.toString('utf8');
      this.transcript.push(text);
      if (this.child === child && text.includes('worker started')) this.ready = true;
    };
    child.stdout?.on('data', collect);
    child.stderr?.on('data', collect);
    const output: string[] = [];
    child.stdout?.on('data', (chunk: Buffer) => output.push(chunk.toString('utf8')));
    child.stderr?.on('data', (chunk: Buffer) => output.push(chunk.toString('utf8')));
    child.once('exit', (code, signal) => {
      if (this.child !== child) return;
      this.child = undefined;
      if (this.stopped || this.paused) return;
      const afterStart = this.ready;
      if (afterStart) this.crashes += 1;
      else this.startupFailures += 1;
      // A start-up refusal is one line; a crash gets its whole stack trace.
      const lines = output.join('').trim().split('\n');
      const last = afterStart ? lines.slice(-40).join('\n') : lines.slice(-2).join(' | ').slice(-400);
      this.log(
        `worker exited on its own ${afterStart ? 'while running' : 'during start-up'} (${signal ?? `code ${code}`}): ${last}`,
      );
      setTimeout(() => this.start(), RESTART_DELAY_MS).unref();
    });
  }

  /** Waits until the current incarnation logged `worker started` (bounded). */
  async waitReady(timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (this.child && this.ready) return true;
      await sleep(200);
    }
    return false;
  }

  /** SIGKILL, then a new incarnation after `downMs`. */
  async kill(downMs: number): Promise<void> {
    this.paused = true;
    try {
      await this.signal('SIGKILL', 5_000);
      this.plannedKills += 1;
      await sleep(downMs);
    } finally {
      this.paused = false;
    }
    this.start();
  }

  /** SIGTERM (graceful shutdown), SIGKILL after `graceMs`; no restart. */
  async stop(graceMs = 15_000): Promise<void> {
    this.stopped = true;
    await this.signal('SIGTERM', graceMs);
    if (this.child) await this.signal('SIGKILL', 5_000);
  }

  private async signal(signal: NodeJS.Signals, waitMs: number): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) {
      this.child = undefined;
      return;
    }
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill(signal);
    await Promise.race([exited, sleep(waitMs, undefined, { ref: false })]);
    if (child.exitCode !== null || child.signalCode !== null) this.child = undefined;
  }
}
