// The compensateEntry activity's body: take one entry of a batch out of AFAS. Delete it by entry
// number (§6.5); where AFAS refuses (the period was blocked meanwhile, …) and the entry is still
// there, post a reversing entry — exactly once, by the same rules as the entry itself — in the
// entry's own period, or in the first open period after it. A reversal AFAS refuses too leaves the
// entry in AFAS: the result says so (the workflow goes on compensating the other entries).
import { ApplicationFailure } from '@temporalio/common';
import type { DeleteKeySegment } from '../../afas/update.js';
import type { AfasAnswer, PostEntryRecord } from '../../db/post-entries.js';
import { FailureType } from '../../temporal/failure-types.js';
import { FI_ENTRIES_CONNECTOR, FI_ENTRIES_ROOT, reversalEnvelope } from '../../write-back/fi-entries.js';
import { reversalMarker } from '../../write-back/marker.js';
import type { CompensateEntryResult } from '../../write-back/post-types.js';
import { registered, type EntryContext } from './entry-context.js';
import { reversalTarget } from './open-period.js';
import { postOnce, settle } from './post-once.js';
import { answerOf, writeOutcome } from './write-outcome.js';

type DeleteResult = { gone: true } | { gone: false; answer: AfasAnswer };

const result = (
  outcome: CompensateEntryResult['outcome'],
  entryNo: number | null,
  reversalEntryNo: number | null,
  message: string | null,
): CompensateEntryResult => ({ outcome, entryNo, reversalEntryNo, message });

/** Deletes the entry; gone when AFAS deleted it (or it was gone already), else AFAS's refusal. */
async function deleteEntry(
  context: EntryContext,
  row: PostEntryRecord,
  entryNo: number,
): Promise<DeleteResult> {
  const { session, recordStep, lookup } = context;
  const keyPath: DeleteKeySegment[] = [
    { object: FI_ENTRIES_ROOT, keys: { UnId: row.administration, JoCo: row.journal } },
    { object: FI_ENTRIES_CONNECTOR, keys: { EnNo: entryNo } },
  ];
  for (let attempt = 1; ; attempt++) {
    try {
      const answer = await session.deleteOnce(FI_ENTRIES_CONNECTOR, keyPath);
      await recordStep({ action: 'delete', outcome: 'ok', entryNo, httpStatus: answer.status });
      return { gone: true };
    } catch (error) {
      const outcome = writeOutcome(error);
      const answer = answerOf(error);
      const step = {
        action: 'delete' as const,
        entryNo,
        httpStatus: answer.httpStatus,
        message: answer.message,
        profitLogReference: answer.profitLogReference,
      };
      if (outcome === 'locked' || outcome === 'unavailable') {
        await recordStep({ ...step, outcome });
        if (await session.waitToRetry(error, attempt)) continue;
        throw error;
      }
      if (outcome === 'other') {
        await recordStep({ ...step, outcome: 'failed' });
        throw error;
      }
      await recordStep({ ...step, outcome: outcome === 'refused' ? 'refused' : 'ambiguous' });
      if (outcome === 'ambiguous') await settle(context);
      // Refused or unknown: whether the entry is still there decides (AFAS refuses to delete an
      // entry that is already gone, e.g. deleted by an earlier attempt whose answer was lost).
      const found = await lookup.find(row.marker);
      if (found === null) return { gone: true };
      if (found !== entryNo)
        throw ApplicationFailure.create({
          message: `AFAS holds entry ${found} marked ${row.marker}, not entry ${entryNo} as recorded: not compensating it blindly`,
          type: FailureType.PostEntryDuplicated,
          nonRetryable: true,
        });
      if (outcome === 'refused') return { gone: false, answer };
      throw ApplicationFailure.create({
        message: `${answer.message} (the delete may not have reached AFAS; entry ${entryNo} is still there: retrying)`,
        type: FailureType.AfasTransient,
        nonRetryable: false,
      });
    }
  }
}

/** Books the reversing entry (once); 'failed' when AFAS refuses it as well. */
async function reverse(
  context: EntryContext,
  row: PostEntryRecord,
  entryNo: number,
  refusal: AfasAnswer | null,
): Promise<CompensateEntryResult> {
  const { ref, store, afas, lookup } = context;
  const marker = reversalMarker(ref.batch, ref.key);
  const why = refusal?.message ?? row.message;
  if (row.reversalAttemptedAt !== null) {
    // An earlier attempt posted it (or may have): where it landed is recorded with the attempt.
    const found = await lookup.find(marker);
    if (found !== null) {
      await store.recordReversed(ref, found);
      return result('reversed', entryNo, found, why);
    }
  }
  const target = await reversalTarget(afas.session, afas.source, row);
  if (target === null) {
    const answer = {
      message: `${why ?? 'AFAS refused the delete'}; no open period from ${row.year}-${row.period} on to book a reversing entry in`,
      profitLogReference: refusal?.profitLogReference ?? row.profitLogReference,
    };
    await store.recordCompensationFailed(ref, answer);
    return result('failed', entryNo, null, answer.message);
  }
  const booking = { ...target, marker };
  const posted = await postOnce(context, {
    action: 'reverse',
    marker,
    attempted: false,
    markAttempted: () => store.markReversalAttempted(ref, booking, refusal),
    envelope: reversalEnvelope(registered(row), booking),
  });
  if (posted.posted) {
    await store.recordReversed(ref, posted.entryNo);
    return result('reversed', entryNo, posted.entryNo, why);
  }
  await store.recordCompensationFailed(ref, posted.answer);
  return result('failed', entryNo, null, posted.answer.message);
}

export async function compensateEntryWork(
  context: EntryContext,
  row: PostEntryRecord,
): Promise<CompensateEntryResult> {
  const { ref, store, lookup, recordStep } = context;
  if (row.status === 'deleted') return result('deleted', row.entryNo, null, row.message);
  if (row.status === 'reversed') return result('reversed', row.entryNo, row.reversalEntryNo, row.message);
  let entryNo = row.entryNo;
  if (entryNo === null) {
    // Never sent: nothing to take out. Sent without a recorded answer: AFAS may hold it.
    entryNo = row.attemptedAt === null ? null : await lookup.find(row.marker);
    if (entryNo === null) {
      await recordStep({ action: 'delete', outcome: 'not_posted' });
      return result('not_posted', null, null, null);
    }
    await store.recordPosted(ref, entryNo);
  }
  // Once a reversal was attempted, deleting is not tried again: the reversal may stand in AFAS.
  let refusal: AfasAnswer | null = null;
  if (row.reversalAttemptedAt === null) {
    const deleted = await deleteEntry(context, row, entryNo);
    if (deleted.gone) {
      await store.recordDeleted(ref);
      return result('deleted', entryNo, null, null);
    }
    refusal = deleted.answer;
  }
  return reverse(context, row, entryNo, refusal);
}
