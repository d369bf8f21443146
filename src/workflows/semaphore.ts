import { condition } from '@temporalio/workflow';

/** Bounds how many tasks run at once inside a workflow (deterministic: it only counts). */
export class Semaphore {
  private running = 0;

  constructor(private readonly limit: number) {}

  async run<T>(task: () => Promise<T>): Promise<T> {
    await condition(() => this.running < this.limit);
    this.running += 1;
    try {
      return await task();
    } finally {
      this.running -= 1;
    }
  }
}

/** Runs every task under the semaphore; settles all, like Promise.allSettled. */
export function allSettledLimited<T>(semaphore: Semaphore, tasks: (() => Promise<T>)[]) {
  return Promise.allSettled(tasks.map((task) => semaphore.run(task)));
}
