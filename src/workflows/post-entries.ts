import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import {
  CancellationScope,
  getExternalWorkflowHandle,
  isCancellation,
  log,
  ParentClosePolicy,
  setHandler,
  sleep,
  startChild,
} from '@temporalio/workflow';
import type { BatchStatus, PostBatchInput, PostBatchResult, PostProgress } from '../write-back/post-types.js';
import { cancelPostSignal, postProgressQuery, requestSyncSignal, syncWorkflowId } from './definitions.js';
import { summarizeFailure } from './failures.js';
import { postActivities } from './policies.js';
import { inLanes } from './lanes.js';
import { rethrowFatal } from './sync/day-batches.js';
import { compensationVerdict, type CompensatedEntry } from './post/outcome.js';
import { syncSource } from './sync-source.js';

/** How often, and how long, confirming waits for a sync of the source that is already running. */
const SYNC_BUSY_POLL = '15 seconds';
const SYNC_BUSY_POLLS = 40;

/**
 * The write-back saga for one batch (issue 19): post every entry exactly once → sync the booking
 * days → confirm against journal_lines. When AFAS refuses an entry, or `post cancel` asks, it
 * compensates instead: every entry this batch put into AFAS is deleted (or, where AFAS refuses,
 * reversed), and the batch ends saying exactly what AFAS holds. Activities do all I/O and record
 * every step; this workflow decides the order.
 */
export async function postEntries(input: PostBatchInput): Promise<PostBatchResult> {
  const { source, batch } = input;
  const { bookkeeping, afas } = postActivities();
  const progress: PostProgress = {
    source,
    batch,
    phase: 'starting',
    entries: 0,
    posted: 0,
    failed: 0,
    compensated: 0,
    cancelRequested: false,
    status: 'posting',
    reason: null,
  };
  setHandler(postProgressQuery, () => progress);
  setHandler(cancelPostSignal, () => {
    progress.cancelRequested = true;
  });
  const end = async (status: BatchStatus, reason: string | null): Promise<PostBatchResult> => {
    progress.status = status;
    progress.reason = reason;
    progress.phase = 'done';
    return bookkeeping.endPostBatch({ source, batch, status, reason });
  };

  const begin = await bookkeeping.beginPostBatch({ source, batch });
  progress.entries = begin.keys.length;
  progress.posted = begin.posted.length;
  progress.status = begin.status;
  if (begin.cancelRequested) progress.cancelRequested = true;
  // Started again for a batch that already ended (a terminated and restarted workflow): report it.
  if (begin.status !== 'posting' && begin.status !== 'compensating' && begin.status !== 'posted_unconfirmed')
    return end(begin.status, null);

  let stop: string | null = begin.status === 'compensating' ? 'compensation had begun' : null;
  /** Keys that may be in AFAS: compensation looks at these (the others never reached it). */
  const touched = new Set([...begin.posted, ...begin.attempted]);
  if (begin.status === 'posting') {
    progress.phase = 'posting';
    const posted = new Set(begin.posted);
    const postOne = async (key: string) => {
      if (stop !== null || progress.cancelRequested) return;
      touched.add(key);
      try {
        const result = await afas.postEntry.executeWithOptions({ summary: `post ${key}` }, [
          { source, batch, key },
        ]);
        log.info('entry posted', { source, batch, key, entryNo: result.entryNo, found: result.found });
        progress.posted += 1;
      } catch (error) {
        progress.failed += 1;
        stop ??= isCancellation(error)
          ? 'the workflow was cancelled'
          : `AFAS refused entry ${key}: ${summarizeFailure(error).message}`;
      }
    };
    // postOne settles every entry itself (a cancelled workflow's included), so compensation starts
    // only once every POST in flight has settled; anything else it throws is a bug that ends the run.
    rethrowFatal(
      await CancellationScope.cancellable(() =>
        inLanes(
          begin.keys.filter((key) => !posted.has(key)),
          begin.concurrency,
          postOne,
        ),
      ),
    );
    if (stop === null && progress.cancelRequested) stop = 'post cancel asked for it';
  }

  if (stop !== null) {
    // Nothing cancels a compensation: it runs to its end and records it.
    return CancellationScope.nonCancellable(() => compensate(stop ?? 'compensating'));
  }
  return confirm();

  async function compensate(why: string): Promise<PostBatchResult> {
    progress.phase = 'compensating';
    progress.status = 'compensating';
    progress.reason = why;
    await bookkeeping.endPostBatch({ source, batch, status: 'compensating', reason: why });
    // Backwards: the last entries posted are taken out first.
    const keys = begin.keys.filter((key) => touched.has(key)).reverse();
    const settled = await inLanes(keys, begin.concurrency, async (key): Promise<CompensatedEntry> => {
      const result = await afas.compensateEntry.executeWithOptions({ summary: `take back ${key}` }, [
        { source, batch, key },
      ]);
      progress.compensated += 1;
      return { key, outcome: result.outcome, message: result.message };
    });
    const outcomes = settled.map((outcome, at): CompensatedEntry =>
      outcome.status === 'fulfilled'
        ? outcome.value
        : { key: keys[at] ?? '', outcome: 'failed', message: summarizeFailure(outcome.reason).message },
    );
    const verdict = compensationVerdict(why, outcomes);
    log.info('batch compensated', { source, batch, status: verdict.status });
    return end(verdict.status, verdict.reason);
  }

  async function confirm(): Promise<PostBatchResult> {
    progress.phase = 'confirming';
    if (begin.status === 'posting')
      await bookkeeping.endPostBatch({
        source,
        batch,
        status: 'posted_unconfirmed',
        reason: 'every entry is in AFAS; waiting for the sync of its booking days',
      });
    const syncNote = await syncBookingDays();
    const confirmed = await bookkeeping.confirmPostBatch({ source, batch, syncNote });
    return end(confirmed.status, confirmed.reason);
  }

  /**
   * Syncs the source (so the posted booking days reach journal_lines) as a child under the sync's
   * own id: a sync already running is asked for a follow-up run, and its last step confirms the
   * batch; this waits for that, or until it may start its own. Returns why confirming may fail.
   */
  async function syncBookingDays(): Promise<string | null> {
    for (let poll = 0; ; poll++) {
      try {
        const child = await startChild(syncSource, {
          workflowId: syncWorkflowId(source),
          args: [{ source, trigger: 'manual' }],
          staticSummary: `sync ${source} (after posting ${batch})`,
          parentClosePolicy: ParentClosePolicy.ABANDON,
        });
        const result = await child.result();
        if (result.status === 'succeeded') return null;
        const why = result.reason ?? result.error ?? result.failures[0]?.message;
        return `the sync after posting ended ${result.status}${why ? `: ${why}` : ''}`;
      } catch (error) {
        if (!(error instanceof WorkflowExecutionAlreadyStartedError))
          return `the sync after posting failed: ${summarizeFailure(error).message}`;
      }
      if (poll === 0) {
        try {
          await getExternalWorkflowHandle(syncWorkflowId(source)).signal(requestSyncSignal, {});
        } catch {
          // It ended between our start and this signal: the next poll starts a sync of our own.
        }
      }
      const now = await bookkeeping.confirmPostBatch({ source, batch, syncNote: null });
      if (now.status === 'confirmed') return null;
      if (poll + 1 >= SYNC_BUSY_POLLS)
        return 'a sync of the source kept running while this batch waited; the next sync confirms it';
      await sleep(SYNC_BUSY_POLL);
    }
  }
}
