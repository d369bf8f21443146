// What posting and compensating one entry share: the entry's row, its store, AFAS through the
// activity's session, and a step recorder bound to the entry.
import { ApplicationFailure } from '@temporalio/common';
import type { PostEntryRecord, PostEntryStore, PostStep } from '../../db/post-entries.js';
import { FailureType } from '../../temporal/failure-types.js';
import type { EntryRef } from '../../write-back/post-types.js';
import type { RegisteredEntry } from '../../write-back/fi-entries.js';
import type { AfasActivity } from '../activity-scope.js';
import { markerLookup } from './marker-lookup.js';
import type { PostOnceContext } from './post-once.js';

export interface EntryContext extends PostOnceContext {
  ref: EntryRef;
  store: PostEntryStore;
  afas: AfasActivity;
}

export function entryContext(
  ref: EntryRef,
  store: PostEntryStore,
  afas: AfasActivity,
  administration: number,
  settleMs: number,
): EntryContext {
  const recordStep = (step: PostStep) => store.recordStep(ref, step);
  return {
    ref,
    store,
    afas,
    session: afas.session,
    recordStep,
    lookup: markerLookup(afas.session, afas.source, administration, recordStep),
    heartbeat: () => afas.heartbeat(),
    signal: afas.signal,
    settleMs,
  };
}

export function registered(row: PostEntryRecord): RegisteredEntry {
  return { entry: row.entry, year: row.year, period: row.period, marker: row.marker };
}

/** An entry the activity cannot act on: retrying does not change that. */
export function invalidEntry(message: string): ApplicationFailure {
  return ApplicationFailure.create({ message, type: FailureType.PostEntryInvalid, nonRetryable: true });
}
