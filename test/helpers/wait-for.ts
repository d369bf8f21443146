// Polls until a condition holds, failing with what it waited for once the deadline has passed.

/** Calls `done` every `intervalMs` until it answers true; throws `timed out waiting for <what>` after 60 s. */
export async function waitFor(what: string, done: () => Promise<boolean>, intervalMs = 50): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (!(await done())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
