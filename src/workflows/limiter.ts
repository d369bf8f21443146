import { condition } from '@temporalio/workflow';

/**
 * How `run` admits waiting tasks. The SDK checks every blocked condition in one pass before any
 * of them resumes, so tasks that waited together all saw room: `strict` looks again once resumed
 * and waits on; `burst` (what syncs recorded before the `strict-concurrency` patch did) lets them
 * all in: the recorded sync-source.json history scheduled all 16 master-data tasks at once under
 * a limit of 4.
 */
export type Admission = 'strict' | 'burst';

/**
 * Bounds how many tasks run at once inside a workflow; both sagas use it (the sync for its
 * datasets and day batches, the import for its partition chunks). Deterministic: it only counts.
 * The limit may change while tasks run (the import's `setConcurrency` update): a lower limit
 * takes effect as running tasks finish, a higher one at once.
 */
export class Limiter {
  #running = 0;

  constructor(
    public limit: number,
    private readonly admission: Admission = 'strict',
  ) {}

  get running(): number {
    return this.#running;
  }

  get hasRoom(): boolean {
    return this.#running < this.limit;
  }

  /** Takes a slot now; the caller has checked `hasRoom` (the import's dispatcher decides that). */
  acquire(): void {
    if (!this.hasRoom) throw new Error(`limiter full: ${this.#running} of ${this.limit} running`);
    this.#running += 1;
  }

  release(): void {
    if (this.#running === 0) throw new Error('limiter released more often than acquired');
    this.#running -= 1;
  }

  /** Waits for a slot, then runs the task in it. */
  async run<T>(task: () => Promise<T>): Promise<T> {
    await condition(() => this.hasRoom);
    while (this.admission === 'strict' && !this.hasRoom) await condition(() => this.hasRoom);
    this.#running += 1;
    try {
      return await task();
    } finally {
      this.release();
    }
  }

  /** Runs every task through `run`; settles all, like Promise.allSettled. */
  allSettled<T>(tasks: readonly (() => Promise<T>)[]): Promise<PromiseSettledResult<T>[]> {
    return Promise.allSettled(tasks.map((task) => this.run(task)));
  }
}
