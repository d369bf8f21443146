// Posting one FiEntries entry (an entry of a batch, or the entry that reverses one) exactly once.
// The rule: a POST is sent only after its attempt is recorded, and never while an earlier POST
// of the same marker may have landed — that one is looked up by its marker first. Within one
// activity attempt a POST is re-sent only when AFAS's answer proves it did nothing (a locked
// layout, 503); after anything ambiguous the entry is looked up, and when it is not there the
// attempt fails retryably: the next attempt looks it up again before posting.
import { setTimeout as sleep } from 'node:timers/promises';
import { ApplicationFailure } from '@temporalio/common';
import type { AfasAnswer, PostAction, PostStep } from '../../db/post-entries.js';
import { FI_ENTRIES_CONNECTOR } from '../../write-back/fi-entries.js';
import type { UpdateEnvelope } from '../../afas/update.js';
import { FailureType } from '../../temporal/failure-types.js';
import type { MarkerLookup } from './marker-lookup.js';
import { answerOf, writeOutcome } from './write-outcome.js';
import type { AfasSession } from '../afas-session.js';

export interface PostOnceSpec {
  action: Extract<PostAction, 'post' | 'reverse'>;
  marker: string;
  /** An earlier attempt was recorded: it may have landed. */
  attempted: boolean;
  /** Records the attempt durably; runs before the POST is sent. */
  markAttempted: () => Promise<void>;
  envelope: UpdateEnvelope;
}

export type PostOnceResult =
  | { posted: true; entryNo: number; found: boolean }
  | { posted: false; answer: AfasAnswer; httpStatus: number | null };

export interface PostOnceContext {
  session: AfasSession;
  lookup: MarkerLookup;
  recordStep: (step: PostStep) => Promise<void>;
  heartbeat: () => void;
  signal: AbortSignal;
  /** How long to wait after an ambiguous outcome before looking the entry up. */
  settleMs: number;
}

export async function postOnce(context: PostOnceContext, spec: PostOnceSpec): Promise<PostOnceResult> {
  const { session, lookup, recordStep } = context;
  if (spec.attempted) {
    const entryNo = await lookup.find(spec.marker);
    if (entryNo !== null) return { posted: true, entryNo, found: true };
  }
  await spec.markAttempted();
  for (let attempt = 1; ; attempt++) {
    let entryNo: number | null;
    try {
      const result = await session.insertOnce(FI_ENTRIES_CONNECTOR, spec.envelope);
      const enNo = Number(result.results?.FiEntryPar?.EnNo);
      entryNo = Number.isSafeInteger(enNo) && enNo > 0 ? enNo : null;
      await recordStep({ action: spec.action, outcome: 'ok', entryNo, httpStatus: result.status });
    } catch (error) {
      const outcome = writeOutcome(error);
      const answer = answerOf(error);
      // answerOf gives exactly the step's httpStatus, message and profitLogReference.
      const step = { action: spec.action, ...answer };
      if (outcome === 'locked' || outcome === 'unavailable') {
        await recordStep({ ...step, outcome });
        if (await session.waitToRetry(error, attempt)) continue;
        throw error;
      }
      if (outcome === 'refused') {
        await recordStep({ ...step, outcome: 'refused' });
        return { posted: false, answer, httpStatus: answer.httpStatus };
      }
      if (outcome === 'other') {
        await recordStep({ ...step, outcome: 'failed' });
        throw error;
      }
      await recordStep({ ...step, outcome: 'ambiguous' });
      await settle(context);
      const found = await lookup.find(spec.marker);
      if (found !== null) return { posted: true, entryNo: found, found: true };
      throw ApplicationFailure.create({
        message:
          `${answer.message} (the ${spec.action === 'post' ? 'entry' : 'reversing entry'} may have been ` +
          `booked; it is not in AFAS now: the next attempt looks for it again before posting)`,
        type: FailureType.AfasTransient,
        nonRetryable: false,
        details: [{ errorClass: 'ambiguous', status: answer.httpStatus, profitLogReference: null }],
      });
    }
    // A 201 without an entry number: the entry is booked, its number is found by the marker.
    if (entryNo !== null) return { posted: true, entryNo, found: false };
    const found = await lookup.find(spec.marker);
    if (found !== null) return { posted: true, entryNo: found, found: false };
    throw ApplicationFailure.create({
      message: `AFAS accepted the ${spec.action === 'post' ? 'entry' : 'reversing entry'} without an entry number, and no entry is marked ${spec.marker}: not posting it again`,
      type: FailureType.AfasBadResponse,
      nonRetryable: true,
    });
  }
}

export async function settle(context: PostOnceContext): Promise<void> {
  for (let waited = 0; waited < context.settleMs; waited += 1_000) {
    context.heartbeat();
    await sleep(Math.min(1_000, context.settleMs - waited), undefined, { signal: context.signal });
  }
}
