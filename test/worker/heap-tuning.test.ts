// The worker's young generation: Temporal's workflow threads get the small semi-space however the
// process was started, and a size chosen on the command line is kept. Runs compiled code in a
// fresh node process, since V8 flags are process-wide.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, inject, it } from 'vitest';
import { SEMI_SPACE_MB, WORKER_NODE_FLAGS } from '../../src/worker/heap-tuning.js';

const run = promisify(execFile);
const MB = 1024 * 1024;

/** The new space of a worker thread started after (optionally) tuning, in bytes, after some garbage. */
async function threadNewSpace(tune: boolean, nodeFlags: readonly string[] = []): Promise<number> {
  const script = `
    import { Worker } from 'node:worker_threads';
    import { tuneWorkflowThreads } from ${JSON.stringify(`${inject('distDir')}worker/heap-tuning.js`)};
    if (${tune}) tuneWorkflowThreads();
    const thread = new Worker(\`
      import v8 from 'node:v8';
      import { parentPort } from 'node:worker_threads';
      let garbage = [];
      for (let i = 0; i < 2e6; i++) garbage.push({ i });
      garbage = null;
      parentPort.postMessage(v8.getHeapSpaceStatistics().find((s) => s.space_name === 'new_space').space_size);
    \`, { eval: true });
    thread.once('message', (size) => { console.log(size); thread.terminate(); });
  `;
  const { stdout } = await run(process.execPath, [...nodeFlags, '--input-type=module', '-e', script], {
    env: { PATH: process.env.PATH ?? '' },
  });
  return Number(stdout.trim());
}

describe('tuneWorkflowThreads', () => {
  it('gives threads started later the worker semi-space (V8 default: 16 MB)', async () => {
    expect(await threadNewSpace(false)).toBeGreaterThan(2 * SEMI_SPACE_MB * MB);
    expect(await threadNewSpace(true)).toBeLessThanOrEqual(2 * SEMI_SPACE_MB * MB);
  });

  it('keeps a semi-space chosen on the command line', async () => {
    expect(await threadNewSpace(true, ['--max-semi-space-size=1'])).toBeLessThanOrEqual(2 * MB);
    expect(WORKER_NODE_FLAGS).toContain(`--max-semi-space-size=${SEMI_SPACE_MB}`);
  });
});
