// The posting saga's batch-level activities (PostgreSQL only): begin, record a status, confirm
// the posted entries against journal_lines. src/activities/post/ holds the entry-level ones.
import { ApplicationFailure } from '@temporalio/common';
import { PostBatchNotFoundError, PostSagaStore } from '../../db/post-saga.js';
import { FailureType } from '../../temporal/failure-types.js';
import { entryDifference } from '../../write-back/confirm-lines.js';
import type {
  BatchRef,
  BeginPostResult,
  ConfirmBatchInput,
  ConfirmBatchResult,
  ConfirmPostedResult,
  EndBatchInput,
  PostActivities,
  PostBatchResult,
} from '../../write-back/post-types.js';
import { createActivityScope } from '../activity-scope.js';
import type { ActivityDeps } from '../deps.js';

/** Differences listed in a batch's reason; the rest are counted. */
const LISTED_DIFFERENCES = 5;

type BatchActivities = Pick<
  PostActivities,
  'beginPostBatch' | 'endPostBatch' | 'confirmPostBatch' | 'confirmPostedBatches'
>;

export function createPostBatchActivities(deps: ActivityDeps): BatchActivities {
  const { withDatabase } = createActivityScope(deps);
  const store = new PostSagaStore(deps.pool, deps.schema);

  /** A batch nobody registered will not appear by retrying. */
  const database = <T>(work: () => Promise<T>) =>
    withDatabase(async () => {
      try {
        return await work();
      } catch (error) {
        if (error instanceof PostBatchNotFoundError)
          throw ApplicationFailure.nonRetryable(error.message, FailureType.PostBatchNotFound);
        throw error;
      }
    });

  async function confirm(input: ConfirmBatchInput): Promise<ConfirmBatchResult> {
    const state = await store.state(input);
    // Only a batch whose entries are all in AFAS is confirmed; posting, compensating and ended
    // batches are left as they are.
    if (state.status === 'confirmed') return { status: 'confirmed', reason: null };
    if (state.status !== 'posted_unconfirmed')
      return { status: 'posted_unconfirmed', reason: `the batch is ${state.status}` };
    const posted = await store.postedEntries(input);
    const lines = await store.syncedLines(input.source, posted);
    const differences: string[] = [];
    const confirmed: string[] = [];
    if (lines === null) {
      differences.push('no sync has loaded journal_lines with the fields confirming compares yet');
    } else {
      for (const entry of posted) {
        const difference = entryDifference(
          entry,
          lines.get(`${entry.administration}/${entry.entryNo}`) ?? [],
        );
        if (difference === null) confirmed.push(entry.key);
        else differences.push(difference);
      }
    }
    if (posted.length < state.entries.length)
      differences.unshift(`${state.entries.length - posted.length} entries have no entry number recorded`);
    await store.markConfirmed(input, confirmed);
    if (differences.length === 0) {
      await store.setStatus(input, 'confirmed', null);
      return { status: 'confirmed', reason: null };
    }
    const listed = differences.slice(0, LISTED_DIFFERENCES);
    if (differences.length > LISTED_DIFFERENCES)
      listed.push(`and ${differences.length - LISTED_DIFFERENCES} more`);
    const reason = [input.syncNote, listed.join('; ')].filter((part) => part !== null).join('; ');
    await store.setStatus(input, 'posted_unconfirmed', reason);
    return { status: 'posted_unconfirmed', reason };
  }

  return {
    beginPostBatch: (ref: BatchRef): Promise<BeginPostResult> =>
      database(async () => {
        const [state, source] = await Promise.all([store.state(ref), deps.sources.get(ref.source)]);
        return {
          status: state.status,
          keys: state.entries.map((entry) => entry.key),
          posted: state.entries.filter((entry) => entry.entryNo !== null).map((entry) => entry.key),
          attempted: state.entries
            .filter((entry) => entry.entryNo === null && entry.attempted)
            .map((entry) => entry.key),
          concurrency: source.maxConcurrency,
          cancelRequested: state.cancelRequested,
        };
      }),
    endPostBatch: (input: EndBatchInput): Promise<PostBatchResult> =>
      database(async () => {
        await store.setStatus(input, input.status, input.reason);
        return store.result(input);
      }),
    confirmPostBatch: (input) => database(() => confirm(input)),
    confirmPostedBatches: ({ source }): Promise<ConfirmPostedResult> =>
      database(async () => {
        const result: ConfirmPostedResult = { confirmed: [], unconfirmed: [] };
        for (const batch of await store.unconfirmed(source)) {
          const outcome = await confirm({ source, batch, syncNote: null });
          (outcome.status === 'confirmed' ? result.confirmed : result.unconfirmed).push(batch);
        }
        return result;
      }),
  };
}
