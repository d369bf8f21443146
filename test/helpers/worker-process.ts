import { spawn, type ChildProcess } from 'node:child_process';
import { inject } from 'vitest';
import { WORKER_MALLOC_ENV, WORKER_NODE_FLAGS } from '../../src/worker/heap-tuning.js';

/** The compiled worker (`node dist/worker.js`) as a real process, for crash tests. */
export class WorkerProcess {
  private child: ChildProcess | undefined;
  readonly output: string[] = [];

  constructor(private readonly env: Record<string, string>) {}

  async start(): Promise<void> {
    const child = spawn(process.execPath, [...WORKER_NODE_FLAGS, `${inject('distDir')}worker.js`], {
      env: {
        PATH: process.env.PATH ?? '',
        HOME: process.env.HOME ?? '/tmp',
        LOG_LEVEL: 'info',
        ...WORKER_MALLOC_ENV,
        ...this.env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    const ready = new Promise<void>((resolve, reject) => {
      const onData = (chunk: Buffer) => {
        const text = chunk.toString('utf8');
        this.output.push(text);
        if (text.includes('worker started')) resolve();
      };
      child.stdout?.on('data', onData);
      child.stderr?.on('data', onData);
      child.once('exit', (code) =>
        reject(
          new Error(`worker exited with ${code} before it started: ${this.output.join('').slice(-1500)}`),
        ),
      );
    });
    await ready;
  }

  /** The process id, once started (it names the worker's holds in afas_call_slots). */
  get pid(): number | undefined {
    return this.child?.pid;
  }

  kill(signal: NodeJS.Signals = 'SIGKILL'): Promise<number | null> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return Promise.resolve(null);
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    child.kill(signal);
    return exited;
  }
}
