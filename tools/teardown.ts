// Tearing down a dev stack (simulator, Temporal, workers, databases) for the soak and bench:fleet.

/** Runs every step in order, collecting each failure instead of stopping at the first. */
export async function closeAll(steps: (() => Promise<unknown>)[], what: string): Promise<void> {
  const errors: unknown[] = [];
  for (const step of steps) {
    try {
      await step();
    } catch (error) {
      errors.push(error);
    }
  }
  if (errors.length > 0) throw new AggregateError(errors, `${what} teardown failed`);
}
