// Follows a running sync: progress lines while it runs, its result when it ends.
import { setTimeout as sleep } from 'node:timers/promises';
import type { WorkflowHandle } from '@temporalio/client';
import type { SyncTarget } from '../client/sync-control.js';
import type { syncSource } from '../workflows/index.js';
import type { SyncResult } from '../workflows/sync-source.js';
import { CliFailure } from './errors.js';
import { formatDuration, type Output } from './output.js';
import { describeProgress, queryProgress } from './progress.js';
import { followResult, workflowFailureText } from './workflow-follow.js';

export { exitCodeForStatus } from './workflow-follow.js';

export interface WatchOptions {
  target: SyncTarget;
  source: string;
  out: Output;
  /** How often to ask for progress (default 1 s). */
  pollMs?: number;
  /** Fewest seconds between two progress lines of the same phase (default 5). */
  quietSeconds?: number;
}

/** Waits for the sync's result, printing a progress line when the phase changes or now and then. */
export async function watchSync(
  handle: WorkflowHandle<typeof syncSource>,
  options: WatchOptions,
): Promise<SyncResult> {
  const started = Date.now();
  const { result, ended, settled } = followResult(handle);
  let lastPhase = '';
  let lastLine = '';
  let lastPrinted = 0;
  while (!settled()) {
    await Promise.race([sleep(options.pollMs ?? 1_000), ended]);
    if (settled()) break;
    const { progress } = await queryProgress(options.target, options.source, 3_000);
    if (!progress) continue;
    const line = describeProgress(progress);
    const now = Date.now();
    const phaseChanged = progress.phase !== lastPhase;
    if (line !== lastLine && (phaseChanged || now - lastPrinted >= (options.quietSeconds ?? 5) * 1000)) {
      options.out.line(`[${formatDuration((now - started) / 1000).padStart(5)}] ${line}`);
      lastPhase = progress.phase;
      lastLine = line;
      lastPrinted = now;
    }
  }
  try {
    return await result;
  } catch (error) {
    throw new CliFailure(`sync of "${options.source}" did not finish: ${workflowFailureText(error)}`);
  }
}
