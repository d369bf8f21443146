// The posting saga's AFAS activities (issue 19): postEntry and compensateEntry, each in the frame
// every AFAS activity runs in (withAfas: the environment's shared call budget, heartbeats,
// attention marking, the retry matrix).
import { PostEntryNotFoundError, PostEntryStore } from '../../db/post-entries.js';
import type { PostActivities } from '../../write-back/post-types.js';
import { createActivityScope } from '../activity-scope.js';
import type { ActivityDeps } from '../deps.js';
import { compensateEntryWork } from './compensate-entry.js';
import { entryContext, invalidEntry } from './entry-context.js';
import { postEntryWork } from './post-entry.js';

export type PostEntryActivities = Pick<PostActivities, 'postEntry' | 'compensateEntry'>;

export function createPostEntryActivities(deps: ActivityDeps): PostEntryActivities {
  const { withAfas } = createActivityScope(deps);
  const store = new PostEntryStore(deps.pool, deps.schema);
  // After an ambiguous outcome AFAS gets a moment to finish what it may still be booking before
  // the entry is looked up: the inline retries' first delay (1 s by default).
  const settleMs = deps.settings.inlineRetry.baseDelayMs;

  async function entryRow(ref: Parameters<PostEntryActivities['postEntry']>[0]) {
    try {
      return await store.get(ref);
    } catch (error) {
      if (error instanceof PostEntryNotFoundError) throw invalidEntry(error.message);
      throw error;
    }
  }

  return {
    postEntry: (ref) =>
      withAfas(ref.source, async (afas) => {
        const row = await entryRow(ref);
        return postEntryWork(entryContext(ref, store, afas, row.administration, settleMs), row);
      }),
    compensateEntry: (ref) =>
      withAfas(ref.source, async (afas) => {
        const row = await entryRow(ref);
        return compensateEntryWork(entryContext(ref, store, afas, row.administration, settleMs), row);
      }),
  };
}
